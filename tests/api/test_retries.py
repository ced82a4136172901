"""Retries via the sandbox's fault injection: what is retried, how long we wait, when we stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from ultravox_calls_mcp.api import RateLimitedError, RetryPolicy, UltravoxError, UpstreamError

from .conftest import SleepRecorder

POLICY = RetryPolicy(max_attempts=4, base_delay=0.5, multiplier=2.0, max_delay=8.0, jitter=0.5)


@pytest.mark.anyio
async def test_two_server_errors_then_success_returns_the_data(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    call_id = sandbox.state.data.notable.multi_stage_call_id
    sandbox.state.faults.fail_next(2, status=500)
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        call = await client.get_call(call_id)
    assert call.call_id == call_id
    assert len(sandbox.state.requests) == 3
    # random() is pinned at 0.5, so each delay loses a quarter of the backoff.
    assert sleeps.delays == [0.375, 0.75]


@pytest.mark.anyio
async def test_persistent_server_errors_give_up_after_max_attempts(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.fail_next(10, status=503)
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        with pytest.raises(UpstreamError) as info:
            await client.list_calls()
    assert info.value.status_code == 503
    assert len(sandbox.state.requests) == 4
    assert sleeps.delays == [0.375, 0.75, 1.5]


@pytest.mark.anyio
async def test_retry_after_in_seconds_is_waited_exactly(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.rate_limit_next(1, retry_after="3")
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        page = await client.list_agents()
    assert page.results
    assert sleeps.delays == [3.0]


@pytest.mark.anyio
async def test_retry_after_as_an_http_date_is_waited_until_that_time(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    sandbox.state.faults.rate_limit_next(1, retry_after=when)
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        await client.list_agents()
    assert len(sleeps.delays) == 1
    assert 7.0 <= sleeps.delays[0] <= 10.0  # whole-second dates, and time passes


@pytest.mark.anyio
async def test_retry_after_beyond_the_cap_raises_at_once_without_sleeping(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.rate_limit_next(1, retry_after="3600")
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.list_agents()
    assert info.value.retry_after == 3600.0
    assert info.value.status_code == 429
    assert "3600 s" in str(info.value)
    assert sleeps.delays == []
    assert len(sandbox.state.requests) == 1


@pytest.mark.anyio
async def test_a_busy_503_with_a_long_retry_after_is_reported_as_rate_limited(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.fail_next(1, status=503, retry_after="600")
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.list_agents()
    assert (info.value.status_code, info.value.retry_after) == (503, 600.0)
    assert sleeps.delays == []


@pytest.mark.anyio
async def test_garbage_retry_after_falls_back_to_our_backoff(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.rate_limit_next(2, retry_after="soon-ish")
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        await client.list_agents()
    assert sleeps.delays == [0.375, 0.75]


@pytest.mark.anyio
async def test_rate_limiting_that_outlasts_all_attempts_carries_retry_after(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.rate_limit_next(10, retry_after="2")
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.list_agents()
    assert info.value.retry_after == 2.0
    assert sleeps.delays == [2.0, 2.0, 2.0]


@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_never_retried(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder, status: int
) -> None:
    sandbox.state.faults.fail_next(1, status=status)
    async with sandbox_client(sandbox, retry_policy=POLICY) as client:
        with pytest.raises(UltravoxError) as info:
            await client.list_agents()
    assert info.value.status_code == status
    assert len(sandbox.state.requests) == 1
    assert sleeps.delays == []


@pytest.mark.anyio
async def test_a_wait_that_would_outlast_the_deadline_is_not_started(
    sandbox: Any, sandbox_client: Any, sleeps: SleepRecorder
) -> None:
    sandbox.state.faults.rate_limit_next(1, retry_after="5")
    async with sandbox_client(sandbox, retry_policy=POLICY, request_deadline=2.0) as client:
        with pytest.raises(RateLimitedError):
            await client.list_agents()
    assert sleeps.delays == []
