"""Every sandbox endpoint answers JSON that validates against the Ultravox OpenAPI schema."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from ultravox_calls_mcp.sandbox import SandboxData

from .schema_check import schema_errors

pytestmark = pytest.mark.anyio


def _interesting_calls(data: SandboxData) -> dict[str, str]:
    n = data.notable
    return {
        "multi_stage": n.multi_stage_call_id,
        "three_stage": n.three_stage_call_id,
        "live": n.live_call_id,
        "secrets": n.secrets_call_id,
        "injection": n.injection_call_id,
        "failed_tool": n.failed_tool_call_id,
        "stress": n.stress_call_id,
        "extreme_prompt": n.extreme_prompt_call_id,
        "unjoined": next(c.call_id for c in data.calls if c.call["endReason"] == "unjoined"),
        "slow_after_tool": n.slow_after_tool.call_id,
        "barge_in": n.barge_in.call_id,
        "dead_air": n.dead_air.call_id,
        "talk_over": n.talk_over.call_id,
        "wide_metadata": n.wide_metadata_call_id,
        "large_metadata": n.large_metadata_call_id,
        "long_tool_description": n.long_tool_description_call_id,
        "repeated_letters": n.repeated_letters.call_id,
        "html_injection": n.html_injection.call_id,
    }


async def _check(http: httpx2.AsyncClient, endpoint: str, url: str, **params: Any) -> Any:
    # An empty params mapping would wipe the query of a `next` URL.
    response = await http.get(url, params=params or None)
    assert response.status_code == 200, f"{endpoint} ({url}) answered {response.status_code}"
    document = response.json()
    problems = schema_errors(endpoint, url, document)
    assert not problems, "\n".join(problems[:20])
    return document


async def test_account_and_agent_endpoints_match_the_schema(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    await _check(client, "GET /api/accounts/me", "/api/accounts/me")
    await _check(client, "GET /api/agents", "/api/agents")
    await _check(client, "GET /api/agents", "/api/agents", pageSize=2, search="desk")
    for agent_id in sandbox_data.notable.agent_ids:
        await _check(client, "GET /api/agents/{agent_id}", f"/api/agents/{agent_id}")


async def test_voice_endpoints_match_the_schema(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    page = await _check(client, "GET /api/voices", "/api/voices")
    assert page["total"] == len(sandbox_data.voices)
    for name, voice_id in sandbox_data.voices.items():
        voice = await _check(client, "GET /api/voices/{voice_id}", f"/api/voices/{voice_id}")
        assert (voice["voiceId"], voice["name"]) == (voice_id, name)
    missing = await client.get("/api/voices/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404


async def test_every_call_in_the_call_list_matches_the_schema(client: httpx2.AsyncClient) -> None:
    page = await _check(client, "GET /api/calls", "/api/calls", pageSize=200)
    assert len(page["results"]) == page["total"]
    await _check(client, "GET /api/calls", "/api/calls", pageSize=3, sort="created")


@pytest.mark.parametrize(
    "kind",
    [
        "multi_stage",
        "three_stage",
        "live",
        "secrets",
        "injection",
        "failed_tool",
        "stress",
        "extreme_prompt",
        "unjoined",
        "slow_after_tool",
        "barge_in",
        "dead_air",
        "talk_over",
        "wide_metadata",
        "large_metadata",
        "long_tool_description",
        "repeated_letters",
        "html_injection",
    ],
)
async def test_every_call_endpoint_matches_the_schema(
    client: httpx2.AsyncClient, sandbox_data: SandboxData, kind: str
) -> None:
    call_id = _interesting_calls(sandbox_data)[kind]
    base = f"/api/calls/{call_id}"
    await _check(client, "GET /api/calls/{call_id}", base)
    await _check(client, "GET /api/calls/{call_id}/tools", f"{base}/tools")
    for mode in ("last_stage", "in_call"):
        await _check(
            client, "GET /api/calls/{call_id}/messages", f"{base}/messages", mode=mode, pageSize=60
        )
    for severity in ("debug", "info", "warning", "error"):
        await _check(
            client, "GET /api/calls/{call_id}/events", f"{base}/events", minimum_severity=severity
        )
    stages = await _check(client, "GET /api/calls/{call_id}/stages", f"{base}/stages")
    assert stages["results"], f"{kind} call has no stages"
    for stage in stages["results"]:
        stage_url = f"{base}/stages/{stage['callStageId']}"
        await _check(client, "GET /api/calls/{call_id}/stages/{call_stage_id}", stage_url)
        await _check(
            client, "GET /api/calls/{call_id}/stages/{call_stage_id}/tools", f"{stage_url}/tools"
        )
        await _check(
            client,
            "GET /api/calls/{call_id}/stages/{call_stage_id}/messages",
            f"{stage_url}/messages",
            pageSize=60,
        )


async def test_stress_stage_pages_match_the_schema_deep_into_the_stage(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    n = sandbox_data.notable
    url = f"/api/calls/{n.stress_call_id}/stages/{n.stress_stage_id}/messages"
    endpoint = "GET /api/calls/{call_id}/stages/{call_stage_id}/messages"
    page = await _check(client, endpoint, url, pageSize=200)
    for _ in range(3):
        page = await _check(client, endpoint, page["next"])
    assert page["results"][0]["callStageMessageIndex"] == 600


def test_the_schema_check_rejects_documents_that_break_the_schema(
    sandbox_data: SandboxData,
) -> None:
    call = dict(sandbox_data.calls[0].call)
    del call["billingStatus"]
    call["joined"] = "yesterday"
    call["callId"] = "not-a-uuid"
    call["endReason"] = "exploded"
    problems = schema_errors("GET /api/calls/{call_id}", "test", call)
    assert len(problems) == 4, problems
    message = {"role": "MESSAGE_ROLE_USER", "timespan": {"start": "1.5"}}
    page = {"results": [message], "next": "not a url", "previous": None, "total": 1}
    problems = schema_errors("GET /api/calls/{call_id}/messages", "test", page)
    assert any("results/0/timespan/start" in p for p in problems), problems
    assert any("at next" in p for p in problems), problems
