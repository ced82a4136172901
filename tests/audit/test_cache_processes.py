"""Several server processes on one cache directory, as when Claude Desktop, Claude Code
and an IDE each start their own server: three real stdio servers audit the same account
at once over real HTTP, then a fourth reads every ended call from the cache alone."""

from __future__ import annotations

import os
import sqlite3
import sys
import zlib
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO, cast

import anyio
import pytest
from mcp.client.stdio import stdio_client

import ultravox_calls_mcp
from mcp import Client, StdioServerParameters
from tests.audit.conftest import Planted
from tests.mcp.conftest import text_of
from ultravox_calls_mcp.audit.cache import CACHE_FILE
from ultravox_calls_mcp.audit.fetch import decode
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, RequestLog, create_app, run_loopback

pytestmark = pytest.mark.anyio

AUDITORS = 3
# find_problem_calls reads these parts of every call from Ultravox; the cache must hold
# them and the timing facts worked out from the messages.
PARTS = ("events", "messages")
STORED = (*PARTS, "timing")


def _server_env(base_url: str, cache_dir: Path, home: Path) -> dict[str, str]:
    # The children import the same package as this test (a worktree's src, not whatever
    # the venv points at), and nothing of the machine's environment beyond PATH.
    source_root = Path(ultravox_calls_mcp.__file__).resolve().parents[1]
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "xdg"),
        "PYTHONPATH": str(source_root),
        "PYTHONUNBUFFERED": "1",
        "ULTRAVOX_API_KEY": SANDBOX_API_KEY,
        "ULTRAVOX_BASE_URL": base_url,
        "ULTRAVOX_MCP_CACHE_DIR": str(cache_dir),
    }


async def _audit(
    params: StdioServerParameters, errlog: TextIO, ready: list[anyio.Event], me: int
) -> tuple[bool, str]:
    """Start one server, wait until every sibling has started too, then audit."""
    async with Client(stdio_client(params, errlog=errlog)) as client:
        ready[me].set()
        for event in ready:
            await event.wait()
        result = await client.call_tool("find_problem_calls", {})
    return bool(result.is_error), text_of(result)


def _per_call_requests(log: RequestLog) -> list[str]:
    return [request.path for request in log if request.path != "/api/calls"]


def _stored_rows(cache_file: Path) -> tuple[str, list[tuple[str, str]]]:
    """The file's integrity verdict and every (call, part) whose payload decodes."""
    with sqlite3.connect(cache_file) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT call_id, part, payload FROM parts").fetchall()
    stored = []
    for call_id, part, payload in rows:
        decode(part, zlib.decompress(payload))  # raises on a torn or garbled row
        stored.append((call_id, part))
    return str(verdict), stored


async def test_three_servers_auditing_at_once_share_the_cache_and_a_fourth_reads_it_all(
    planted: Planted, tmp_path: Path
) -> None:
    app = create_app(planted.data)
    log = cast(RequestLog, app.state.requests)
    ended = sorted(r.call_id for r in planted.data.calls if r.call["ended"] is not None)
    live = [r.call_id for r in planted.data.calls if r.call["ended"] is None]
    cache_dir = tmp_path / "cache"
    with run_loopback(app) as base_url, ExitStack() as files:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "ultravox_calls_mcp"],
            env=_server_env(base_url, cache_dir, tmp_path),
        )
        errlogs = [files.enter_context((tmp_path / f"server-{n}.log").open("w")) for n in range(4)]
        outcomes: list[tuple[bool, str]] = []
        ready = [anyio.Event() for _ in range(AUDITORS)]

        async def auditor(me: int) -> None:
            outcomes.append(await _audit(params, errlogs[me], ready, me))

        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for me in range(AUDITORS):
                    group.start_soon(auditor, me)
        concurrent_requests = len(_per_call_requests(log))
        log.clear()
        with anyio.fail_after(30):
            late = await _audit(params, errlogs[3], [anyio.Event()], 0)
        repeat_requests = _per_call_requests(log)
    logs = [(tmp_path / f"server-{n}.log").read_text() for n in range(4)]

    for is_error, text in [*outcomes, late]:
        assert not is_error, text
        assert "locked" not in text.lower()
        assert f"cache on ({cache_dir})" in text
    # Each server read the calls it found missing; none of them hit a database error.
    assert concurrent_requests >= len(PARTS) * len(ended)
    for text in logs:
        assert not [
            line for line in text.splitlines() if line.startswith(("WARNING", "ERROR", "Trace"))
        ], text
    # The fourth server read only the live call (never cached) from Ultravox.
    assert sorted(repeat_requests) == [f"/api/calls/{c}/{part}" for c in live for part in PARTS]
    assert f"{len(ended)} wholly from cache" in late[1]
    verdict, stored = _stored_rows(cache_dir / CACHE_FILE)
    assert verdict == "ok"
    assert sorted(stored) == [(call_id, part) for call_id in ended for part in STORED]
