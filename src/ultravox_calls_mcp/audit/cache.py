"""On-disk cache of ended calls: SQLite (stdlib), one row per (account, call, part).

What an ended call holds (messages, events, stages, tools) never changes, so a repeated
audit need not ask Ultravox again. Rules:

- Rows are keyed by the API's origin and a fingerprint of the API key (a salted, truncated
  SHA-256: the key itself is never stored), so two accounts never see each other's calls.
- Only ended calls are written (the caller decides; see ``fetch.is_settled``).
- Each ``put`` is one transaction: a cancelled scan leaves whole parts or nothing.
- Payloads are zlib-compressed JSON; their total size is bounded, least recently read
  rows are evicted first.
- A file SQLite cannot read is moved aside (``*.corrupt``) and a fresh one created; any
  later database error turns the operation into a miss, never a crash.

Methods are blocking and serialised by a lock; async code runs them in a worker thread.
"""

from __future__ import annotations

import contextlib
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

logger = logging.getLogger("ultravox_calls_mcp.audit")

SCHEMA_VERSION = 1
CACHE_FILE = "cache.sqlite3"
MEMORY = ":memory:"
# Eviction frees down to this share of the bound, so a full cache does not evict per write.
_EVICT_TO = 0.8
_SALT = b"ultravox-calls-mcp/cache/v1\0"

T = TypeVar("T")


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

    def __init__(self, path: Path | None, *, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._conn = self._connect()
        self._total = self._sum_sizes()

    @classmethod
    def open(cls, directory: Path | None, *, max_bytes: int) -> CallCache:
        """``directory`` None: an in-memory cache that lives as long as this object."""
        if directory is None:
            return cls(None, max_bytes=max_bytes)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(directory / CACHE_FILE, max_bytes=max_bytes)

    # -- connection ----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            return self._connect_once()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            logger.warning("cache %s unreadable (%s); starting a fresh one", self.path, exc)
            self._move_aside()
            return self._connect_once()

    def _connect_once(self) -> sqlite3.Connection:
        target = str(self.path) if self.path is not None else MEMORY
        conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        try:
            if self.path is not None:
                # Transcripts are personal data: readable by this user only.
                os.chmod(self.path, 0o600)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                self._create_schema(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _create_schema(conn: sqlite3.Connection) -> None:
        # A cache: an older or newer layout is dropped, not migrated.
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DROP TABLE IF EXISTS parts")
        conn.execute(
            """CREATE TABLE parts (
                origin TEXT NOT NULL,
                key_fp TEXT NOT NULL,
                call_id TEXT NOT NULL,
                part TEXT NOT NULL,
                payload BLOB NOT NULL,
                size INTEGER NOT NULL,
                stored REAL NOT NULL,
                last_access REAL NOT NULL,
                PRIMARY KEY (origin, key_fp, call_id, part)
            ) WITHOUT ROWID"""
        )
        conn.execute("CREATE INDEX parts_lru ON parts (last_access)")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")

    def _move_aside(self) -> None:
        if self.path is None:
            return
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.replace(Path(f"{self.path}.corrupt-{stamp}{suffix}"))

    def _sum_sizes(self) -> int:
        return self._guard(
            lambda: int(
                self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM parts").fetchone()[0]
            ),
            0,
        )

    def _guard(self, operation: Callable[[], T], fallback: T) -> T:
        """Run under the lock; a database error recreates a corrupt file and yields
        ``fallback`` (a cache miss, a skipped write) instead of failing the audit."""
        with self._lock:
            try:
                return operation()
            except sqlite3.DatabaseError as exc:
                logger.warning("cache error (%s); treating as a miss", exc)
                with contextlib.suppress(sqlite3.Error):
                    if self._conn.in_transaction:
                        self._conn.rollback()
                if _is_corruption(exc):
                    self._conn.close()
                    self._move_aside()
                    self._conn = self._connect_once()
                    self._total = 0
                return fallback

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- reads and writes ----------------------------------------------------------------

    def get_many(
        self, scope: Scope, call_ids: Iterable[str], parts: Iterable[str]
    ) -> dict[str, dict[str, bytes]]:
        """``{call_id: {part: json_bytes}}`` for what is cached; marks those rows as used."""
        ids, wanted = list(call_ids), sorted(set(parts))
        if not ids or not wanted:
            return {}

        def read() -> dict[str, dict[str, bytes]]:
            found: dict[str, dict[str, bytes]] = {}
            marks = ",".join("?" * len(wanted))
            now = time.time()
            self._conn.execute("BEGIN")
            for start in range(0, len(ids), 400):  # SQLite's bound on parameters
                chunk = ids[start : start + 400]
                rows = self._conn.execute(
                    f"SELECT call_id, part, payload FROM parts WHERE origin=? AND key_fp=? "  # noqa: S608 - only '?' marks are formatted in
                    f"AND part IN ({marks}) AND call_id IN ({','.join('?' * len(chunk))})",
                    (scope.origin, scope.key_fp, *wanted, *chunk),
                ).fetchall()
                for call_id, part, payload in rows:
                    found.setdefault(call_id, {})[part] = zlib.decompress(payload)
                self._conn.execute(
                    f"UPDATE parts SET last_access=? WHERE origin=? AND key_fp=? "  # noqa: S608 - as above
                    f"AND part IN ({marks}) AND call_id IN ({','.join('?' * len(chunk))})",
                    (now, scope.origin, scope.key_fp, *wanted, *chunk),
                )
            self._conn.execute("COMMIT")
            return found

        return self._guard(read, {})

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

        def write() -> int:
            now = time.time()
            self._conn.execute("BEGIN IMMEDIATE")
            for call_id, blobs in packed.items():
                for part, blob in blobs.items():
                    old = self._conn.execute(
                        "SELECT size FROM parts WHERE origin=? AND key_fp=? AND call_id=? "
                        "AND part=?",
                        (scope.origin, scope.key_fp, call_id, part),
                    ).fetchone()
                    self._conn.execute(
                        "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (scope.origin, scope.key_fp, call_id, part, blob, len(blob), now, now),
                    )
                    self._total += len(blob) - (old[0] if old else 0)
            self._conn.execute("COMMIT")
            if self._total > self.max_bytes:
                self._evict()
            return len(packed)

        return self._guard(write, 0)

    def _evict(self) -> None:
        # Another process may share the file: count again before deciding what to drop.
        self._total = int(
            self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM parts").fetchone()[0]
        )
        excess = self._total - int(self.max_bytes * _EVICT_TO)
        if excess <= 0:
            return
        self._conn.execute("BEGIN IMMEDIATE")
        freed = 0
        doomed: list[tuple[str, str, str, str]] = []
        for origin, key_fp, call_id, part, size in self._conn.execute(
            "SELECT origin, key_fp, call_id, part, size FROM parts ORDER BY last_access"
        ):
            doomed.append((origin, key_fp, call_id, part))
            freed += size
            if freed >= excess:
                break
        self._conn.executemany(
            "DELETE FROM parts WHERE origin=? AND key_fp=? AND call_id=? AND part=?", doomed
        )
        self._conn.execute("COMMIT")
        self._total -= freed
        self._conn.execute("PRAGMA incremental_vacuum")

    def stats(self) -> tuple[int, int]:
        """(rows, payload bytes) over every account in the file."""

        def count() -> tuple[int, int]:
            rows, size = self._conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM parts"
            ).fetchone()
            return int(rows), int(size)

        return self._guard(count, (0, 0))


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    # Busy/locked databases and full disks are transient; only these mean a broken file.
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text
