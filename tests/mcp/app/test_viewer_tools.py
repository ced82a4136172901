"""The call viewer's tools through a real MCP client, over the in-process sandbox:
``show_call``'s text, the tool list as the MCP Apps spec has it, the timeline pages of the
planted timing calls, and audio that decodes to what was said."""

from __future__ import annotations

import base64
import io
import json
import math
import wave
from typing import Any

import pytest
from mcp.types import AudioContent, CallToolResult, TextContent
from starlette.applications import Starlette

from mcp import Client
from tests.conftest import leaked_secret
from tests.mcp.conftest import assert_no_secret, call_error, connect, text_of
from ultravox_calls_mcp.mcp.app.contract import (
    MESSAGE_AUDIO_TOOL,
    RECORDING_TOOL,
    SHOW_CALL_TOOL,
    TIMELINE_TOOL,
    VIEWER_MIME_TYPE,
    VIEWER_URI,
)
from ultravox_calls_mcp.mcp.app.views import SHOW_CALL_CHARS
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio

APP_ONLY_TOOLS = {TIMELINE_TOOL, MESSAGE_AUDIO_TOOL, RECORDING_TOOL}


def _timeline_pages(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text_of(result)
    page = result.structured_content
    assert isinstance(page, dict)
    assert leaked_secret(json.dumps(page)) is None
    return page


async def _timeline(client: Client, call_id: str) -> list[dict[str, Any]]:
    """Every page of the call's timeline, following the cursors."""
    pages = [_timeline_pages(await client.call_tool(TIMELINE_TOOL, {"call_id": call_id}))]
    while (cursor := pages[-1]["nextCursor"]) is not None:
        args = {"call_id": call_id, "cursor": cursor}
        pages.append(_timeline_pages(await client.call_tool(TIMELINE_TOOL, args)))
    return pages


def _wav(result: CallToolResult) -> tuple[wave._wave_params, bytes]:
    assert not result.is_error, text_of(result)
    (audio,) = [block for block in result.content if isinstance(block, AudioContent)]
    assert audio.mime_type == "audio/wav"
    data = base64.b64decode(audio.data, validate=True)
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getparams(), data


def _span(message: dict[str, Any]) -> tuple[float, float]:
    span = message["timespan"]
    return float(span["start"].rstrip("s")), float(span["end"].rstrip("s"))


async def test_show_call_is_bound_to_the_page_and_the_app_tools_are_for_the_page_only(
    sandbox_app: Starlette,
) -> None:
    async with connect(sandbox_app) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        resources = {str(r.uri): r for r in (await client.list_resources()).resources}
        page = await client.read_resource(VIEWER_URI)
        capabilities = client.session.server_capabilities
    # tools/list carries every tool; _meta.ui says which the host shows to the model.
    assert tools[SHOW_CALL_TOOL].meta == {"ui": {"resourceUri": VIEWER_URI}}
    for name in APP_ONLY_TOOLS:
        assert tools[name].meta == {"ui": {"resourceUri": VIEWER_URI, "visibility": ["app"]}}

    def for_the_model(meta: dict[str, Any] | None) -> bool:
        # The spec's rule for hosts: no visibility means both; otherwise it must say "model".
        visibility = ((meta or {}).get("ui") or {}).get("visibility")
        return visibility is None or "model" in visibility

    model_tools = {name for name, tool in tools.items() if for_the_model(tool.meta)}
    assert model_tools == set(tools) - APP_ONLY_TOOLS
    assert SHOW_CALL_TOOL in model_tools
    assert resources[VIEWER_URI].mime_type == VIEWER_MIME_TYPE
    (content,) = page.contents
    assert content.mime_type == VIEWER_MIME_TYPE
    assert getattr(content, "text", "").startswith("<!doctype html>")
    assert capabilities is not None
    assert capabilities.extensions is not None
    assert "io.modelcontextprotocol/ui" in capabilities.extensions


async def test_show_call_answers_every_client_with_the_overview_and_timing(
    client: Client, data: SandboxData
) -> None:
    case = data.notable.slow_after_tool
    result = await client.call_tool(SHOW_CALL_TOOL, {"call_id": case.call_id})
    text = assert_no_secret(text_of(result))
    assert not result.is_error, text
    assert result.structured_content == {"callId": case.call_id}
    assert len(text) <= SHOW_CALL_CHARS
    # The overview row carries upstream words (summary, agent name): fenced first.
    assert text.startswith("<<<untrusted call summary ")
    assert text.splitlines()[1].startswith(f"{case.call_id} · ")
    assert "Response latency" in text
    assert f"stage 1 message #{case.message_index} at" in text
    assert f"{case.seconds:.1f} s (after tool {data.notable.slow_tool_name})" in text
    assert "call viewer" in text


async def test_show_call_of_a_long_call_stays_within_its_budget(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    async with connect(sandbox_app) as client:
        result = await client.call_tool(SHOW_CALL_TOOL, {"call_id": data.notable.stress_call_id})
    text = text_of(result)
    assert not result.is_error, text
    assert len(text) <= SHOW_CALL_CHARS
    message_requests = sandbox_app.state.requests.count_path("/messages")
    assert message_requests == math.ceil(10_000 / 200)


async def test_a_long_call_pages_every_message_once_with_the_header_on_the_first_page(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id = data.notable.stress_call_id
    async with connect(sandbox_app) as client:
        first = _timeline_pages(await client.call_tool(TIMELINE_TOOL, {"call_id": call_id}))
        first_requests = sandbox_app.state.requests.count_path("/messages")
        pages = await _timeline(client, call_id)
    assert first_requests == math.ceil(10_000 / 200)
    assert pages[0] == first
    assert len(pages) == math.ceil(10_000 / 250)
    assert all(len(page["messages"]) == 250 for page in pages)
    assert {"stages", "events", "metrics", "span", "tools"} <= set(first)
    assert all(set(page) == {"callId", "messages", "nextCursor"} for page in pages[1:])
    indexes = [m["index"] for page in pages for m in page["messages"]]
    assert indexes == list(range(10_000))
    # One long utterance is clipped for the list (the page shows text; the rest is a tool away).
    assert max(len(m["text"]) for page in pages for m in page["messages"]) <= 2_000


async def test_the_planted_timing_cases_are_in_the_timeline_metrics(
    client: Client, data: SandboxData
) -> None:
    notable = data.notable
    slow = (await _timeline(client, notable.slow_after_tool.call_id))[0]["metrics"]
    (turn,) = [t for t in slow["turns"] if t["index"] == notable.slow_after_tool.message_index]
    assert turn["slow"]
    assert turn["latency"] == pytest.approx(notable.slow_after_tool.seconds)
    assert notable.slow_tool_name in turn["tools"]
    barge = (await _timeline(client, notable.barge_in.call_id))[0]["metrics"]["bargeIns"]
    assert [(b["index"], b["overlap"]) for b in barge] == [
        (notable.barge_in.message_index, pytest.approx(notable.barge_in.seconds))
    ]
    dead = (await _timeline(client, notable.dead_air.call_id))[0]["metrics"]["deadAir"]
    assert [(d["afterIndex"], d["seconds"]) for d in dead] == [
        (notable.dead_air.message_index, pytest.approx(notable.dead_air.seconds))
    ]
    over = (await _timeline(client, notable.talk_over.call_id))[0]["metrics"]["talkOvers"]
    assert [(t["index"], t["latency"]) for t in over] == [
        (notable.talk_over.message_index, pytest.approx(notable.talk_over.seconds))
    ]


async def test_the_timeline_of_a_multi_stage_call_numbers_its_stages_and_marks_failures(
    client: Client, data: SandboxData
) -> None:
    (page,) = await _timeline(client, data.notable.multi_stage_call_id)
    record = data.call(data.notable.multi_stage_call_id)
    assert record is not None
    assert [s["stageId"] for s in page["stages"]] == [s.stage_id for s in record.stages]
    assert {m["stage"] for m in page["messages"]} == {1, 2}
    failed = (await _timeline(client, data.notable.failed_tool_call_id))[0]
    failures = [m for m in failed["messages"] if m["failed"]]
    assert failures
    assert all(m["role"] == "toolResult" and "error:" in m["text"] for m in failures)
    assert any(t["failed"] for t in failed["tools"])


async def test_call_text_reaches_the_page_as_data_and_secrets_do_not(
    client: Client, data: SandboxData
) -> None:
    case = data.notable.html_injection
    (page,) = await _timeline(client, case.call_id)
    (line,) = [m for m in page["messages"] if m["index"] == case.message_index]
    assert "<" in line["text"]
    assert ">" in line["text"]
    # The secrets call: every planted secret is checked absent by _timeline_pages.
    await _timeline(client, data.notable.secrets_call_id)


async def test_a_cursor_of_another_call_is_refused(client: Client, data: SandboxData) -> None:
    stress = {"call_id": data.notable.stress_call_id}
    first = _timeline_pages(await client.call_tool(TIMELINE_TOOL, stress))
    text = await call_error(
        client,
        TIMELINE_TOOL,
        call_id=data.notable.multi_stage_call_id,
        cursor=first["nextCursor"],
    )
    assert "different call_id" in text


async def test_message_audio_is_a_wav_as_long_as_the_message(
    client: Client, data: SandboxData
) -> None:
    case = data.notable.barge_in
    record = data.call(case.call_id)
    assert record is not None
    message = record.stages[0].messages[case.message_index]
    args = {"call_id": case.call_id, "stage_id": case.stage_id, "message_index": case.message_index}
    params, _ = _wav(await client.call_tool(MESSAGE_AUDIO_TOOL, args))
    start, end = _span(message)
    assert params.nframes / params.framerate == pytest.approx(end - start, abs=1 / 8000)
    tool_message = {**args, "call_id": data.notable.slow_after_tool.call_id}
    tool_message.update(stage_id=data.notable.slow_after_tool.stage_id, message_index=2)
    text = await call_error(client, MESSAGE_AUDIO_TOOL, **tool_message)
    assert "Only spoken agent and caller messages have audio" in text


async def test_a_recording_window_is_cut_on_the_server_within_two_megabytes(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.multi_stage_call_id  # recorded, about 3 minutes long
    args = {"call_id": call_id, "start_seconds": 30, "duration_seconds": 60}
    result = await client.call_tool(RECORDING_TOOL, args)
    params, _ = _wav(result)
    assert params.nframes / params.framerate == pytest.approx(60.0)
    wire = sum(len(b.data) for b in result.content if isinstance(b, AudioContent))
    assert wire <= 2_000_000
    (note,) = [b.text for b in result.content if isinstance(b, TextContent)]
    assert "30.0–90.0 s (60.0 s of" in note
    too_long = await call_error(client, RECORDING_TOOL, **{**args, "duration_seconds": 61})
    assert "duration_seconds" in too_long
    assert "60" in too_long
    past_end = await call_error(client, RECORDING_TOOL, **{**args, "start_seconds": 5_000})
    assert "past its end" in past_end
    assert "start below" in past_end
    unrecorded = await call_error(
        client, RECORDING_TOOL, call_id=data.notable.stress_call_id, start_seconds=0
    )
    assert "no recording for call" in unrecorded


async def test_a_client_without_mcp_apps_sees_no_app_only_tool_and_cannot_call_one(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id = data.notable.slow_after_tool.call_id
    async with connect(sandbox_app, apps=False) as plain, connect(sandbox_app) as host:
        plain_names = {tool.name for tool in (await plain.list_tools()).tools}
        host_names = {tool.name for tool in (await host.list_tools()).tools}
        refused = await plain.call_tool("get_call_timeline", {"call_id": call_id})
        overview = await plain.call_tool("show_call", {"call_id": call_id})
    app_only = {"get_call_timeline", "get_message_audio", "get_recording_window"}
    assert app_only <= host_names
    assert plain_names == host_names - app_only
    assert "show_call" in plain_names  # model-visible: its text serves every client
    assert refused.is_error
    assert "get_call_metrics" in text_of(refused)
    assert refused.structured_content is None
    assert not overview.is_error
