"""What only a real socket shows: refused connections, cut-off, trickling, endless bodies."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from ultravox_calls_mcp.api import (
    ConnectionFailedError,
    DeadlineExceededError,
    InvalidResponseError,
    RetryPolicy,
    UltravoxClient,
)
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, run_loopback

from .conftest import SleepRecorder

CALL = "3f2c0a4e-8b1d-4c6e-9a7f-1d2e3f4a5b6c"


def _client(base_url: str, sleeps: SleepRecorder, **overrides: Any) -> UltravoxClient:
    settings = Settings(api_key=SecretStr(SANDBOX_API_KEY), base_url=base_url, **overrides)
    return UltravoxClient(settings, sleep=sleeps, random=lambda: 0.0)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.anyio
async def test_a_refused_connection_is_retried_then_reported(sleeps: SleepRecorder) -> None:
    client = _client(f"http://127.0.0.1:{_closed_port()}", sleeps, connect_timeout=2.0)
    async with client:
        with anyio.fail_after(10), pytest.raises(ConnectionFailedError) as info:
            await client.get_account()
    assert len(sleeps.delays) == RetryPolicy().max_attempts - 1
    assert "127.0.0.1" in str(info.value)
    assert info.value.status_code is None
    assert info.value.__context__ is None  # the httpx error (request, headers) stays behind


@pytest.mark.anyio
async def test_a_trickling_server_is_cut_off_by_the_request_deadline(
    sandbox: Any, sleeps: SleepRecorder
) -> None:
    # ~20 bytes every 50 ms: each read is far inside read_timeout, so only the
    # overall deadline can stop it; the whole body would take about 1.3 s.
    sandbox.state.faults.trickle_next(1, chunk_bytes=20, interval=0.05)
    with run_loopback(sandbox) as base_url:
        client = _client(base_url, sleeps, request_deadline=0.3, read_timeout=5.0)
        async with client:
            started = anyio.current_time()
            with anyio.fail_after(5), pytest.raises(DeadlineExceededError, match=r"0\.3 s"):
                await client.get_account()
            elapsed = anyio.current_time() - started
    assert 0.3 <= elapsed < 1.0
    assert sleeps.delays == []


@pytest.mark.anyio
async def test_a_body_cut_off_once_is_fetched_again(sandbox: Any, sleeps: SleepRecorder) -> None:
    sandbox.state.faults.truncated_next(1)
    with run_loopback(sandbox) as base_url:
        async with _client(base_url, sleeps) as client:
            with anyio.fail_after(5):
                page = await client.list_calls()
    assert page.results
    assert len(sleeps.delays) == 1
    assert len(sandbox.state.requests) == 2


@pytest.mark.anyio
async def test_a_body_cut_off_every_time_is_an_invalid_response_after_the_retries(
    sandbox: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.truncated_next(10)
    with run_loopback(sandbox) as base_url:
        async with _client(base_url, sleeps) as client:
            with anyio.fail_after(5), pytest.raises(InvalidResponseError, match="cut off"):
                await client.list_calls()
    assert len(sandbox.state.requests) == 4  # the retry policy's max_attempts


@pytest.mark.anyio
async def test_an_endless_body_is_abandoned_at_the_size_cap(sleeps: SleepRecorder) -> None:
    produced: list[int] = []

    async def endless(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"results": ["'
            while True:
                produced.append(1)
                yield b"x" * 1024
                await anyio.lowlevel.checkpoint()

        return StreamingResponse(chunks(), media_type="application/json")

    app = Starlette(routes=[Route("/{path:path}", endless)])
    with run_loopback(app) as base_url:
        async with _client(base_url, sleeps, max_response_bytes=64 * 1024) as client:
            with anyio.fail_after(5), pytest.raises(InvalidResponseError, match="byte limit"):
                await client.get_call(CALL)
    assert len(produced) < 10_000  # stopped long before a runaway read


@pytest.mark.anyio
async def test_the_sandbox_answers_over_loopback_with_real_sockets(
    sandbox: Any, sleeps: SleepRecorder
) -> None:
    with run_loopback(sandbox) as base_url:
        async with _client(base_url, sleeps) as client:
            with anyio.fail_after(5):
                account = await client.get_account()
                page = await client.list_calls(page_size=5)
    assert account.account_id
    assert len(page.results) == 5
