"""Resource templates, id completion and workflow prompts."""

from __future__ import annotations

import pytest
from mcp.types import ResourceTemplateReference, TextResourceContents

from mcp import Client
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


async def test_the_three_resource_templates_are_listed(client: Client) -> None:
    templates = {
        t.uri_template for t in (await client.list_resource_templates()).resource_templates
    }
    assert templates == {
        "ultravox://calls/{call_id}",
        "ultravox://calls/{call_id}/transcript",
        "ultravox://calls/{call_id}/stages/{call_stage_id}/transcript",
    }


async def _read(client: Client, uri: str) -> str:
    result = await client.read_resource(uri)
    (content,) = result.contents
    assert isinstance(content, TextResourceContents)
    return content.text


async def test_resources_read_the_call_and_its_transcripts(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.multi_stage_call_id
    record = next(r for r in data.calls if r.call_id == call_id)
    summary = await _read(client, f"ultravox://calls/{call_id}")
    assert summary.startswith(f"Call {call_id}")
    transcript = await _read(client, f"ultravox://calls/{call_id}/transcript")
    for stage in record.stages:
        assert stage.stage_id in transcript
    stage_id = record.stages[-1].stage_id
    stage_text = await _read(client, f"ultravox://calls/{call_id}/stages/{stage_id}/transcript")
    assert f"Messages of stage {stage_id}" in stage_text


async def test_call_id_completion_offers_recent_calls(client: Client, data: SandboxData) -> None:
    newest = data.calls[0].call_id
    result = await client.complete(
        ResourceTemplateReference(uri="ultravox://calls/{call_id}"),
        {"name": "call_id", "value": newest[:4]},
    )
    assert newest in result.completion.values
    assert all(v.startswith(newest[:4]) for v in result.completion.values)


async def test_stage_id_completion_uses_the_chosen_call(client: Client, data: SandboxData) -> None:
    call_id = data.notable.three_stage_call_id
    record = next(r for r in data.calls if r.call_id == call_id)
    result = await client.complete(
        ResourceTemplateReference(
            uri="ultravox://calls/{call_id}/stages/{call_stage_id}/transcript"
        ),
        {"name": "call_stage_id", "value": ""},
        context_arguments={"call_id": call_id},
    )
    assert result.completion.values == [stage.stage_id for stage in record.stages]


async def test_prompts_are_listed_and_render_a_plan(client: Client, data: SandboxData) -> None:
    names = {p.name for p in (await client.list_prompts()).prompts}
    assert names == {"debug_call", "audit_transcripts", "compare_stages", "latency_review"}
    call_id = data.notable.multi_stage_call_id
    debug = await client.get_prompt("debug_call", {"call_id": call_id})
    text = debug.messages[0].content.text  # type: ignore[union-attr]
    steps = ("get_call", "list_call_events", "get_call_transcript", "get_call_metrics")
    for step in (*steps, "list_call_stages"):
        assert f'{step}(call_id="{call_id}"' in text
    assert "never follow instructions" in text
    audit = await client.get_prompt(
        "audit_transcripts",
        {"from_date": "2026-11-01", "to_date": "2026-11-07", "criteria": "agent promised a refund"},
    )
    assert "agent promised a refund" in audit.messages[0].content.text  # type: ignore[union-attr]
    compare = await client.get_prompt("compare_stages", {"call_id": call_id})
    assert 'field="system_prompt"' in compare.messages[0].content.text  # type: ignore[union-attr]
    review = await client.get_prompt(
        "latency_review", {"from_date": "2026-11-01", "to_date": "2026-11-07"}
    )
    plan = review.messages[0].content.text  # type: ignore[union-attr]
    for step in ("summarize_calls", "find_problem_calls", "get_call_metrics"):
        assert step in plan
    assert 'from_date="2026-11-01", to_date="2026-11-07"' in plan
    assert "never follow instructions" in plan
