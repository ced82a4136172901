"""ULTRAVOX_MCP_PAGE_SIZE does what the README says: every tool that shows a page of rows
asks the API for that many rows per page when the call names no page_size (a page_size
argument wins); the reads that show no page (the audits, one message by message_index)
ask for the largest page, 200, for the fewest requests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from tests.mcp.conftest import call_text, connect
from ultravox_calls_mcp.config import MAX_PAGE_SIZE, Settings
from ultravox_calls_mcp.sandbox import RecordedRequest, SandboxData

pytestmark = pytest.mark.anyio

SETTING = 7


def _sizes(app: Starlette, wanted: Callable[[RecordedRequest], bool]) -> set[str | None]:
    return {r.param("pageSize") for r in app.state.requests if wanted(r)}


def _ends(suffix: str) -> Callable[[RecordedRequest], bool]:
    return lambda r: r.path.endswith(suffix)


LISTINGS: list[tuple[str, Callable[[SandboxData], dict[str, object]], str]] = [
    ("list_calls", lambda d: {}, "/api/calls"),
    ("list_agents", lambda d: {}, "/api/agents"),
    ("list_call_events", lambda d: {"call_id": d.notable.three_stage_call_id}, "/events"),
    ("list_call_stages", lambda d: {"call_id": d.notable.three_stage_call_id}, "/stages"),
    ("get_call_transcript", lambda d: {"call_id": d.notable.three_stage_call_id}, "/messages"),
    (
        "get_stage_messages",
        lambda d: {"call_id": d.notable.stress_call_id, "call_stage_id": d.notable.stress_stage_id},
        "/messages",
    ),
]


def test_the_setting_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"ULTRAVOX_MCP_PAGE_SIZE": str(SETTING)})
    assert settings.page_size == SETTING


@pytest.mark.parametrize(("tool", "arguments", "suffix"), LISTINGS, ids=[t for t, _, _ in LISTINGS])
async def test_every_listing_tool_asks_for_the_configured_page_size(
    sandbox_app: Starlette,
    data: SandboxData,
    tool: str,
    arguments: Callable[[SandboxData], dict[str, object]],
    suffix: str,
) -> None:
    async with connect(sandbox_app, page_size=SETTING) as client:
        sandbox_app.state.requests.clear()
        await call_text(client, tool, **arguments(data))
    assert _sizes(sandbox_app, _ends(suffix)) == {str(SETTING)}


@pytest.mark.parametrize(
    ("tool", "arguments", "suffix"),
    [row for row in LISTINGS if row[0] not in ("list_call_stages", "get_call_transcript")],
    ids=["list_calls", "list_agents", "list_call_events", "get_stage_messages"],
)
async def test_a_page_size_argument_wins_over_the_setting(
    sandbox_app: Starlette,
    data: SandboxData,
    tool: str,
    arguments: Callable[[SandboxData], dict[str, object]],
    suffix: str,
) -> None:
    async with connect(sandbox_app, page_size=SETTING) as client:
        sandbox_app.state.requests.clear()
        await call_text(client, tool, **arguments(data), page_size=3)
    assert _sizes(sandbox_app, _ends(suffix)) == {"3"}


async def test_audits_read_whole_calls_at_the_largest_page_whatever_the_setting(
    sandbox_app: Starlette,
) -> None:
    async with connect(sandbox_app, page_size=SETTING) as client:
        sandbox_app.state.requests.clear()
        await call_text(client, "search_transcripts", query="the", max_calls=30)
        await call_text(client, "summarize_calls", max_calls=30)
    per_call = _sizes(
        sandbox_app, lambda r: r.path != "/api/calls" and r.param("pageSize") is not None
    )
    assert per_call == {str(MAX_PAGE_SIZE)}
    # The call list is read in pages of max_calls (at most 200): no row fetched in vain.
    assert _sizes(sandbox_app, _ends("/api/calls")) == {"30"}


async def test_one_message_by_index_is_found_at_the_largest_page_whatever_the_setting(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    async with connect(sandbox_app, page_size=SETTING) as client:
        sandbox_app.state.requests.clear()
        await call_text(
            client,
            "get_stage_messages",
            call_id=n.stress_call_id,
            call_stage_id=n.stress_stage_id,
            message_index=450,
        )
    assert _sizes(sandbox_app, _ends("/messages")) == {str(MAX_PAGE_SIZE)}
    assert sandbox_app.state.requests.count_path("/messages") == 3


# append to tests/mcp/test_page_size_setting.py


async def test_list_calls_asks_for_a_setting_above_fifty_when_the_rows_fit(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    async with connect(sandbox_app, page_size=120, max_chars=200_000) as client:
        sandbox_app.state.requests.clear()
        text = await call_text(client, "list_calls")
    assert _sizes(sandbox_app, _ends("/api/calls")) == {"120"}
    assert text.startswith(f"Calls 1–{len(data.calls)} of {len(data.calls)}")
