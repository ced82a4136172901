"""Audit cursors resume only the scan that printed them: another query or other filters
are refused with a fix before any request, other budgets (max_calls, max_chars) resume
exactly where the scan stopped."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.audit.conftest import Planted, audit_client, hits, matched_calls, next_cursor
from tests.mcp.conftest import call_error, call_text

pytestmark = pytest.mark.anyio

AGENT = "4787f93b-ca44-4b86-8726-e25cfd56a926"
SEARCH = {"query": "appointment", "max_calls": 7}
_SCANNED = re.compile(r"^Scanned calls (\d+)–(\d+) of (\d+)", re.M)


async def _cursor_of(client: Client, tool: str, **args: object) -> str:
    cursor = next_cursor(await call_text(client, tool, **args))
    assert cursor, f"{tool} {args} printed no cursor"
    return cursor


async def _read_all(client: Client, tool: str, **args: object) -> list[str]:
    pages: list[str] = []
    cursor: str | None = None
    for _ in range(100):
        text = await call_text(client, tool, **args, **({"cursor": cursor} if cursor else {}))
        pages.append(text)
        cursor = next_cursor(text)
        if cursor is None:
            return pages
    raise AssertionError(f"{tool} did not reach the end")


def _scanned(pages: list[str]) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for page in pages for a, b, _ in _SCANNED.findall(page)]


async def test_a_search_cursor_reused_with_another_query_is_refused_with_a_fix(
    app: Starlette, cache_dir: Path
) -> None:
    async with audit_client(app, cache_dir) as client:
        cursor = await _cursor_of(client, "search_transcripts", **SEARCH)
        app.state.requests.clear()
        message = await call_error(
            client, "search_transcripts", **{**SEARCH, "query": "invoice"}, cursor=cursor
        )
    assert (
        "That cursor belongs to a search_transcripts call with a different query, regex, "
        "case_sensitive, roles and call filters: here it would resume at the wrong place."
    ) in message
    assert "repeat the query, regex, case_sensitive, roles and call filters" in message
    assert "omit cursor to start over" in message
    assert len(app.state.requests) == 0  # refused before any request


@pytest.mark.parametrize(
    ("printed_with", "reused_with"),
    [
        ({}, {"regex": True}),
        ({}, {"case_sensitive": True}),
        ({}, {"roles": ["user"]}),
        ({"roles": ["user", "agent"]}, {"roles": ["user"]}),
        ({}, {"from_date": "2026-11-01"}),
        ({"to_date": "2026-11-18"}, {}),
        ({"to_date": "2026-11-18"}, {"to_date": "2026-11-17"}),
        ({}, {"agent_ids": [AGENT]}),
        ({}, {"metadata": {"campaign": "walk-in"}}),
        ({}, {"call_search": "appointment"}),
        ({}, {"min_duration_seconds": 30}),
        ({}, {"max_duration_seconds": 600}),
    ],
    ids=lambda args: ",".join(args) or "none",
)
async def test_a_search_cursor_reused_with_other_filters_is_refused(
    app: Starlette,
    cache_dir: Path,
    printed_with: dict[str, object],
    reused_with: dict[str, object],
) -> None:
    async with audit_client(app, cache_dir) as client:
        cursor = await _cursor_of(client, "search_transcripts", **SEARCH, **printed_with)
        app.state.requests.clear()
        message = await call_error(
            client, "search_transcripts", **SEARCH, **reused_with, cursor=cursor
        )
    assert "belongs to a search_transcripts call with a different query" in message
    assert "omit cursor to start over" in message
    assert len(app.state.requests) == 0


@pytest.mark.parametrize(
    ("tool", "printed_with", "reused_with", "bound"),
    [
        ("find_problem_calls", {}, {"to_date": "2026-11-18"}, "call filters"),
        ("find_problem_calls", {"agent_ids": [AGENT]}, {}, "call filters"),
        ("summarize_calls", {}, {"metadata": {"campaign": "walk-in"}}, "group_by and call filters"),
        (
            "summarize_calls",
            {"group_by": "day"},
            {"group_by": "agent"},
            "group_by and call filters",
        ),
    ],
)
async def test_an_aggregate_cursor_reused_with_other_arguments_is_refused(
    app: Starlette,
    cache_dir: Path,
    tool: str,
    printed_with: dict[str, object],
    reused_with: dict[str, object],
    bound: str,
) -> None:
    async with audit_client(app, cache_dir) as client:
        cursor = await _cursor_of(client, tool, max_calls=5, **printed_with)
        app.state.requests.clear()
        message = await call_error(client, tool, max_calls=5, **reused_with, cursor=cursor)
    assert f"That cursor belongs to a {tool} call with a different {bound}:" in message
    assert len(app.state.requests) == 0


async def test_a_cursor_of_the_right_tool_but_bound_to_nothing_is_refused(
    app: Starlette, cache_dir: Path
) -> None:
    # What a cursor printed before cursors were bound looks like.
    unbound = {"k": "search", "u": None, "s": 3, "x": 3, "m": None}
    cursor = base64.urlsafe_b64encode(json.dumps(unbound).encode()).decode().rstrip("=")
    async with audit_client(app, cache_dir) as client:
        message = await call_error(client, "search_transcripts", **SEARCH, cursor=cursor)
    assert "different query, regex, case_sensitive, roles and call filters" in message


async def test_a_cursor_carries_a_digest_of_its_arguments_never_their_values(
    app: Starlette, cache_dir: Path
) -> None:
    async with audit_client(app, cache_dir) as client:
        cursor = await _cursor_of(
            client, "search_transcripts", **SEARCH, metadata={"campaign": "walk-in"}
        )
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert set(payload) == {"k", "u", "s", "x", "m", "b"}
    assert re.fullmatch(r"[0-9a-f]{16}", payload["b"])
    raw = json.dumps(payload)
    assert "appointment" not in raw
    assert "walk-in" not in raw


async def test_the_same_search_with_other_max_calls_and_max_chars_resumes_where_it_stopped(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    total = len(planted.data.calls)
    async with audit_client(app, cache_dir) as client:
        whole = await call_text(
            client, "search_transcripts", query="appointment", max_chars=200_000
        )
        pages = [await call_text(client, "search_transcripts", **SEARCH)]
        # Wider and with more room, then narrower room for the rest: the place holds.
        for budgets in ({"max_calls": 20, "max_chars": 200_000}, {"max_calls": 2_000}):
            cursor = next_cursor(pages[-1])
            assert cursor
            pages.append(
                await call_text(
                    client, "search_transcripts", query="appointment", cursor=cursor, **budgets
                )
            )
    assert _scanned(pages) == [(1, 7), (8, 27), (28, total)]
    assert next_cursor(pages[-1]) is None
    assert not any("[cut" in page for page in pages)
    assert [c for page in pages for c in matched_calls(page)] == matched_calls(whole)
    assert sorted(h for page in pages for h in hits(page)) == sorted(hits(whole))


async def test_resuming_a_search_with_its_arguments_returns_every_remaining_match_once(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    # Bound arguments away from their defaults: the cursors must still fit them.
    args = {
        "query": r"PURPLE\s+ELEPHANT",
        "regex": True,
        "roles": ["agent", "user"],
        "max_calls": 5,
    }
    async with audit_client(app, cache_dir) as client:
        pages = await _read_all(client, "search_transcripts", **args)
    total = len(planted.data.calls)
    assert _scanned(pages) == [(n, min(n + 4, total)) for n in range(1, total + 1, 5)]
    found = [h for page in pages for h in hits(page)]
    expected = [(p.stage_id, p.index, p.role) for p in planted.plants if p.role != "TOOL_RESULT"]
    assert sorted(found) == sorted(expected)
    calls = [c for page in pages for c in matched_calls(page)]
    assert len(calls) == len(set(calls)) == len({p.call_id for p in planted.plants}) - 1


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("find_problem_calls", {"examples": 2, "max_calls": 10}),
        ("summarize_calls", {"group_by": "end_reason", "max_calls": 10}),
    ],
)
async def test_resuming_an_aggregate_with_its_arguments_scans_every_call_once(
    app: Starlette, cache_dir: Path, planted: Planted, tool: str, args: dict[str, object]
) -> None:
    async with audit_client(app, cache_dir) as client:
        pages = await _read_all(client, tool, **args)
    total = len(planted.data.calls)
    assert _scanned(pages) == [(n, min(n + 9, total)) for n in range(1, total + 1, 10)]
    assert "(end of calls: every call matching the filters was read)" in pages[-1]
    if tool == "summarize_calls":
        counts = [int(n) for n in re.findall(r"^all calls · (\d+) calls?", "\n".join(pages), re.M)]
        assert sum(counts) == total
