"""P4: upstream requests to read N messages or N calls through the tools, vs ceil(N / page).

Each case reads a whole list through one tool, following the printed cursor to the end,
and counts the requests the loopback sandbox logged: the list's own pages (the goal is
exactly ceil(N / page size), no page fetched twice — no cursor sent twice — and nothing
fetched per row) and, separately, the fixed per-call requests a tool makes besides (e.g.
the stage list of a transcript). The reader also checks that it saw all N rows.

Where a page of the size asked cannot fit the result budget (200 call rows in 24,000
characters), the tool asks the API for fewer rows; that case counts against the page
size it asked, and is shown beside the same read with the budget raised.

Reading one message whole (``get_stage_messages(message_index=N)``) is counted too: cold,
ceil((N + 1) / 200) page requests (the largest page, walked from the stage's start); every
further ``text_offset`` window of it, and any message of a page this server has already
read (by a single read or the listing), one request; a message of an ended call an audit
has cached, none.

Run:  .venv/bin/python -m benchmarks.p4_requests
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio

from benchmarks.common import Outcome, Row, connect, next_cursor, print_outcome, text_of
from mcp import Client
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.sandbox import RecordedRequest, SandboxData, create_app, run_loopback

_MAX_CALLS = 500  # bounds every cursor walk
_LARGE_BUDGET = 200_000  # the largest max_chars: a whole page of 200 call rows fits
_MESSAGE_LINE = re.compile(r"^\[(\d+)\] ", re.M)
_CALL_LINE = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) · ", re.M)


@dataclass(frozen=True)
class Case:
    name: str
    tool: str
    arguments: dict[str, Any]
    rows: int  # N
    page_size: int  # rows per upstream page the tool asks for
    is_list_request: Callable[[RecordedRequest], bool]
    row_pattern: re.Pattern[str]
    # The page holds more rows than the budget can show: the tool may ask for fewer (and
    # must then read each page once, all of it shown), so the goal counts what it asked.
    budget_bound: bool = False


@dataclass(frozen=True)
class Count:
    case: Case
    list_requests: int
    other_requests: Counter[str]
    tool_calls: int
    rows_seen: int
    asked: int  # the largest pageSize the tool sent
    repeated: int  # list requests for a page already fetched (same cursor)

    @property
    def page_size(self) -> int:
        return self.asked if self.case.budget_bound else self.case.page_size

    @property
    def expected(self) -> int:
        return math.ceil(self.case.rows / self.page_size)

    @property
    def ok(self) -> bool:
        asked_ok = self.asked <= self.case.page_size if self.case.budget_bound else True
        return (
            self.list_requests == self.expected
            and self.repeated == 0
            and asked_ok
            and self.rows_seen == self.case.rows
        )


def _kind(path: str) -> str:
    """A request path with ids folded, e.g. /api/calls/{id}/stages/{id}."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path)


def cases(data: SandboxData, *, quick: bool) -> list[Case]:
    n = data.notable
    stress, three = data.call(n.stress_call_id), data.call(n.three_stage_call_id)
    assert stress is not None
    assert three is not None
    stress_rows = len(stress.stages[0].messages)
    three_rows = sum(len(s.messages) - s.first_own for s in three.stages)
    stage_messages = f"/api/calls/{n.stress_call_id}/stages/{n.stress_stage_id}/messages"

    def stage_list(r: RecordedRequest) -> bool:
        return r.path == stage_messages

    def call_messages(r: RecordedRequest) -> bool:
        return r.path.endswith("/messages") and "/stages/" not in r.path

    def call_list(r: RecordedRequest) -> bool:
        return r.path == "/api/calls"

    stage_args = {"call_id": n.stress_call_id, "call_stage_id": n.stress_stage_id}
    stress_stage = [
        Case(
            f"get_stage_messages, {stress_rows:,} msgs, page_size={MAX_PAGE_SIZE}",
            "get_stage_messages",
            {**stage_args, "page_size": MAX_PAGE_SIZE},
            stress_rows,
            MAX_PAGE_SIZE,
            stage_list,
            _MESSAGE_LINE,
        )
    ]
    found = [
        Case(
            f"list_calls, {len(data.calls)} calls, page_size={MAX_PAGE_SIZE}, "
            f"max_chars={_LARGE_BUDGET:,}",
            "list_calls",
            {"page_size": MAX_PAGE_SIZE, "max_chars": _LARGE_BUDGET},
            len(data.calls),
            MAX_PAGE_SIZE,
            call_list,
            _CALL_LINE,
        ),
        Case(
            f"list_calls, {len(data.calls)} calls, page_size={MAX_PAGE_SIZE}, default budget",
            "list_calls",
            {"page_size": MAX_PAGE_SIZE},
            len(data.calls),
            MAX_PAGE_SIZE,
            call_list,
            _CALL_LINE,
            budget_bound=True,
        ),
        Case(
            f"get_call_transcript, 3 stages, {three_rows} msgs",
            "get_call_transcript",
            {"call_id": n.three_stage_call_id},
            three_rows,
            MAX_PAGE_SIZE,
            call_messages,
            _MESSAGE_LINE,
        ),
    ]
    if not quick:
        found[:0] = stress_stage
        found.append(
            Case(
                f"get_call_transcript, {stress_rows:,} msgs",
                "get_call_transcript",
                {"call_id": n.stress_call_id},
                stress_rows,
                MAX_PAGE_SIZE,
                call_messages,
                _MESSAGE_LINE,
            )
        )
    return found


async def count(base_url: str, requests: list[RecordedRequest], case: Case) -> Count:
    # The server asks the API for the largest page by default, as a reader of a whole
    # list should; the goal is counted against that page size.
    async with connect(base_url, page_size=case.page_size) as client:
        requests.clear()
        cursor: str | None = None
        calls, rows = 0, []
        for _ in range(_MAX_CALLS):
            args = {**case.arguments, **({"cursor": cursor} if cursor else {})}
            with anyio.fail_after(120):
                result = await client.call_tool(case.tool, args)
            if result.is_error:
                raise RuntimeError(f"{case.tool}: {text_of(result)[:300]}")
            calls += 1
            text = text_of(result)
            rows += case.row_pattern.findall(text)
            cursor = next_cursor(text)
            if cursor is None:
                break
    listed = [r for r in requests if case.is_list_request(r)]
    others = Counter(_kind(r.path) for r in requests if not case.is_list_request(r))
    cursors = [r.param("cursor") for r in listed]
    asked = max((int(r.param("pageSize") or 0) for r in listed), default=0)
    repeated = len(cursors) - len(set(cursors))
    return Count(case, len(listed), others, calls, len(rows), asked, repeated)


@dataclass(frozen=True)
class Read:
    """One single-message case: the requests it cost against its goal."""

    name: str
    requests: list[int]  # per tool call
    goal: list[int]
    sizes: set[str | None]  # the pageSize values the reads asked for

    @property
    def ok(self) -> bool:
        return self.requests == self.goal and self.sizes <= {str(MAX_PAGE_SIZE)}


async def message_reads(
    base_url: str, requests: list[RecordedRequest], data: SandboxData
) -> list[Read]:
    n = data.notable
    record = data.call(n.stress_call_id)
    assert record is not None
    last = len(record.stages[0].messages) - 1
    stage = {"call_id": n.stress_call_id, "call_stage_id": n.stress_stage_id}
    path = f"/api/calls/{n.stress_call_id}/stages/{n.stress_stage_id}/messages"
    reads: list[Read] = []

    async def cost(client: Client, **arguments: object) -> tuple[int, set[str | None]]:
        requests.clear()
        with anyio.fail_after(120):
            result = await client.call_tool("get_stage_messages", {**stage, **arguments})
        if result.is_error:
            raise RuntimeError(f"get_stage_messages: {text_of(result)[:300]}")
        asked = [r for r in requests if r.path == path]
        return len(asked), {r.param("pageSize") for r in asked}

    async def case(name: str, goal: list[int], client: Client, *calls: dict[str, object]) -> None:
        counts: list[int] = []
        sizes: set[str | None] = set()
        for arguments in calls:
            count, asked = await cost(client, **arguments)
            counts.append(count)
            sizes |= asked
        reads.append(Read(name, counts, goal, sizes))

    async with connect(base_url) as client:
        cold = [math.ceil((last + 1) / MAX_PAGE_SIZE)]
        await case(f"message_index={last:,}, cold", cold, client, {"message_index": last})
        windows: list[dict[str, object]] = [
            {"message_index": last, "text_offset": at} for at in (10, 20, 30)
        ]
        await case(
            f"message_index={last:,}, 3 more text_offset windows", [1, 1, 1], client, *windows
        )
        await case("message_index=9,000, same stage, warm", [1], client, {"message_index": 9_000})
    async with connect(base_url) as client:
        await cost(client, page_size=MAX_PAGE_SIZE)  # the listing's first page: 0–199
        await case("message_index=150 of a listed page", [1], client, {"message_index": 150})
    async with connect(base_url, sandbox=True) as client:  # the audit cache in memory
        day = record.created.isoformat()
        result = await client.call_tool(
            "search_transcripts", {"from_date": day, "to_date": day, "query": "x"}
        )
        if result.is_error:
            raise RuntimeError(f"search_transcripts: {text_of(result)[:300]}")
        cached = f"message_index={last:,}, ended call in the audit cache"
        await case(cached, [0], client, {"message_index": last})
    return reads


def run(quick: bool = False) -> Outcome:
    """``quick`` skips the 10,000-message reads."""
    app = create_app()
    data: SandboxData = app.state.data
    with run_loopback(app) as base_url:
        counts = [
            anyio.run(count, base_url, app.state.requests, case)
            for case in cases(data, quick=quick)
        ]
        reads = anyio.run(message_reads, base_url, app.state.requests, data)
    rows: list[Row] = []
    notes: list[str] = []
    numbers: dict[str, float] = {}
    for c in counts:
        other = ", ".join(f"{k} ×{v}" for k, v in sorted(c.other_requests.items())) or "none"
        notes.append(
            f"P4 {c.case.name}: {c.tool_calls} tool calls, {c.rows_seen:,} rows read; "
            f"list requests {c.list_requests} (pageSize {c.asked}, {c.repeated} for a page "
            f"already read) vs ceil({c.case.rows:,}/{c.page_size}) = {c.expected}; "
            f"other requests: {other}"
        )
        rows.append(
            Row(
                f"P4 {c.case.name}",
                f"{c.list_requests} list requests of {c.asked} (+{sum(c.other_requests.values())}"
                f" other, {c.tool_calls} tool calls)",
                f"= {c.expected}, none twice",
                c.ok,
            )
        )
        numbers[c.case.name] = c.list_requests
    for r in reads:
        figures = ", ".join(str(c) for c in r.requests)
        notes.append(
            f"P4 get_stage_messages({r.name}): stage-message requests per tool call "
            f"{figures} (pageSize {', '.join(sorted(s or '-' for s in r.sizes)) or 'none'}) "
            f"vs {', '.join(str(g) for g in r.goal)}"
        )
        rows.append(
            Row(
                f"P4 get_stage_messages({r.name})",
                f"{figures} requests",
                f"= {', '.join(str(g) for g in r.goal)}",
                r.ok,
            )
        )
        numbers[r.name] = sum(r.requests)
    return Outcome(rows=rows, notes=notes, numbers=numbers)


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
