"""Scans under pressure: cancelled mid-way, rate limited, and with calls that fail."""

from __future__ import annotations

import time
from pathlib import Path

import anyio
import pytest
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from tests.audit.conftest import Planted, audit_client, message_requests
from tests.mcp.conftest import SANDBOX_URL, call_text
from ultravox_calls_mcp.audit.cache import CallCache
from ultravox_calls_mcp.audit.cache import Scope as CacheScope
from ultravox_calls_mcp.audit.fetch import decode
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY

pytestmark = pytest.mark.anyio


async def test_cancelling_a_scan_stops_promptly_and_leaves_only_whole_entries(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    app.state.faults.latency = 0.02
    cancelled_at: list[float] = []
    async with audit_client(app, cache_dir, audit_concurrency=4) as client:
        with anyio.fail_after(10), anyio.CancelScope() as scope:

            async def on_progress(
                progress: float, total: float | None, message: str | None
            ) -> None:
                if progress >= 8 and not cancelled_at:
                    cancelled_at.append(time.perf_counter())
                    scope.cancel()

            await client.call_tool(
                "search_transcripts", {"query": "x"}, progress_callback=on_progress
            )
        stopped_after = time.perf_counter() - cancelled_at[0]
        made = message_requests(app)
        # Anything still running would send requests while this one takes its 20 ms.
        await call_text(client, "list_agents")
        assert message_requests(app) == made
    assert scope.cancelled_caught
    assert stopped_after < 0.5
    assert 8 <= made < len(planted.data.calls) // 2

    cache = CallCache.open(cache_dir, max_bytes=1 << 30)
    by_id = {r.call_id: r for r in planted.data.calls}
    stored = cache.get_many(CacheScope.of(SANDBOX_URL, SANDBOX_API_KEY), list(by_id), ["messages"])
    cache.close()
    # Calls still queued for the next group commit when the scan was cancelled are not
    # cached (CallLoader.remember): how many made it depends on timing, only not zero
    # (the write under way finishes) and never more than were read.
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


class _Timeline:
    """ASGI wrapper noting when each request arrived and each response started."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.events: list[tuple[float, str, int | None]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        self.events.append((time.perf_counter(), path, None))

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.events.append((time.perf_counter(), path, int(message["status"])))
            await send(message)

        await self.app(scope, receive, noting)


async def test_a_rate_limit_pauses_every_worker_until_the_retry_after(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    timeline = _Timeline(app)
    app.state.faults.rate_limit_next(1, retry_after="0.3", path="/messages")
    async with audit_client(timeline, cache_dir) as client:  # type: ignore[arg-type]
        with anyio.fail_after(10):
            text = await call_text(client, "search_transcripts", query="x")
    assert f"Scanned calls 1–{len(planted.data.calls)} of" in text
    limited = next(t for t, _, status in timeline.events if status == 429)
    arrivals = [t for t, path, status in timeline.events if status is None and "/messages" in path]
    # Requests already in flight may land just after the 429; then nothing until it expires.
    quiet = [t for t in arrivals if limited + 0.05 < t < limited + 0.25]
    assert quiet == []
    assert any(t >= limited + 0.25 for t in arrivals)


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
