"""Call detail endpoints, auth and errors, and the request log."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, SandboxData

pytestmark = pytest.mark.anyio


async def test_last_stage_mode_returns_only_the_last_stage_and_in_call_returns_all(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    record = sandbox_data.call(sandbox_data.notable.three_stage_call_id)
    assert record is not None
    url = f"/api/calls/{record.call_id}/messages"
    default = (await client.get(url, params={"pageSize": 200})).json()["results"]
    in_call = (await client.get(url, params={"mode": "in_call", "pageSize": 200})).json()
    last_id = record.stages[-1].stage_id
    assert {m["callStageId"] for m in default} == {last_id}
    assert len(default) == len(record.stages[-1].messages)
    stage_ids = [m["callStageId"] for m in in_call["results"]]
    assert set(stage_ids) == {s.stage_id for s in record.stages}
    assert in_call["total"] == sum(len(s.messages) - s.first_own for s in record.stages)
    assert all("timespan" in m for m in in_call["results"])
    bad = await client.get(url, params={"mode": "everything"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["mode"]


async def test_stage_endpoints_serve_each_stage_its_messages_and_tools(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    record = sandbox_data.call(sandbox_data.notable.multi_stage_call_id)
    assert record is not None
    stages = (await client.get(f"/api/calls/{record.call_id}/stages")).json()
    assert [s["callStageId"] for s in stages["results"]] == [s.stage_id for s in record.stages]
    for stage in record.stages:
        base = f"/api/calls/{record.call_id}/stages/{stage.stage_id}"
        assert (await client.get(base)).json()["systemPrompt"] == stage.stage["systemPrompt"]
        messages = (await client.get(f"{base}/messages", params={"pageSize": 200})).json()
        assert messages["total"] == len(stage.messages)
        tools = (await client.get(f"{base}/tools")).json()
        assert isinstance(tools, list)
        assert [t["name"] for t in tools] == [t["name"] for t in stage.tools]
    call_tools = (await client.get(f"/api/calls/{record.call_id}/tools")).json()
    assert {"transferToBilling", "lookupInvoice"} <= {t["name"] for t in call_tools}
    assert all(t["definition"]["http"]["baseUrlPattern"].startswith("https://") for t in call_tools)


async def test_events_default_to_info_and_filter_by_severity_and_type(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    record = sandbox_data.call(sandbox_data.notable.failed_tool_call_id)
    assert record is not None
    url = f"/api/calls/{record.call_id}/events"
    default = (await client.get(url)).json()["results"]
    everything = (await client.get(url, params={"minimum_severity": "debug"})).json()["results"]
    errors = (await client.get(url, params={"minimum_severity": "error"})).json()["results"]
    assert len(everything) == len(record.events) > len(default)
    assert all(e["severity"] != "debug" for e in default)
    assert errors
    assert all(e["severity"] == "error" for e in errors)
    typed = (await client.get(url, params={"type": "call_started"})).json()["results"]
    assert [e["type"] for e in typed] == ["call_started"]
    bad = await client.get(url, params={"minimum_severity": "loud"})
    assert bad.status_code == 400


async def test_missing_and_wrong_keys_are_401_with_drf_details(
    client: httpx2.AsyncClient,
) -> None:
    missing = await client.get("/api/calls", headers={"X-API-Key": ""})
    del client.headers["X-API-Key"]
    absent = await client.get("/api/calls")
    wrong = await client.get("/api/calls", headers={"X-API-Key": "sandbox1." + "x" * 32})
    assert absent.status_code == 401
    assert absent.json() == {"detail": "Authentication credentials were not provided."}
    assert missing.status_code == wrong.status_code == 401
    assert wrong.json() == {"detail": "Invalid API key."}


@pytest.mark.parametrize(
    "path",
    [
        "/api/calls/00000000-0000-4000-8000-000000000000",
        "/api/calls/not-a-uuid",
        "/api/calls/not-a-uuid/messages",
        "/api/agents/00000000-0000-4000-8000-000000000000",
        "/api/nothing-here",
    ],
)
async def test_unknown_ids_and_paths_are_404_not_found(
    client: httpx2.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


async def test_an_unknown_stage_of_a_real_call_is_404(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    other = sandbox_data.call(sandbox_data.notable.three_stage_call_id)
    assert other is not None
    url = f"/api/calls/{sandbox_data.notable.live_call_id}/stages/{other.stages[0].stage_id}"
    assert (await client.get(url)).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_anything_but_get_is_405(client: httpx2.AsyncClient, method: str) -> None:
    response = await client.request(method, "/api/calls")
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method}" not allowed.'}


async def test_requests_are_recorded_without_the_api_key(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    await client.get("/api/calls", params=[("pageSize", "3"), ("agentIds", "a"), ("agentIds", "b")])
    await client.get("/api/accounts/me")
    log = sandbox_app.state.requests
    assert [r.path for r in log] == ["/api/calls", "/api/accounts/me"]
    first = log[0]
    assert first.method == "GET"
    assert first.host == "sandbox.test"
    assert first.had_api_key
    assert first.query == [("pageSize", "3"), ("agentIds", "a"), ("agentIds", "b")]
    assert log.count_path("/api/calls") == 1
    assert SANDBOX_API_KEY not in repr(list(log))
    log.clear()
    assert len(sandbox_app.state.requests) == 0


async def test_account_reports_the_live_call(client: httpx2.AsyncClient) -> None:
    account = (await client.get("/api/accounts/me")).json()
    assert account["activeCalls"] == 1
