"""Each fault knob does what it says, in arrival order, limited to matching paths."""

from __future__ import annotations

import json
import time

import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import Faults

pytestmark = pytest.mark.anyio


def _faults(app: Starlette) -> Faults:
    faults: Faults = app.state.faults
    return faults


async def test_fail_next_answers_the_status_n_times_then_recovers(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).fail_next(2, status=503, retry_after="7")
    first = await client.get("/api/calls")
    second = await client.get("/api/agents")
    third = await client.get("/api/calls")
    assert first.status_code == second.status_code == 503
    assert first.headers["retry-after"] == "7"
    assert "detail" in first.json()
    assert third.status_code == 200
    assert _faults(sandbox_app).pending == 0


async def test_fail_next_can_send_an_html_error_page(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).fail_next(status=502, body="<html><h1>502 Bad Gateway</h1></html>")
    response = await client.get("/api/calls")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "Bad Gateway" in response.text


@pytest.mark.parametrize("retry_after", ["1", "3600", "Wed, 21 Oct 2026 07:28:00 GMT", "garbage"])
async def test_rate_limit_sends_429_with_the_given_retry_after(
    client: httpx2.AsyncClient, sandbox_app: Starlette, retry_after: str
) -> None:
    _faults(sandbox_app).rate_limit_next(1, retry_after=retry_after)
    response = await client.get("/api/calls")
    assert response.status_code == 429
    assert response.headers["retry-after"] == retry_after
    assert (await client.get("/api/calls")).status_code == 200


async def test_rate_limit_can_omit_retry_after(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).rate_limit_next(1, retry_after=None)
    response = await client.get("/api/calls")
    assert response.status_code == 429
    assert "retry-after" not in response.headers


async def test_invalid_json_is_a_200_that_does_not_parse(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).invalid_json_next()
    response = await client.get("/api/calls")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


async def test_redirect_points_to_another_origin(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).redirect_next(1, "https://evil.example/api/calls")
    response = await client.get("/api/calls")
    assert response.status_code == 302
    assert response.headers["location"] == "https://evil.example/api/calls"


async def test_a_path_filter_faults_only_matching_requests(
    client: httpx2.AsyncClient, sandbox_app: Starlette, sandbox_data: object
) -> None:
    _faults(sandbox_app).fail_next(1, status=500, path="/stages")
    assert (await client.get("/api/calls")).status_code == 200
    call_id = sandbox_app.state.data.notable.multi_stage_call_id
    assert (await client.get(f"/api/calls/{call_id}/stages")).status_code == 500
    assert (await client.get(f"/api/calls/{call_id}/stages")).status_code == 200


async def test_faults_are_consumed_in_the_order_they_were_armed(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    faults = _faults(sandbox_app)
    faults.rate_limit_next(1)
    faults.fail_next(1, status=503)
    statuses = [(await client.get("/api/calls")).status_code for _ in range(3)]
    assert statuses == [429, 503, 200]


async def test_faults_apply_before_auth_and_are_still_recorded(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).fail_next(1)
    response = await client.get("/api/calls", headers={"X-API-Key": "wrong"})
    assert response.status_code == 503
    assert len(sandbox_app.state.requests) == 1


async def test_latency_delays_every_response(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    _faults(sandbox_app).latency = 0.05
    started = time.perf_counter()
    await client.get("/api/accounts/me")
    await client.get("/api/accounts/me")
    assert time.perf_counter() - started >= 0.1


async def test_reset_clears_rules_and_latency(
    client: httpx2.AsyncClient, sandbox_app: Starlette
) -> None:
    faults = _faults(sandbox_app)
    faults.latency = 5.0
    faults.fail_next(3)
    faults.reset()
    assert faults.pending == 0
    assert faults.latency == 0.0
    assert (await client.get("/api/calls")).status_code == 200


def test_arming_a_fault_with_no_requests_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Faults().fail_next(0)
