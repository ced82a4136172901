"""A warm scan: the calls the cache holds whole are read, parsed and analysed in one
worker-thread trip per page of the call list, not one trip (and one task) per call; the
results are the same as the cold scan's, and a call held only in part is completed from
Ultravox."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from starlette.applications import Starlette

from tests.audit.conftest import PHRASE, Planted, audit_client, message_requests
from tests.mcp.conftest import call_text
from ultravox_calls_mcp.audit import fetch as fetch_module
from ultravox_calls_mcp.audit import timing_facts as timing_facts_module
from ultravox_calls_mcp.audit.cache import CACHE_FILE, CallCache
from ultravox_calls_mcp.audit.cache import Scope as CacheScope
from ultravox_calls_mcp.metrics import timeline_from_stages
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, SANDBOX_BASE_URL

pytestmark = pytest.mark.anyio


@pytest.fixture
def thread_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function the process sends to a worker thread (anyio's)."""
    trips: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return trips


async def test_a_warm_search_takes_one_thread_trip_per_page_and_finds_the_same(
    app: Starlette, cache_dir: Path, planted: Planted, thread_trips: list[str]
) -> None:
    arguments = {"query": PHRASE, "max_chars": 200_000}
    async with audit_client(app, cache_dir) as client:
        cold = await call_text(client, "search_transcripts", **arguments)
        cold_trips = len(thread_trips)
        thread_trips.clear()
        read = message_requests(app)
        warm = await call_text(client, "search_transcripts", **arguments)
    ended = sum(1 for r in planted.data.calls if r.call.get("ended"))
    assert cold_trips >= ended  # cold: each fetched call is searched on its own trip
    # Warm: the live call is never cached (fetched, so searched on a trip of its own);
    # every ended call comes with its page's single read-and-search trip.
    list_pages = -(-len(planted.data.calls) // 200)
    assert thread_trips.count("read") == list_pages
    assert len(thread_trips) <= list_pages + 2, thread_trips
    assert message_requests(app) - read == 1  # the live call only
    assert warm.splitlines()[2:] == cold.splitlines()[2:]  # past the header's cache note
    assert PHRASE in warm


async def test_a_call_cached_in_part_is_completed_from_ultravox(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query=PHRASE)  # caches messages
        cache = CallCache.open(cache_dir, max_bytes=1 << 30)
        scope = CacheScope.of(SANDBOX_BASE_URL, SANDBOX_API_KEY)
        ids = [r.call_id for r in planted.data.calls]
        assert not cache.get_many(scope, ids, ["events"])  # only messages so far
        cache.close()
        events_before = app.state.requests.count_path("/events")
        read = message_requests(app)
        report = await call_text(client, "find_problem_calls", max_chars=200_000)
        # messages from the cache, each ended call's missing events part from Ultravox.
        assert message_requests(app) - read == 1  # the live call only
        assert app.state.requests.count_path("/events") - events_before >= len(ids) - 1
        again = await call_text(client, "find_problem_calls", max_chars=200_000)
    assert again.splitlines()[2:] == report.splitlines()[2:]


@pytest.fixture
def time_lines(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every time line the timing facts build (one per call worked out), by length."""
    built: list[int] = []

    def counting(stages: Any) -> Any:
        timeline = timeline_from_stages(stages)
        built.append(len(timeline.timed))
        return timeline

    monkeypatch.setattr(timing_facts_module, "timeline_from_stages", counting)
    return built


_AUDITS: list[tuple[str, dict[str, Any]]] = [
    ("find_problem_calls", {"max_chars": 200_000}),
    ("summarize_calls", {"max_chars": 200_000}),
    ("find_problem_calls", {"slow_response_seconds": 1.0, "dead_air_seconds": 2.5}),
    ("summarize_calls", {"group_by": "day", "dead_air_seconds": 1.5, "max_chars": 200_000}),
]


async def _answers(client: Any) -> list[list[str]]:
    """Each audit's lines past the header's cache note."""
    return [(await call_text(client, t, **a)).splitlines()[2:] for t, a in _AUDITS]


async def test_warm_audits_read_the_cached_timing_facts_for_any_thresholds(
    app: Starlette, cache_dir: Path, planted: Planted, time_lines: list[int]
) -> None:
    live = sum(1 for r in planted.data.calls if not r.call.get("ended"))
    async with audit_client(app, None, cache_enabled=False) as client:
        uncached = await _answers(client)
    time_lines.clear()
    async with audit_client(app, cache_dir) as client:
        cold = await _answers(client)
        assert len(time_lines) >= len(planted.data.calls)
        time_lines.clear()
        read = message_requests(app)
        warm = await _answers(client)
    # Warm: only the live calls' facts are worked out (once per audit); ended calls' come
    # with their messages from the cache, whatever the thresholds asked for.
    assert len(time_lines) == live * len(_AUDITS)
    assert message_requests(app) - read == live * len(_AUDITS)
    assert warm == cold == uncached
    assert any("slow responses" in line for line in warm[2])


async def test_facts_from_other_code_or_missing_are_worked_out_again_without_requests(
    app: Starlette,
    cache_dir: Path,
    planted: Planted,
    time_lines: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ended = sum(1 for r in planted.data.calls if r.call.get("ended"))
    async with audit_client(app, cache_dir) as client:
        cold = await _answers(client)
        # A new version of the metrics: the cached facts no longer count.
        monkeypatch.setattr(fetch_module, "facts_source", lambda: "another version")
        monkeypatch.setattr(timing_facts_module, "facts_source", lambda: "another version")
        time_lines.clear()
        read = message_requests(app)
        events = app.state.requests.count_path("/events")
        changed = await _answers(client)
        assert len(time_lines) >= ended  # each ended call's worked out (then stored)
        time_lines.clear()
        again = await _answers(client)
        assert len(time_lines) < ended  # now read from the cache: live calls only
        # A cache written before the facts existed: messages and events, no timing.
        with sqlite3.connect(cache_dir / CACHE_FILE) as db:
            assert db.execute("DELETE FROM parts WHERE part = 'timing'").rowcount >= ended
        db.close()
        time_lines.clear()
        older = await _answers(client)
        assert len(time_lines) >= ended
        live = sum(1 for r in planted.data.calls if not r.call.get("ended"))
        # Not one request for an ended call throughout: only the live ones, every audit.
        assert message_requests(app) - read == 3 * live * len(_AUDITS)
        assert app.state.requests.count_path("/events") - events == 3 * live * 2
    assert changed == again == older == cold
