"""The tool list and representative full outputs, compared with files in the repo."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_text, connect
from tests.mcp.snapshots import assert_snapshot
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio

EXPECTED_TOOLS = {
    "list_calls",
    "get_call",
    "list_call_stages",
    "get_call_stage",
    "get_stage_messages",
    "get_call_transcript",
    "get_call_metrics",
    "list_call_events",
    "list_call_tools",
    "list_agents",
    "get_agent",
    "search_transcripts",
    "find_problem_calls",
    "summarize_calls",
    "show_call",
    # The call viewer's app-only tools (``_meta.ui.visibility: ["app"]``).
    "get_call_timeline",
    "get_message_audio",
    "get_recording_window",
}


async def test_tool_list_matches_its_snapshot(client: Client) -> None:
    tools = sorted((await client.list_tools()).tools, key=lambda t: t.name)
    assert {t.name for t in tools} == EXPECTED_TOOLS
    for tool in tools:
        assert tool.title
        assert tool.description
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True
        assert tool.annotations.destructive_hint is False
        assert tool.annotations.idempotent_hint is True
        assert tool.annotations.open_world_hint is True
        for name, prop in tool.input_schema.get("properties", {}).items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"
    # _meta is part of the contract: the viewer's tools carry their ui:// page and visibility.
    dumped = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
    assert_snapshot("tools.json", json.dumps(dumped, indent=2, sort_keys=True) + "\n")


async def test_representative_outputs_match_their_snapshots(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    notable = data.notable
    record = next(r for r in data.calls if r.call_id == notable.failed_tool_call_id)
    cases: dict[str, tuple[str, dict[str, object]]] = {
        "list_calls.txt": ("list_calls", {"page_size": 4}),
        "get_call.txt": ("get_call", {"call_id": notable.multi_stage_call_id}),
        "list_call_stages.txt": ("list_call_stages", {"call_id": notable.three_stage_call_id}),
        "get_call_transcript.txt": (
            "get_call_transcript",
            {"call_id": notable.failed_tool_call_id, "max_chars": 6_000},
        ),
        "get_stage_messages.txt": (
            "get_stage_messages",
            {
                "call_id": notable.failed_tool_call_id,
                "call_stage_id": record.stages[0].stage_id,
                "roles": ["tool_call", "tool_result"],
            },
        ),
        "get_call_metrics.txt": ("get_call_metrics", {"call_id": notable.slow_after_tool.call_id}),
        "list_call_events.txt": ("list_call_events", {"call_id": notable.failed_tool_call_id}),
        "list_call_tools.txt": ("list_call_tools", {"call_id": notable.failed_tool_call_id}),
        "list_agents.txt": ("list_agents", {}),
        "get_agent.txt": ("get_agent", {"agent_id": notable.agent_ids[0]}),
    }
    async with connect(sandbox_app) as client:
        for name, (tool, args) in cases.items():
            assert_snapshot(name, await call_text(client, tool, **args) + "\n")
