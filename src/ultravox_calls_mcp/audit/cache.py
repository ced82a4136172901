"""On-disk cache of ended calls: SQLite (stdlib), one row per (account, call, part).

What an ended call holds (messages, events, stages, tools) never changes, so a repeated
audit need not ask Ultravox again. Rules:

- Rows are keyed by the API's origin and a fingerprint of the API key (a salted, truncated
  SHA-256: the key itself is never stored), so two accounts never see each other's calls.
- Only ended calls are written (the caller decides; see ``fetch.is_settled``).
- Each ``put_many`` is one transaction: a cancelled scan leaves whole parts or nothing.
  Upserts make writing the same call twice (two processes auditing at once) harmless.
- Payloads are zlib-compressed JSON, whose checksum tells a damaged row (read as a miss
  and deleted). Their total size is bounded, least recently read rows evicted first.
- Several server processes may share the file (see ``cache_file``). Nothing here ever
  fails an audit: a lock held too long, a full disk or a damaged file turns a read into
  a miss and a write into nothing cached, with a log line saying so.

Methods are blocking and serialised by a lock; async code runs them in a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ultravox_calls_mcp.audit.cache_file import (
    file_id,
    is_broken,
    open_database,
    replace_broken,
    retrying,
    write_transaction,
)

logger = logging.getLogger("ultravox_calls_mcp.audit")

CACHE_FILE = "cache.sqlite3"
# Eviction frees down to this share of the bound, so a full cache does not evict per write.
_EVICT_TO = 0.8
# SQLite's bound on parameters per statement, with room for the other parameters.
_CHUNK = 400
_SALT = b"ultravox-calls-mcp/cache/v1\0"
# A row read this recently is not marked read again: eviction only needs to tell rows
# unread for long from the rest, and a repeated audit then writes nothing at all (no
# write transaction for other processes sharing the file to wait on).
_TOUCH_AFTER = 300.0  # seconds

T = TypeVar("T")
RowKey = tuple[str, str]  # (call_id, part) within one scope


@dataclass(frozen=True)
class Scope:
    """Whose data a row is: the API origin and the key's fingerprint."""

    origin: str
    key_fp: str

    @classmethod
    def of(cls, origin: str, api_key: str) -> Scope:
        digest = hashlib.sha256(_SALT + api_key.encode()).hexdigest()[:32]
        return cls(origin=origin, key_fp=digest)


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "ultravox-calls-mcp"


class CallCache:
    """The cache file (or an in-memory database). Open with ``CallCache.open``."""

    def __init__(
        self, path: Path | None, *, max_bytes: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._clock = clock  # wall-clock seconds: last reads are compared across processes
        self._lock = threading.Lock()
        # None once closed, or once the file proved unusable: every call is then a miss.
        self._conn: sqlite3.Connection | None
        self._conn, self._file = open_database(path)

    @classmethod
    def open(
        cls, directory: Path | None, *, max_bytes: int, clock: Callable[[], float] = time.time
    ) -> CallCache:
        """``directory`` None: an in-memory cache that lives as long as this object.
        Raises ``OSError`` or ``sqlite3.Error`` when no usable file can be had."""
        if directory is None:
            return cls(None, max_bytes=max_bytes, clock=clock)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(directory / CACHE_FILE, max_bytes=max_bytes, clock=clock)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- the connection, kept on the file the path names ---------------------------------

    def _current(self) -> sqlite3.Connection | None:
        conn = self._conn
        if conn is None or self.path is None or file_id(self.path) == self._file:
            return conn
        # Another process moved a damaged file aside (or the directory was emptied):
        # follow the path, or our writes would land in a file nobody reads.
        logger.info("cache file %s was replaced; reopening it", self.path)
        conn.close()
        self._conn = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._conn, self._file = open_database(self.path)
        except (OSError, sqlite3.Error) as exc:
            logger.warning(
                "cache file %s cannot be reopened (%s); auditing without it", self.path, exc
            )
        return self._conn

    def _recover(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        if self.path is None:
            return
        try:
            self._conn, self._file = replace_broken(self.path, self._file)
        except (OSError, sqlite3.Error) as exc:
            logger.warning(
                "cache file %s is damaged and cannot be replaced (%s); auditing without it",
                self.path,
                exc,
            )

    def _guard(self, what: str, operation: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """Run under the lock, retried while the file is locked; any database error
        yields ``fallback`` (a miss, a skipped write) and a log line, never a failure."""
        with self._lock:
            conn = self._current()
            if conn is None:
                return fallback
            try:
                return retrying(lambda: operation(conn))
            except sqlite3.DatabaseError as exc:
                logger.warning("cache %s failed (%s); %s", what, exc, _CONSEQUENCE[what])
                if is_broken(exc):
                    self._recover()
                return fallback

    # -- reads and writes ----------------------------------------------------------------

    def get_many(
        self, scope: Scope, call_ids: Iterable[str], parts: Iterable[str]
    ) -> dict[str, dict[str, bytes]]:
        """``{call_id: {part: json_bytes}}`` for what is cached; marks those rows as used
        (those not already marked in the last few minutes)."""
        ids, wanted = list(call_ids), sorted(set(parts))
        if not ids or not wanted:
            return {}
        stale = self._clock() - _TOUCH_AFTER

        def read(
            conn: sqlite3.Connection,
        ) -> tuple[dict[str, dict[str, bytes]], list[RowKey], list[RowKey]]:
            # No transaction around the reads: each statement sees a consistent snapshot,
            # and a read transaction would fail (not wait) on turning into a write.
            found: dict[str, dict[str, bytes]] = {}
            used: list[RowKey] = []
            damaged: list[RowKey] = []
            for chunk in _chunks(ids):
                rows = conn.execute(
                    f"SELECT call_id, part, payload, last_access FROM parts WHERE origin=? "  # noqa: S608 - only '?' marks are formatted in
                    f"AND key_fp=? AND part IN ({_marks(wanted)}) AND call_id IN "
                    f"({_marks(chunk)})",
                    (scope.origin, scope.key_fp, *wanted, *chunk),
                ).fetchall()
                for call_id, part, payload, last_access in rows:
                    try:
                        found.setdefault(call_id, {})[part] = zlib.decompress(payload)
                    except zlib.error:
                        damaged.append((call_id, part))
                        continue
                    if last_access < stale:
                        used.append((call_id, part))
            return found, used, damaged

        nothing: tuple[dict[str, dict[str, bytes]], list[RowKey], list[RowKey]] = ({}, [], [])
        found, used, damaged = self._guard("read", read, nothing)
        if damaged:
            logger.warning(
                "cache: %d damaged entries (first: call %s, %s); reading them from Ultravox",
                len(damaged),
                *damaged[0],
            )
        if used or damaged:
            self._guard("touch", lambda conn: self._touch(conn, scope, used, damaged), None)
        return found

    def _touch(
        self, conn: sqlite3.Connection, scope: Scope, used: list[RowKey], damaged: list[RowKey]
    ) -> None:
        now = self._clock()
        with write_transaction(conn):
            conn.executemany(
                "UPDATE parts SET last_access=? WHERE origin=? AND key_fp=? AND call_id=? "
                "AND part=?",
                [(now, scope.origin, scope.key_fp, *key) for key in used],
            )
            for key in damaged:
                _delete(conn, (scope.origin, scope.key_fp, *key))

    def put(self, scope: Scope, call_id: str, parts: Mapping[str, bytes]) -> bool:
        """Store some parts of one call in one transaction; False when nothing was stored."""
        return self.put_many(scope, {call_id: parts}) == 1

    def put_many(self, scope: Scope, calls: Mapping[str, Mapping[str, bytes]]) -> int:
        """Store the parts of several calls in one transaction (one commit, not one per
        call); a call too large for the whole cache is skipped. Returns the calls stored."""
        packed: dict[str, dict[str, bytes]] = {}
        for call_id, parts in calls.items():
            blobs = {part: zlib.compress(data, 6) for part, data in parts.items()}
            if blobs and sum(len(blob) for blob in blobs.values()) <= self.max_bytes * _EVICT_TO:
                packed[call_id] = blobs
        if not packed:
            return 0

        def write(conn: sqlite3.Connection) -> int:
            now = self._clock()
            with write_transaction(conn):
                grown = 0
                for call_id, blobs in packed.items():
                    for part, blob in blobs.items():
                        key = (scope.origin, scope.key_fp, call_id, part)
                        old = conn.execute(
                            "SELECT size FROM parts WHERE origin=? AND key_fp=? AND call_id=? "
                            "AND part=?",
                            key,
                        ).fetchone()
                        conn.execute(
                            "INSERT INTO parts (origin, key_fp, call_id, part, size, stored, "
                            "last_access, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (origin, key_fp, call_id, part) DO UPDATE SET "
                            "size=excluded.size, stored=excluded.stored, "
                            "last_access=excluded.last_access, payload=excluded.payload",
                            (*key, len(blob), now, now, blob),
                        )
                        grown += len(blob) - (old[0] if old else 0)
                total = _add_to_total(conn, grown)
                if total > self.max_bytes:
                    self._evict(conn, total)
            return len(packed)

        return self._guard("write", write, 0)

    def _evict(self, conn: sqlite3.Connection, total: int) -> None:
        """Inside the writer's transaction: drop the least recently read rows."""
        excess = total - int(self.max_bytes * _EVICT_TO)
        freed = 0
        doomed: list[tuple[str, str, str, str]] = []
        rows = conn.execute(
            "SELECT origin, key_fp, call_id, part, size FROM parts ORDER BY last_access"
        )
        for origin, key_fp, call_id, part, size in rows:
            doomed.append((origin, key_fp, call_id, part))
            freed += size
            if freed >= excess:
                break
        rows.close()
        for key in doomed:
            _delete(conn, key)
        conn.execute("PRAGMA incremental_vacuum").fetchall()

    def stats(self) -> tuple[int, int]:
        """(rows, payload bytes) over every account in the file."""

        def count(conn: sqlite3.Connection) -> tuple[int, int]:
            rows, size = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM parts"
            ).fetchone()
            return int(rows), int(size)

        return self._guard("read", count, (0, 0))


_CONSEQUENCE = {
    "read": "reading those calls from Ultravox instead",
    "touch": "their last use is not recorded",
    "write": "those calls are not cached",
}


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    return (ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK))


def _marks(values: list[str]) -> str:
    return ",".join("?" * len(values))


def _add_to_total(conn: sqlite3.Connection, delta: int) -> int:
    conn.execute("UPDATE meta SET total = total + ? WHERE id = 0", (delta,))
    return int(conn.execute("SELECT total FROM meta WHERE id = 0").fetchone()[0])


def _delete(conn: sqlite3.Connection, key: tuple[str, str, str, str]) -> None:
    # Not DELETE … RETURNING: that needs SQLite 3.35, newer than some systems' Python has.
    where = "WHERE origin=? AND key_fp=? AND call_id=? AND part=?"
    size = conn.execute(f"SELECT size FROM parts {where}", key).fetchone()  # noqa: S608 - constant text
    if size is not None:
        conn.execute(f"DELETE FROM parts {where}", key)  # noqa: S608 - constant text
        _add_to_total(conn, -int(size[0]))
