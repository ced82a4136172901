"""Stages, events, tools and agents through a real MCP client."""

from __future__ import annotations

import re

import pytest

from mcp import Client
from tests.mcp.conftest import call_error, call_text, row_ids
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


def _record(data: SandboxData, call_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in data.calls if r.call_id == call_id)


async def test_list_call_stages_lists_each_stage_and_what_changed(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.three_stage_call_id
    record = _record(data, call_id)
    text = await call_text(client, "list_call_stages", call_id=call_id)
    assert text.startswith(f"Call {call_id}: 3 stage(s)")
    positions = [text.index(stage.stage_id) for stage in record.stages]
    assert positions == sorted(positions)
    assert "prompt" in text.split(record.stages[1].stage_id, 1)[1]


async def test_get_call_stage_overview_sizes_the_large_fields(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.multi_stage_call_id
    stage_id = _record(data, call_id).stages[0].stage_id
    text = await call_text(client, "get_call_stage", call_id=call_id, call_stage_id=stage_id)
    assert re.search(r"- system_prompt: [\d,]+ characters", text)
    assert 'field="system_prompt"' in text


async def test_an_extreme_system_prompt_is_read_whole_in_windows_within_budget(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.extreme_prompt_call_id
    record = _record(data, call_id)
    stage = record.stages[0]
    expected_length = len(stage.stage["systemPrompt"])
    assert expected_length > 900_000
    offset, windows = 0, 0
    while True:
        text = await call_text(
            client,
            "get_call_stage",
            call_id=call_id,
            call_stage_id=stage.stage_id,
            field="system_prompt",
            offset=offset,
            max_chars=200_000,
        )
        assert len(text) <= 200_000
        windows += 1
        more = re.search(r'field="system_prompt", offset=(\d+)\)', text)
        if more is None:
            assert "(end of system_prompt)" in text
            break
        assert int(more.group(1)) > offset
        offset = int(more.group(1))
    assert f"{expected_length:,} characters" in text
    assert windows >= expected_length // 200_000


async def test_events_filter_by_minimum_severity(client: Client, data: SandboxData) -> None:
    call_id = data.notable.failed_tool_call_id
    everything = await call_text(
        client, "list_call_events", call_id=call_id, minimum_severity="debug"
    )
    errors = await call_text(client, "list_call_events", call_id=call_id, minimum_severity="error")
    assert "DEBUG" in everything or "debug" in everything
    assert "INFO" not in errors
    assert "WARNING" not in errors
    assert len(errors) < len(everything)


async def test_call_tools_show_the_target_host_but_never_the_full_url(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.failed_tool_call_id
    text = await call_text(client, "list_call_tools", call_id=call_id)
    record = _record(data, call_id)
    for tool in record.tools:
        http = (tool.get("definition") or {}).get("http") or {}
        url = http.get("baseUrlPattern")
        if url:
            assert url not in text
    assert "Tools of call" in text


async def test_agents_list_and_detail(client: Client, data: SandboxData) -> None:
    listing = await call_text(client, "list_agents")
    assert set(row_ids(listing)) == set(data.notable.agent_ids)
    agent_id = data.notable.agent_ids[0]
    detail = await call_text(client, "get_agent", agent_id=agent_id)
    assert detail.startswith(f"Agent {agent_id}")
    assert f'list_calls(agent_ids=["{agent_id}"])' in detail


async def test_unknown_agent_is_an_error_the_model_can_act_on(client: Client) -> None:
    message = await call_error(client, "get_agent", agent_id="00000000-0000-4000-8000-000000000001")
    assert "list_agents" in message
