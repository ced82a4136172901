"""Secrets sweep: every tool, resource template and prompt on the sandbox's secrets call.

The call carries a SIP password, TTS and data-connection headers, callback secrets and a
key read out by the caller; none of them (nor the API key) may reach any result, whether
text or structured copy. Log lines are checked for every test by tests/conftest.py; the
last test here shows that check really sees DEBUG records of any logger.
"""

from __future__ import annotations

import json
import logging

import pytest
from mcp.types import TextContent, TextResourceContents
from starlette.applications import Starlette

from tests.conftest import _Capture, planted_secrets
from tests.mcp.conftest import assert_no_secret, connect
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


@pytest.fixture
def data(sandbox_app: Starlette) -> SandboxData:
    result: SandboxData = sandbox_app.state.data
    return result


def _tool_calls(data: SandboxData) -> list[tuple[str, dict[str, object]]]:
    call_id = data.notable.secrets_call_id
    record = data.call(call_id)
    assert record is not None
    stage = record.stages[0].stage_id
    on_call: dict[str, object] = {"call_id": call_id}
    on_stage: dict[str, object] = {"call_id": call_id, "call_stage_id": stage}
    agent = record.call.get("agentId") or data.notable.agent_ids[0]
    spoken = next(
        i
        for i, m in enumerate(record.stages[0].messages)
        if m.get("timespan") and "USER" in m["role"]
    )
    # The secrets call has no recording: the window is read from a recorded call.
    recorded = {"call_id": data.notable.multi_stage_call_id, "start_seconds": 0}
    everything = {"from_date": "2000-01-01", "max_calls": 500, "max_chars": 200_000}
    return [
        ("list_calls", {"page_size": 200, "max_chars": 200_000}),
        ("get_call", on_call),
        ("get_call", {**on_call, "field": "metadata"}),
        ("list_call_stages", on_call),
        ("get_call_stage", on_stage),
        ("get_call_stage", {**on_stage, "field": "system_prompt"}),
        ("get_call_transcript", {**on_call, "max_chars": 200_000}),
        ("get_stage_messages", on_stage),
        ("get_call_metrics", {**on_call, "max_examples": 50}),
        ("list_call_events", {**on_call, "minimum_severity": "debug"}),
        ("list_call_tools", on_call),
        ("list_call_tools", on_stage),
        ("list_call_tools", {**on_call, "tool_name": record.tools[0]["name"]}),
        ("list_call_events", {**on_call, "minimum_severity": "debug", "event_number": 1}),
        ("list_agents", {}),
        ("get_agent", {"agent_id": agent}),
        ("get_agent", {"agent_id": agent, "field": "system_prompt"}),
        ("search_transcripts", {"query": "key", **everything}),
        ("search_transcripts", {"query": "[A-Za-z0-9]{8}\\.[A-Za-z0-9]{32}", "regex": True}),
        ("find_problem_calls", everything),
        ("summarize_calls", everything),
        ("show_call", on_call),
        ("get_call_timeline", on_call),
        ("get_message_audio", {**on_call, "stage_id": stage, "message_index": spoken}),
        ("get_recording_window", recorded),
    ]


async def test_every_tool_on_the_secrets_call_shows_no_secret(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    calls = _tool_calls(data)
    async with connect(sandbox_app) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        assert listed == {tool for tool, _ in calls}, "a tool is missing from the sweep"
        for tool, arguments in calls:
            result = await client.call_tool(tool, arguments)
            # The viewer's audio tools answer with an audio block beside their text.
            text = "\n".join(b.text for b in result.content if isinstance(b, TextContent))
            assert not result.is_error, f"{tool}: {text[:300]}"
            assert_no_secret(text)
            assert_no_secret(json.dumps(result.structured_content or {}, ensure_ascii=False))


async def test_every_resource_template_on_the_secrets_call_shows_no_secret(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id = data.notable.secrets_call_id
    record = data.call(call_id)
    assert record is not None
    values = {"call_id": call_id, "call_stage_id": record.stages[0].stage_id}
    async with connect(sandbox_app) as client:
        templates = (await client.list_resource_templates()).resource_templates
        assert len(templates) >= 3
        for template in templates:
            uri = template.uri_template.format(**values)
            contents = (await client.read_resource(uri)).contents
            texts = [c.text for c in contents if isinstance(c, TextResourceContents)]
            assert texts, uri
            for text in texts:
                assert_no_secret(text)


async def test_every_prompt_on_the_secrets_call_shows_no_secret(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    arguments = {
        "call_id": data.notable.secrets_call_id,
        "from_date": "2026-01-01",
        "to_date": "2026-12-31",
        "criteria": "the caller read out a credential",
    }
    async with connect(sandbox_app) as client:
        for prompt in (await client.list_prompts()).prompts:
            names = [a.name for a in prompt.arguments or []]
            result = await client.get_prompt(prompt.name, {n: arguments[n] for n in names})
            assert_no_secret(result.model_dump_json())


def test_the_log_check_sees_debug_records_of_any_logger_and_their_exceptions() -> None:
    capture = _Capture()
    logger = logging.getLogger("some.dependency.deep.inside")
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # the suite-wide check would (rightly) fail this test too
    secret = planted_secrets()[1]
    try:
        logger.debug("headers: %s", {"authorization": secret})
        try:
            raise ValueError(f"bad value {planted_secrets()[0]}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(capture)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
    assert len(capture.leaks) == 2
