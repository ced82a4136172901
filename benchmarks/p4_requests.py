"""P4: upstream requests to read N messages or N calls through the tools, vs ceil(N / page).

Each case reads a whole list through one tool, following the printed cursor to the end,
and counts the requests the loopback sandbox logged: the list's own pages (the goal is
exactly ceil(N / page size), no page fetched twice — no cursor sent twice — and nothing
fetched per row) and, separately, the fixed per-call requests a tool makes besides (e.g.
the stage list of a transcript). The reader also checks that it saw all N rows.

Where a page of the size asked cannot fit the result budget (200 call rows in 24,000
characters), the tool asks the API for fewer rows; that case counts against the page
size it asked, and is shown beside the same read with the budget raised.

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


def run(quick: bool = False) -> Outcome:
    """``quick`` skips the 10,000-message reads."""
    app = create_app()
    data: SandboxData = app.state.data
    with run_loopback(app) as base_url:
        counts = [
            anyio.run(count, base_url, app.state.requests, case)
            for case in cases(data, quick=quick)
        ]
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
    return Outcome(rows=rows, notes=notes, numbers=numbers)


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
