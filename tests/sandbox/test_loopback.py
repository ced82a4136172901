"""The sandbox over a real socket: startup, shutdown, and faults a socket can show."""

from __future__ import annotations

import socket

import anyio
import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, run_loopback

pytestmark = pytest.mark.anyio

HEADERS = {"X-API-Key": SANDBOX_API_KEY}


def _port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def test_run_loopback_serves_real_http_and_stops_on_exit(sandbox_app: Starlette) -> None:
    with run_loopback(sandbox_app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        port = int(base_url.rsplit(":", 1)[1])
        with anyio.fail_after(5):
            async with httpx2.AsyncClient(base_url=base_url, headers=HEADERS) as http:
                page = (await http.get("/api/calls", params={"pageSize": 1})).json()
        assert page["next"].startswith(f"{base_url}/api/calls?")
        assert sandbox_app.state.requests[0].host == f"127.0.0.1:{port}"
    assert not _port_is_open(port)


async def test_trickle_streams_the_real_body_in_small_slow_chunks(
    sandbox_app: Starlette,
) -> None:
    sandbox_app.state.faults.trickle_next(1, chunk_bytes=64, interval=0.002)
    with run_loopback(sandbox_app) as base_url, anyio.fail_after(10):
        async with (
            httpx2.AsyncClient(base_url=base_url, headers=HEADERS) as http,
            http.stream("GET", "/api/accounts/me") as response,
        ):
            chunks = [chunk async for chunk in response.aiter_raw()]
        expected = (await _plain(base_url, "/api/accounts/me")).content
    assert b"".join(chunks) == expected
    assert len(chunks) >= len(expected) // 64 // 2  # arrives in pieces, not at once


async def test_truncated_response_breaks_off_mid_body(sandbox_app: Starlette) -> None:
    sandbox_app.state.faults.truncated_next(1)
    with run_loopback(sandbox_app) as base_url, anyio.fail_after(10):
        async with httpx2.AsyncClient(base_url=base_url, headers=HEADERS) as http:
            with pytest.raises(httpx2.RemoteProtocolError):
                await http.get("/api/calls", params={"pageSize": 5})
            assert (await http.get("/api/calls")).status_code == 200


async def test_faults_armed_from_the_test_thread_reach_the_server_thread(
    sandbox_app: Starlette,
) -> None:
    with run_loopback(sandbox_app) as base_url, anyio.fail_after(10):
        async with httpx2.AsyncClient(base_url=base_url, headers=HEADERS) as http:
            sandbox_app.state.faults.rate_limit_next(1, retry_after="3600")
            limited = await http.get("/api/calls")
            assert limited.status_code == 429
            assert limited.headers["retry-after"] == "3600"
            assert (await http.get("/api/calls")).status_code == 200


async def _plain(base_url: str, path: str) -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=base_url, headers=HEADERS) as http:
        return await http.get(path)
