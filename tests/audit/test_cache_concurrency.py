"""The cache API hammered by several connections at once, each its own ``CallCache`` in
its own thread: to SQLite these are as separate as processes (separate connections,
separate locks). Whatever the interleaving, nothing raises, nothing stored is lost or
read back wrong, and every failure is a miss or a skipped write with a log line."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from ultravox_calls_mcp.audit import cache_file
from ultravox_calls_mcp.audit.cache import CACHE_FILE, CallCache, Scope

T = TypeVar("T")

SCOPE = Scope.of("https://api.ultravox.ai", "k")
WORKERS = 6
BOUND = 1 << 30


def _payload(call_id: str, part: str) -> bytes:
    return f'[{{"call": "{call_id}", "part": "{part}"}}]'.encode() * 20


def _at_once(count: int, work: Callable[[int, threading.Barrier], T]) -> list[T]:
    """Run ``work(n, barrier)`` in ``count`` threads; errors are raised here."""
    barrier = threading.Barrier(count, timeout=30)
    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(work, n, barrier) for n in range(count)]
        return [future.result(timeout=60) for future in futures]


def _file_state(path: Path) -> tuple[str, int, int, dict[tuple[str, str], int]]:
    """Integrity verdict, the kept total, the rows' summed size, and every row's size."""
    with sqlite3.connect(path) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        total = conn.execute("SELECT total FROM meta").fetchone()[0]
        summed = conn.execute("SELECT COALESCE(SUM(size), 0) FROM parts").fetchone()[0]
        rows = conn.execute("SELECT call_id, part, size FROM parts").fetchall()
    return verdict, total, summed, {(call_id, part): size for call_id, part, size in rows}


def _write_old_layout(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE parts (call_id TEXT, payload BLOB)")
        conn.execute("INSERT INTO parts VALUES ('old', x'00')")
        conn.execute("PRAGMA user_version=1")


@pytest.mark.parametrize("start", ["no file", "an older layout"])
def test_servers_opening_one_file_at_once_make_one_schema_and_lose_no_write(
    tmp_path: Path, start: str, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "cache"
    if start == "an older layout":
        _write_old_layout(directory / CACHE_FILE)
    shared = [f"shared-{n}" for n in range(10)]

    def server(me: int, barrier: threading.Barrier) -> tuple[list[int], int]:
        barrier.wait()
        cache = CallCache.open(directory, max_bytes=BOUND)
        own = [f"own-{me}-{n}" for n in range(12)]
        stored = []
        # Small batches, as a scan's group commits are: many interleaved transactions.
        for batch in (own[:4], own[4:8], own[8:], shared):
            calls = {c: {p: _payload(c, p) for p in ("messages", "events")} for c in batch}
            stored.append(cache.put_many(SCOPE, calls))
        read = cache.get_many(SCOPE, own + shared, ["messages", "events"])
        cache.close()
        for call_id in own + shared:
            assert read[call_id] == {p: _payload(call_id, p) for p in ("messages", "events")}
        return stored, len(read)

    with caplog.at_level(logging.INFO, logger="ultravox_calls_mcp.audit"):
        outcomes = _at_once(WORKERS, server)
    assert outcomes == [([4, 4, 4, 10], 22)] * WORKERS
    verdict, total, summed, rows = _file_state(directory / CACHE_FILE)
    assert verdict == "ok"
    expected = {f"own-{me}-{n}" for me in range(WORKERS) for n in range(12)} | set(shared)
    assert set(rows) == {(c, p) for c in expected for p in ("messages", "events")}
    assert total == summed
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_readers_never_miss_a_stored_call_while_other_servers_write(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    seed = CallCache.open(directory, max_bytes=BOUND)
    known = [f"known-{n}" for n in range(50)]
    assert seed.put_many(SCOPE, {c: {"messages": _payload(c, "messages")} for c in known}) == 50
    seed.close()

    def server(me: int, barrier: threading.Barrier) -> int:
        cache = CallCache.open(directory, max_bytes=BOUND)
        barrier.wait()
        misses = 0
        for round_no in range(15):
            # Half the servers write new calls while all of them read the known ones,
            # whose reads also record their use (a write of their own).
            if me % 2 == 0:
                fresh = f"new-{me}-{round_no}"
                assert cache.put(SCOPE, fresh, {"messages": _payload(fresh, "messages")})
            read = cache.get_many(SCOPE, known, ["messages"])
            misses += len(known) - len(read)
        cache.close()
        return misses

    assert _at_once(WORKERS, server) == [0] * WORKERS
    verdict, total, summed, rows = _file_state(directory / CACHE_FILE)
    assert verdict == "ok"
    assert total == summed
    assert len(rows) == 50 + 15 * len(range(0, WORKERS, 2))


def test_a_write_lock_held_too_long_skips_the_write_but_never_blocks_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(cache_file, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(cache_file, "RETRY_FOR", 0.1)
    cache = CallCache.open(tmp_path, max_bytes=BOUND)
    assert cache.put(SCOPE, "before", {"messages": b"[1]"})
    # Another process stuck inside a write transaction.
    holder = sqlite3.connect(tmp_path / CACHE_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with caplog.at_level(logging.WARNING, logger="ultravox_calls_mcp.audit"):
        assert cache.put(SCOPE, "during", {"messages": b"[2]"}) is False
        assert cache.get_many(SCOPE, ["before"], ["messages"]) == {"before": {"messages": b"[1]"}}
    holder.execute("ROLLBACK")
    holder.close()
    assert cache.put(SCOPE, "during", {"messages": b"[2]"})
    cache.close()
    logged = [r.getMessage() for r in caplog.records]
    assert any("write failed (database is locked); those calls are not cached" in m for m in logged)


def test_a_damaged_entry_is_a_miss_and_is_removed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = CallCache.open(tmp_path, max_bytes=BOUND)
    cache.put_many(SCOPE, {c: {"messages": _payload(c, "messages")} for c in ("good", "torn")})
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        # Payload bytes changed under zlib's checksum, as a torn sector would.
        conn.execute(
            "UPDATE parts SET payload = CAST(substr(payload, 1, 10) || x'00' AS BLOB) "
            "WHERE call_id = 'torn'"
        )
    with caplog.at_level(logging.WARNING, logger="ultravox_calls_mcp.audit"):
        read = cache.get_many(SCOPE, ["good", "torn"], ["messages"])
    assert read == {"good": {"messages": _payload("good", "messages")}}
    assert any(
        "damaged entries (first: call torn, messages)" in r.getMessage() for r in caplog.records
    )
    cache.close()
    _, total, summed, rows = _file_state(tmp_path / CACHE_FILE)
    assert set(rows) == {("good", "messages")}
    assert total == summed


def test_servers_finding_the_file_unreadable_at_once_set_it_aside_once_and_share_the_new_one(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / CACHE_FILE).write_bytes(b"this is not a database" * 200)

    def server(me: int, barrier: threading.Barrier) -> CallCache:
        barrier.wait()
        cache = CallCache.open(directory, max_bytes=BOUND)
        assert cache.put(SCOPE, f"call-{me}", {"messages": b"[]"})
        return cache

    caches = _at_once(WORKERS, server)
    everyone = [f"call-{me}" for me in range(WORKERS)]
    for cache in caches:
        assert sorted(cache.get_many(SCOPE, everyone, ["messages"])) == everyone
        cache.close()
    aside = [p.name for p in directory.iterdir() if ".corrupt-" in p.name]
    assert aside == [next(name for name in aside)]  # one file set aside, not one each
    assert (directory / aside[0]).read_bytes().startswith(b"this is not a database")


def test_a_server_follows_the_file_when_another_replaces_it(tmp_path: Path) -> None:
    first = CallCache.open(tmp_path, max_bytes=BOUND)
    assert first.put(SCOPE, "old", {"messages": b"[]"})
    # Another process found the file damaged, set it aside and started a fresh one.
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"{CACHE_FILE}{suffix}").replace(tmp_path / f"aside{suffix}")
    second = CallCache.open(tmp_path, max_bytes=BOUND)
    assert second.put(SCOPE, "new", {"messages": b"[1]"})
    assert first.get_many(SCOPE, ["old", "new"], ["messages"]) == {"new": {"messages": b"[1]"}}
    assert first.put(SCOPE, "newer", {"messages": b"[2]"})
    assert second.get_many(SCOPE, ["newer"], ["messages"]) == {"newer": {"messages": b"[2]"}}
    first.close()
    second.close()


def test_a_server_recreates_the_cache_when_its_directory_is_deleted(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = CallCache.open(directory, max_bytes=BOUND)
    assert cache.put(SCOPE, "old", {"messages": b"[]"})
    for path in directory.iterdir():
        path.unlink()
    directory.rmdir()
    assert cache.get_many(SCOPE, ["old"], ["messages"]) == {}
    assert cache.put(SCOPE, "new", {"messages": b"[1]"})
    cache.close()
    assert (directory / CACHE_FILE).exists()
    _, _, _, rows = _file_state(directory / CACHE_FILE)
    assert set(rows) == {("new", "messages")}
