"""Cancellation (mid-request and during backoff) and 429 bursts across parallel tool calls.

A cancelled tool call must stop its upstream work at once and leave the server serving;
a burst of 429s over many parallel calls must stay bounded in concurrency and attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mcp import Client
from tests.mcp.conftest import connect, text_of
from tests.reliability.conftest import Sleeps, model_facing_error, over_asgi

pytestmark = pytest.mark.anyio

STUCK = "00000000-0000-4000-8000-000000000001"
FINE = "00000000-0000-4000-8000-000000000002"


@dataclass
class Upstream:
    """Answers FINE at once; STUCK never answers, and notes when its wait is cancelled."""

    started: int = 0
    cancelled: int = 0

    def app(self) -> Starlette:
        async def call(request: Request) -> Response:
            call_id = request.path_params["call_id"]
            if call_id == STUCK:
                self.started += 1
                try:
                    await anyio.sleep_forever()
                except anyio.get_cancelled_exc_class():
                    self.cancelled += 1
                    raise
            return JSONResponse({"callId": call_id, "created": "2026-01-01T00:00:00Z"})

        return Starlette(routes=[Route("/api/calls/{call_id}", call)])


async def _wait_until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(2):
        while not condition():  # noqa: ASYNC110 - the counter is bumped in another task
            await anyio.sleep(0.01)


async def test_a_tool_call_cancelled_mid_request_stops_the_request_and_the_server_serves_on(
    sleeps: Sleeps,
) -> None:
    upstream = Upstream()
    async with over_asgi(upstream.app(), sleep=sleeps) as client:
        with anyio.move_on_after(0.3) as scope:
            await client.call_tool("get_call", {"call_id": STUCK})
        assert scope.cancelled_caught
        await _wait_until(lambda: upstream.cancelled == 1)
        after = await client.call_tool("get_call", {"call_id": FINE})
    assert not after.is_error, text_of(after)
    assert upstream.started == 1
    assert sleeps.delays == []


async def test_a_tool_call_cancelled_during_backoff_never_retries_and_the_server_serves_on(
    sandbox_app: Starlette, sleeps: Sleeps
) -> None:
    sleeps.real = True  # this backoff must really be pending when the call is cancelled
    notable = sandbox_app.state.data.notable
    sandbox_app.state.faults.rate_limit_next(1, "10", path=notable.multi_stage_call_id)
    async with connect(sandbox_app, sleep=sleeps) as client:
        with anyio.move_on_after(0.3):
            await client.call_tool("get_call", {"call_id": notable.multi_stage_call_id})
        await _wait_until(lambda: sleeps.cancelled == 1)
        after = await client.call_tool("get_call", {"call_id": notable.three_stage_call_id})
    assert not after.is_error, text_of(after)
    assert sleeps.delays == [10.0]
    assert sandbox_app.state.requests.count_path(notable.multi_stage_call_id) == 1


@dataclass
class InFlight:
    """ASGI wrapper counting concurrent requests and the peak."""

    app: ASGIApp
    now: int = 0
    peak: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            await self.app(scope, receive, send)
        finally:
            self.now -= 1


PARALLEL = 8


async def _in_parallel(client: Client, call_ids: list[str]) -> list[str | None]:
    """get_call for each id at once; each slot holds the error text, or None on success."""
    outcomes: list[str | None] = [None] * len(call_ids)

    async def one(index: int, call_id: str) -> None:
        result = await client.call_tool("get_call", {"call_id": call_id})
        outcomes[index] = model_facing_error(result) if result.is_error else None

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            for index, call_id in enumerate(call_ids):
                tg.start_soon(one, index, call_id)
    return outcomes


async def test_a_429_burst_over_parallel_calls_costs_one_retry_each_and_all_succeed(
    sandbox_app: Starlette, sleeps: Sleeps
) -> None:
    sandbox_app.state.faults.latency = 0.02  # lets the parallel requests overlap
    sandbox_app.state.faults.rate_limit_next(PARALLEL, "1")
    ids = list(sandbox_app.state.data.notable.call_ids[:PARALLEL])
    counted = InFlight(sandbox_app)
    async with over_asgi(counted, sleep=sleeps) as client:
        outcomes = await _in_parallel(client, ids)
    assert outcomes == [None] * PARALLEL
    paths = sandbox_app.state.requests.paths()
    assert sum(p.startswith("/api/calls/") for p in paths) == 2 * PARALLEL
    # Then each voice's name, once (the burst was spent on the calls).
    voices = [p for p in paths if p.startswith("/api/voices/")]
    assert len(voices) == len(set(voices)) == len(paths) - 2 * PARALLEL
    assert sleeps.delays == [1.0] * PARALLEL
    assert 1 < counted.peak <= PARALLEL


async def test_a_persistent_429_burst_gives_every_call_a_rate_limit_result_after_4_attempts(
    sandbox_app: Starlette, sleeps: Sleeps
) -> None:
    sandbox_app.state.faults.rate_limit_next(1_000, "1")
    ids = list(sandbox_app.state.data.notable.call_ids[:PARALLEL])
    async with over_asgi(sandbox_app, sleep=sleeps) as client:
        outcomes = await _in_parallel(client, ids)
    assert all(o is not None and "rate limiting" in o for o in outcomes), outcomes
    assert len(sandbox_app.state.requests) == 4 * PARALLEL
    assert len(sleeps.delays) == 3 * PARALLEL


async def test_an_audit_scan_under_a_429_burst_stays_within_its_concurrency(
    sandbox_app: Starlette,
) -> None:
    sandbox_app.state.faults.latency = 0.01
    # A short real pause: audit scans hold every worker back for a shared Retry-After.
    sandbox_app.state.faults.rate_limit_next(6, "0.1", path="/messages")
    counted = InFlight(sandbox_app)
    async with over_asgi(counted, audit_concurrency=3, cache_enabled=False) as client:
        with anyio.fail_after(10):
            result = await client.call_tool("summarize_calls", {"max_calls": 30})
    assert not result.is_error, text_of(result)
    # Three call loaders plus the list reader that runs ahead of them.
    assert counted.peak <= 4
    messages = sandbox_app.state.requests.count_path("/messages")
    assert messages <= 30 + 6
