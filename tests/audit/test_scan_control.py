"""Scans under pressure: cancelled mid-way, rate limited, and with calls that fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest
from starlette.applications import Starlette

from tests.audit.conftest import Planted, audit_client, message_requests
from tests.mcp.conftest import call_text
from ultravox_calls_mcp.audit.cache import CallCache
from ultravox_calls_mcp.audit.cache import Scope as CacheScope
from ultravox_calls_mcp.audit.fetch import decode
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, SANDBOX_BASE_URL

pytestmark = pytest.mark.anyio


async def test_cancelling_a_scan_stops_promptly_and_leaves_only_whole_entries(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    app.state.faults.latency = 0.02
    cancelled = False
    async with audit_client(app, cache_dir, audit_concurrency=4) as client:
        with anyio.fail_after(10), anyio.CancelScope() as scope:

            async def on_progress(
                progress: float, total: float | None, message: str | None
            ) -> None:
                nonlocal cancelled
                if progress >= 8 and not cancelled:
                    cancelled = True
                    scope.cancel()

            await client.call_tool(
                "search_transcripts", {"query": "x"}, progress_callback=on_progress
            )
        made = message_requests(app)
        # Anything still running would send requests while this one takes its 20 ms.
        await call_text(client, "list_agents")
        assert message_requests(app) == made
    assert scope.cancelled_caught
    assert 8 <= made < len(planted.data.calls) // 2

    cache = CallCache.open(cache_dir, max_bytes=1 << 30)
    by_id = {r.call_id: r for r in planted.data.calls}
    stored = cache.get_many(
        CacheScope.of(SANDBOX_BASE_URL, SANDBOX_API_KEY), list(by_id), ["messages"]
    )
    cache.close()
    # Writes are group-committed outside the request slots, so how many calls are stored
    # when the cancel lands depends on timing; a transaction already begun completes (its
    # thread is never abandoned), so at least the first is, and every entry is whole.
    assert 1 <= len(stored) <= made
    for call_id, parts in stored.items():
        record = by_id[call_id]
        expected = sum(len(s.messages) - s.first_own for s in record.stages)
        assert len(decode("messages", parts["messages"])) == expected

    app.state.faults.latency = 0.0
    app.state.requests.clear()
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query="x")
    assert message_requests(app) == len(planted.data.calls) - len(stored)


@dataclass
class DrivenTime:
    """The audit's clock and sleep, driven by the test: time moves only when the server
    sleeps. Each sleep yields to every other task first (workers not held back by the
    back-off gate would send requests meanwhile) and notes the requests that arrived."""

    app: Starlette
    now: float = 0.0
    # (seconds asked, /messages requests when the sleep began, when it ended)
    sleeps: list[tuple[float, int, int]] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        start, before = self.now, message_requests(self.app)
        for _ in range(100):
            await anyio.lowlevel.checkpoint()
        self.sleeps.append((seconds, before, message_requests(self.app)))
        self.now = max(self.now, start + seconds)


async def test_a_rate_limit_pauses_every_worker_until_the_retry_after(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    time = DrivenTime(app)
    app.state.faults.rate_limit_next(1, retry_after="0.3", path="/messages")
    seams = {"clock": time.clock, "sleep": time.sleep}
    async with audit_client(app, cache_dir, seams=seams, audit_concurrency=2) as client:
        with anyio.fail_after(10):
            text = await call_text(client, "search_transcripts", query="x")
    assert f"Scanned calls 1–{len(planted.data.calls)} of" in text
    # The limited worker waits out the Retry-After; the other one may finish the request
    # it had already begun, then waits at the gate too: no new request while it is closed.
    first, before, after = time.sleeps[0]
    assert first == pytest.approx(0.3)
    assert after - before <= 1
    assert all(seconds <= 0.3 + 1e-9 for seconds, _, _ in time.sleeps)
    assert time.now == pytest.approx(0.3)
    # Every call was still read: the limited request was sent again after the pause.
    assert message_requests(app) >= len(planted.data.calls) + 1


async def test_a_call_deleted_since_listing_is_noted_and_the_scan_goes_on(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    app.state.faults.fail_next(1, status=404, path="/messages")
    async with audit_client(app, cache_dir) as client:
        text = await call_text(client, "search_transcripts", query="x")
    assert text.count("could not read call ") == 1
    assert f"Scanned calls 1–{len(planted.data.calls)} of" in text


async def test_a_scan_that_loses_the_service_reports_what_it_read_and_where_to_resume(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir, audit_concurrency=1) as client:
        # Ten ended calls read (and cached), then every request fails for good.
        ended = {"query": "x", "to_date": "2026-11-20T17:00:00Z"}
        await call_text(client, "search_transcripts", **ended, max_calls=10)
        app.state.faults.fail_next(1_000, status=401, path="/messages")
        text = await call_text(client, "search_transcripts", **ended)
        app.state.faults.reset()
    assert "stopped early: Ultravox rejected the API key" in text
    assert "Scanned calls 1–10 of" in text
    assert "next cursor" in text
