"""The cache of ended calls: repeat audits are free, live calls and other accounts never
hit it, it stays within its bound, and a broken file is replaced rather than fatal."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.audit.conftest import Planted, audit_client, message_requests
from tests.mcp.conftest import call_text
from ultravox_calls_mcp.audit.cache import CACHE_FILE, CallCache, Scope, default_cache_dir
from ultravox_calls_mcp.audit.runtime import cache_plan
from ultravox_calls_mcp.config import ConfigError, Settings
from ultravox_calls_mcp.sandbox import (
    SANDBOX_API_KEY,
    create_app,
    sandbox_settings,
)

pytestmark = pytest.mark.anyio

OTHER_KEY = "otheracc.FAKEKEYnotREAL0000000000000000cd"


def _all_bytes(directory: Path) -> bytes:
    if not directory.exists():
        return b""
    return b"".join(path.read_bytes() for path in directory.iterdir())


def _write_garbage(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)


def _names(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir()}


def _cached_call_ids(cache_dir: Path) -> set[str]:
    with sqlite3.connect(cache_dir / CACHE_FILE) as conn:
        return {row[0] for row in conn.execute("SELECT call_id FROM parts")}


async def test_a_repeated_audit_asks_ultravox_only_for_the_list_and_live_calls(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "find_problem_calls")
        first = len(app.state.requests)
        app.state.requests.clear()
        again = await call_text(client, "find_problem_calls")
        searched = await call_text(client, "search_transcripts", query="hello")
    live = sum(r.call["ended"] is None for r in planted.data.calls)
    ended = len(planted.data.calls) - live
    assert first > 2 * ended
    per_call = [r for r in app.state.requests if r.path != "/api/calls"]
    # Only the live call is read again (its messages and events, then its messages).
    assert len(per_call) == 3 * live
    assert f"{ended} wholly from cache" in again
    assert f"{ended} wholly from cache" in searched


async def test_a_new_session_reuses_the_cache_file(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "summarize_calls")
    app.state.requests.clear()
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "summarize_calls")
    assert message_requests(app) == 1  # the live call


async def test_live_calls_are_never_cached(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query="x")
    live = {r.call_id for r in planted.data.calls if r.call["ended"] is None}
    cached = _cached_call_ids(cache_dir)
    assert live
    assert not live & cached
    assert len(cached) == len(planted.data.calls) - len(live)


async def test_accounts_and_origins_never_share_entries_and_the_key_is_never_stored(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    other = create_app(planted.data, api_key=OTHER_KEY)
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query="x")
    async with audit_client(other, cache_dir, api_key=OTHER_KEY) as client:
        await call_text(client, "search_transcripts", query="x")
    async with audit_client(app, cache_dir, base_url="http://elsewhere.ultravox.invalid") as client:
        await call_text(client, "search_transcripts", query="x")
    calls = len(planted.data.calls)
    assert message_requests(other) == calls
    assert message_requests(app) == 2 * calls
    raw = _all_bytes(cache_dir)
    for key in (SANDBOX_API_KEY, OTHER_KEY):
        assert key.encode() not in raw
        assert key.split(".")[1].encode() not in raw


async def test_turning_the_cache_off_writes_nothing_and_reads_everything_again(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir, cache_enabled=False) as client:
        await call_text(client, "search_transcripts", query="x")
        text = await call_text(client, "search_transcripts", query="x")
    assert _all_bytes(cache_dir) == b""
    assert message_requests(app) == 2 * len(planted.data.calls)
    assert "cache off" in text


async def test_a_corrupt_cache_file_is_moved_aside_and_rebuilt(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    _write_garbage(cache_dir / CACHE_FILE)
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query="x")
    assert any(".corrupt-" in name for name in _names(cache_dir))
    app.state.requests.clear()
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query="x")
    assert message_requests(app) == 1  # only the live call: the new file works


def test_eviction_keeps_the_cache_within_its_bound_and_drops_the_least_recently_read(
    tmp_path: Path,
) -> None:
    bound = 64 * 1024
    now = [1_000_000.0]
    cache = CallCache.open(tmp_path, max_bytes=bound, clock=lambda: now[0])
    scope = Scope.of("https://api.ultravox.ai", "k")
    blob = os.urandom(10_000)  # incompressible: stored size ~ 10 kB
    for n in range(5):
        assert cache.put(scope, f"call-{n}", {"messages": blob})
    now[0] += 3_600  # an hour later
    cache.get_many(scope, ["call-0"], ["messages"])  # read again: kept
    for n in range(5, 8):
        cache.put(scope, f"call-{n}", {"messages": blob})
    rows, size = cache.stats()
    assert size <= bound
    kept = cache.get_many(scope, [f"call-{n}" for n in range(8)], ["messages"])
    # The oldest rows that were never read again went first; the re-read one stayed.
    assert sorted(kept) == ["call-0", "call-3", "call-4", "call-5", "call-6", "call-7"]
    assert kept["call-7"]["messages"] == blob
    assert rows == len(kept)
    cache.close()


def test_many_calls_go_into_one_transaction_and_an_oversized_call_is_skipped(
    tmp_path: Path,
) -> None:
    cache = CallCache.open(tmp_path, max_bytes=64 * 1024)
    scope = Scope.of("https://api.ultravox.ai", "k")
    commits: list[str] = []
    assert cache._conn is not None
    cache._conn.set_trace_callback(
        lambda sql: commits.append(sql) if sql.startswith("COMMIT") else None
    )
    batch = {f"call-{n}": {"messages": f"[{n}]".encode(), "events": b"[]"} for n in range(20)}
    batch["huge"] = {"messages": os.urandom(200_000)}  # larger than the whole cache
    assert cache.put_many(scope, batch) == 20
    assert len(commits) == 1
    stored = cache.get_many(scope, list(batch), ["messages", "events"])
    assert sorted(stored) == sorted(k for k in batch if k != "huge")
    assert stored["call-7"] == {"messages": b"[7]", "events": b"[]"}
    cache.close()


async def test_a_scan_stores_its_calls_in_far_fewer_transactions_than_calls(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "search_transcripts", query="hello")
    ended = {r.call_id for r in planted.data.calls if r.call["ended"] is not None}
    assert _cached_call_ids(cache_dir) == ended
    with sqlite3.connect(cache_dir / CACHE_FILE) as conn:
        # Rows written together share their "stored" time: one per transaction.
        transactions = conn.execute("SELECT COUNT(DISTINCT stored) FROM parts").fetchone()[0]
    assert transactions < len(ended)


def test_a_database_error_mid_session_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    cache = CallCache.open(tmp_path, max_bytes=1 << 20)
    scope = Scope.of("https://api.ultravox.ai", "k")
    cache.close()  # every later operation now fails inside sqlite
    assert cache.get_many(scope, ["c"], ["messages"]) == {}
    assert cache.put(scope, "c", {"messages": b"[]"}) is False


def test_the_cache_lives_in_memory_for_the_sandbox_and_under_xdg_otherwise(
    tmp_path: Path,
) -> None:
    sandbox = sandbox_settings()
    real = Settings.from_env({})
    assert cache_plan(sandbox).directory is None
    assert cache_plan(sandbox.model_copy(update={"cache_dir": tmp_path})).directory == tmp_path
    assert cache_plan(real).directory == default_cache_dir()
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "ultravox-calls-mcp"
    assert default_cache_dir({"XDG_CACHE_HOME": "relative"}).parent.name == ".cache"


def test_cache_and_concurrency_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ULTRAVOX_MCP_CACHE_DIR": str(tmp_path),
            "ULTRAVOX_MCP_CACHE_MAX_MB": "3",
            "ULTRAVOX_MCP_CONCURRENCY": "4",
        }
    )
    assert settings.cache_dir == tmp_path
    assert settings.cache_max_bytes == 3 * 1024 * 1024
    assert settings.audit_concurrency == 4
    for off in ("0", "off", "OFF", "false", "no"):
        assert Settings.from_env({"ULTRAVOX_MCP_CACHE": off}).cache_enabled is False
    assert Settings.from_env({"ULTRAVOX_MCP_CACHE": "1"}).cache_enabled is True
    with pytest.raises(ConfigError):
        Settings.from_env({"ULTRAVOX_MCP_CONCURRENCY": "0"})


async def test_a_cached_entry_that_no_longer_parses_is_read_again_not_an_error(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        await call_text(client, "find_problem_calls")
    ended = next(r for r in planted.data.calls if r.call["ended"] is not None)
    # What another version might have written: JSON our models refuse (a numeric role).
    cache = CallCache.open(cache_dir, max_bytes=1 << 30)
    scope = Scope.of(sandbox_settings().base_url, SANDBOX_API_KEY)
    cache.put_many(scope, {ended.call_id: {"messages": b'[{"role": 5}]'}})
    cache.close()
    app.state.requests.clear()
    async with audit_client(app, cache_dir) as client:
        text = await call_text(client, "find_problem_calls")
    assert "could not read" not in text
    assert app.state.requests.count_path(f"/api/calls/{ended.call_id}/messages") == 1


def test_a_row_read_again_within_minutes_is_not_written_again(tmp_path: Path) -> None:
    now = [1_000_000.0]
    cache = CallCache.open(tmp_path, max_bytes=1 << 20, clock=lambda: now[0])
    scope = Scope.of("https://api.ultravox.ai", "k")
    assert cache.put_many(scope, {f"call-{n}": {"messages": b"[]"} for n in range(3)}) == 3
    writes: list[str] = []
    assert cache._conn is not None
    cache._conn.set_trace_callback(
        lambda sql: writes.append(sql) if sql.startswith(("UPDATE", "BEGIN")) else None
    )
    ids = [f"call-{n}" for n in range(3)]
    now[0] += 60
    assert len(cache.get_many(scope, ids, ["messages"])) == 3
    assert writes == []  # written a minute ago: recent enough, no write transaction
    now[0] += 3_600
    assert len(cache.get_many(scope, ids, ["messages"])) == 3
    assert sum(sql.startswith("UPDATE") for sql in writes) == 3  # an hour on: marked read
    writes.clear()
    now[0] += 60
    cache.get_many(scope, ids, ["messages"])
    assert writes == []
    cache.close()
