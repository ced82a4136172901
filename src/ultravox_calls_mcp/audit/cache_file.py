"""The SQLite file behind the call cache, shared safely by several server processes.

Claude Desktop, Claude Code and an IDE may each run a server on the same cache
directory. What keeps them from tripping over each other:

- WAL journal: readers never wait for the writer; one writer at a time.
- ``busy_timeout`` makes SQLite wait for a lock, and ``retrying`` adds a bounded,
  jittered retry for the cases where SQLite answers "database is locked" at once instead
  (a WAL switch or recovery under way, a read snapshot that cannot become a write).
- Writes run in short ``BEGIN IMMEDIATE`` transactions: the write lock is taken first,
  so a transaction never fails half-way for want of it, and a failed one rolls back
  whole before it is retried.
- The schema is created or replaced only inside a write transaction that reads the
  version again: the first process makes it, the others find it made.
- A file SQLite cannot read is moved aside under an exclusive lock on a sidecar file
  and only if it is still the file found broken, so processes finding it broken at
  once move it aside once and all end up on the same fresh file. Each process notices a
  replaced file by its identity (device, inode) and reopens it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger("ultravox_calls_mcp.audit")

SCHEMA_VERSION = 2
MEMORY = ":memory:"
# SQLite waits this long for another process's lock before answering "locked".
BUSY_TIMEOUT_MS = 5_000
# Past this, an operation gives up: a read becomes a miss, a write is skipped.
RETRY_FOR = 8.0
_FIRST_DELAY = 0.005
_MAX_DELAY = 0.25

T = TypeVar("T")
FileId = tuple[int, int]

_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_BROKEN_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection holds a lock we need: transient."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_broken(exc: sqlite3.Error) -> bool:
    """The file is not a database SQLite can read (a full disk or a lock is not this)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BROKEN_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def retrying(operation: Callable[[], T]) -> T:
    """``operation()``, run again after a short pause while SQLite says busy or locked,
    for ``RETRY_FOR`` seconds at most; ``operation`` must leave nothing half done."""
    deadline = time.monotonic() + RETRY_FOR
    delay = _FIRST_DELAY
    while True:
        try:
            return operation()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() + delay > deadline:
                raise
        # Jitter: processes that collided once should not collide again in step.
        time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - timing, not secrets
        delay = min(delay * 2, _MAX_DELAY)


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; any failure rolls the whole of it back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def file_id(path: Path) -> FileId | None:
    """Which file ``path`` names now (None: none), to notice it being replaced."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def open_database(path: Path | None) -> tuple[sqlite3.Connection, FileId | None]:
    """A ready connection (schema made) and the identity of the file it opened.

    A file SQLite cannot read is moved aside (``*.corrupt-…``) and a fresh one made.
    Raises ``OSError`` or ``sqlite3.Error`` when no usable file can be had.
    """
    if path is None:
        conn = sqlite3.connect(MEMORY, check_same_thread=False, isolation_level=None)
        _prepare(conn, on_disk=False)
        return conn, None
    with _exclusive(path):
        return _open_or_replace(path, broken=None)


def replace_broken(path: Path, broken: FileId | None) -> tuple[sqlite3.Connection, FileId | None]:
    """After a connection to file ``broken`` reported it damaged: move it aside unless
    another process already has, and open what ``path`` names now."""
    with _exclusive(path):
        return _open_or_replace(path, broken=broken)


def _open_or_replace(
    path: Path, *, broken: FileId | None
) -> tuple[sqlite3.Connection, FileId | None]:
    if broken is not None and file_id(path) == broken:
        _move_aside(path, "it is damaged")
    try:
        return _open_file(path)
    except sqlite3.DatabaseError as exc:
        if not is_broken(exc):
            raise
        _move_aside(path, f"SQLite cannot read it: {exc}")
        return _open_file(path)


def _open_file(path: Path) -> tuple[sqlite3.Connection, FileId | None]:
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
        isolation_level=None,
    )
    try:
        # Transcripts are personal data: readable by this user only (SQLite gives the
        # -wal and -shm files the same mode).
        os.chmod(path, 0o600)
        identity = file_id(path)
        _prepare(conn, on_disk=True)
    except BaseException:
        conn.close()
        raise
    return conn, identity


def _prepare(conn: sqlite3.Connection, *, on_disk: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if on_disk:
        # Only takes effect before the first table exists (ignored afterwards), and must
        # come before the WAL switch, which writes the file's first page.
        retrying(lambda: conn.execute("PRAGMA auto_vacuum=INCREMENTAL").fetchall())
        mode = retrying(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        if str(mode).lower() != "wal":
            # Some network file systems refuse WAL; the rollback journal still works,
            # with writers blocking readers for the length of a write.
            logger.info("cache journal mode is %s, not WAL", mode)
        conn.execute("PRAGMA synchronous=NORMAL")
    if _version(conn) != SCHEMA_VERSION:
        retrying(lambda: _create_schema(conn))


def _version(conn: sqlite3.Connection) -> int:
    return int(retrying(lambda: conn.execute("PRAGMA user_version").fetchone()[0]))


def _create_schema(conn: sqlite3.Connection) -> None:
    with write_transaction(conn):
        # Read again under the write lock: another process may have just made it.
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION:
            return
        # A cache: an older or newer layout is dropped, not migrated.
        conn.execute("DROP TABLE IF EXISTS parts")
        conn.execute("DROP TABLE IF EXISTS meta")
        # Small columns before the payload: scans of sizes and times never read blobs.
        conn.execute(
            """CREATE TABLE parts (
                origin TEXT NOT NULL,
                key_fp TEXT NOT NULL,
                call_id TEXT NOT NULL,
                part TEXT NOT NULL,
                size INTEGER NOT NULL,
                stored REAL NOT NULL,
                last_access REAL NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (origin, key_fp, call_id, part)
            ) WITHOUT ROWID"""
        )
        conn.execute("CREATE INDEX parts_lru ON parts (last_access)")
        # The payload bytes of the whole file, kept in step by every write in its own
        # transaction: exact whichever process wrote, without summing every row.
        conn.execute(
            "CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 0), total INTEGER NOT NULL)"
        )
        conn.execute("INSERT INTO meta VALUES (0, 0)")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _move_aside(path: Path, why: str) -> None:
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    logger.warning("cache file %s set aside (%s); starting a fresh one", path, why)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(Path(f"{path}.corrupt-{stamp}{suffix}"))


# How long opening waits for another process that is opening or replacing the file.
_LOCK_PATIENCE = 15.0


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold the sidecar lock ``<file>.lock``: opening, and moving a broken file aside,
    happen in one process at a time. Where flock is missing (Windows), a file in use
    cannot be renamed anyway, so moving aside fails there and the cache is skipped."""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + _LOCK_PATIENCE
        delay = _FIRST_DELAY
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"cache lock {path}.lock held too long") from None
                time.sleep(delay)
                delay = min(delay * 2, _MAX_DELAY)
        yield
    finally:
        os.close(fd)  # releases the lock
