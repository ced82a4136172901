"""list_calls and get_call through a real MCP client, in both protocol modes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_error, call_text, connect, next_cursor, row_ids, text_of
from ultravox_calls_mcp.sandbox import SandboxData, create_app, generate_dataset

pytestmark = pytest.mark.anyio


async def _read_every_call(client: Client, **arguments: object) -> tuple[list[str], int]:
    """Follow list_calls' cursor to the end: (ids in order, results read)."""
    seen: list[str] = []
    cursor: str | None = None
    for results in range(1, 200):
        args = {**arguments, **({"cursor": cursor} if cursor else {})}
        text = await call_text(client, "list_calls", **args)
        assert len(text) <= int(str(arguments.get("max_chars", 24_000)))
        ids = row_ids(text)
        assert ids, "every result must make progress"
        seen += ids
        cursor = next_cursor(text)
        if cursor is None:
            assert text.rstrip().endswith("(end of list)")
            return seen, results
    raise AssertionError("the cursor never ended")


async def test_list_calls_says_which_rows_of_how_many_and_where_to_read_on(
    client: Client, data: SandboxData
) -> None:
    text = await call_text(client, "list_calls", page_size=5)
    total = len(data.calls)
    assert text.startswith(f"Calls 1–5 of {total} (newest first)")
    assert row_ids(text) == [record.call_id for record in data.calls[:5]]
    assert next_cursor(text) is not None


async def test_following_list_calls_cursors_visits_every_call_exactly_once(
    client: Client, data: SandboxData
) -> None:
    seen, _ = await _read_every_call(client, page_size=17)
    assert seen == [record.call_id for record in data.calls]


async def test_a_small_budget_asks_the_api_for_only_the_rows_it_can_show() -> None:
    app = create_app()
    calls = [record.call_id for record in app.state.data.calls]
    async with connect(app) as client:
        first = await call_text(client, "list_calls", page_size=50, max_chars=2_000)
        assert "raise max_chars to read more per call" in first
        app.state.requests.clear()
        seen, results = await _read_every_call(client, page_size=50, max_chars=2_000)
    assert seen == calls
    pages = [r for r in app.state.requests if r.path == "/api/calls"]
    # Each result is one whole page: nothing fetched to be cut, no page fetched twice.
    assert len(pages) == results
    assert len({r.param("cursor") for r in pages}) == len(pages)
    assert all(int(r.param("pageSize") or 0) < 50 for r in pages)


async def test_rows_longer_than_expected_are_cut_mid_page_and_resumed_at_the_next_row() -> None:
    # Summaries of the longest kind the row shows (140 characters) make rows larger than
    # the tool's estimate, so a page asked for does not fit and is cut inside.
    shared = generate_dataset()  # cached and shared: changed on copies only
    long_story = "A caller with a long story to tell. " * 8
    calls = [
        replace(r, call={**r.call, "shortSummary": long_story}) if r.call["shortSummary"] else r
        for r in shared.calls
    ]
    data = replace(shared, calls=calls)
    app = create_app(data)
    async with connect(app) as client:
        seen, results = await _read_every_call(client, page_size=50)
    assert seen == [record.call_id for record in data.calls]
    pages = [r for r in app.state.requests if r.path == "/api/calls"]
    assert any(r.param("cursor") == pages[0].param("cursor") for r in pages[1:]), (
        "the first page was cut inside, so reading on fetched it again"
    )
    assert results >= 2


async def test_list_calls_filters_by_agent(client: Client, data: SandboxData) -> None:
    agent_id = data.notable.agent_ids[0]
    expected = [
        r.call_id for r in data.calls if (r.call.get("agent") or {}).get("agentId") == agent_id
    ]
    text = await call_text(client, "list_calls", agent_ids=[agent_id], page_size=200)
    assert row_ids(text) == expected
    assert f"of {len(expected)}" in text.splitlines()[0]


async def test_list_calls_with_a_bad_agent_id_is_refused_before_any_request(
    sandbox_app: Starlette,
) -> None:
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        message = await call_error(client, "list_calls", agent_ids=["../../admin"])
    assert "agent_ids" in message
    assert sandbox_app.state.requests == []


async def test_list_calls_with_a_bad_date_names_the_expected_format(client: Client) -> None:
    message = await call_error(client, "list_calls", from_date="last tuesday")
    assert "from_date" in message


async def test_get_call_shows_the_call_and_where_to_read_its_transcript(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.multi_stage_call_id
    text = await call_text(client, "get_call", call_id=call_id)
    assert text.startswith(f"Call {call_id}\n")
    # Said once: the reads it points to take it as their call_id.
    assert text.count(call_id) == 1
    assert "read on, each with this call_id:" in text
    assert "ultravox://calls/{call_id}/transcript" in text
    for tool in ("get_call_transcript", "list_call_stages", "get_call_metrics", "list_call_tools"):
        assert f": {tool}" in text


async def test_get_call_accepts_an_uppercase_id(client: Client, data: SandboxData) -> None:
    call_id = data.notable.multi_stage_call_id
    text = await call_text(client, "get_call", call_id=call_id.upper())
    assert text.startswith(f"Call {call_id}")


async def test_get_call_for_an_unknown_id_says_how_to_find_real_ones(client: Client) -> None:
    message = await call_error(client, "get_call", call_id="00000000-0000-4000-8000-000000000000")
    assert "list_calls" in message
    assert "Traceback" not in message


async def test_get_call_with_a_malformed_id_makes_no_request(sandbox_app: Starlette) -> None:
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        for bad in ("../x", "a?b=1", "%2e%2e", "x" * 60):
            message = await call_error(client, "get_call", call_id=bad)
            assert "UUID" in message or "uuid" in message
    assert sandbox_app.state.requests == []


async def test_list_calls_structured_copy_holds_the_same_rows_as_the_text(
    client: Client, data: SandboxData
) -> None:
    result = await client.call_tool("list_calls", {"page_size": 6})
    text = text_of(result)
    structured = result.structured_content
    assert structured is not None
    assert [row["call_id"] for row in structured["calls"]] == row_ids(text)
    assert structured["total"] == len(data.calls)
    assert structured["next_cursor"] == next_cursor(text)
    first = structured["calls"][0]
    assert set(first) == {
        "call_id",
        "created",
        "duration_seconds",
        "end_reason",
        "live",
        "agent_id",
        "agent_name",
    }
