"""HTTP load: N concurrent MCP clients x M tool calls against the streamable HTTP transport.

Starts ``ultravox-calls-mcp --sandbox --transport http`` in a subprocess on loopback, warms
it up, reads the server's VmRSS from /proc, runs the load (each client its own session,
calls spread over list_calls, get_call, get_call_transcript and list_call_events), then
reads VmRSS again. Prints errors (goal 0) and RSS growth (goal < 50 MB). Bounded: every
client has a deadline, and the whole run is cancelled after ``--timeout`` seconds.

    .venv/bin/python benchmarks/http_load.py                  # 50 clients x 20 calls
    .venv/bin/python benchmarks/http_load.py --clients 10 --calls 5
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from mcp.client.streamable_http import streamable_http_client

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import REPO_ROOT, Outcome, Row, child_env, print_outcome
from mcp import Client

CLIENTS = 50
CALLS = 20
TIME_BOUND = 300.0
RSS_GOAL_MB = 50


@dataclass
class Tally:
    ok: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")


async def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    with anyio.fail_after(30):
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with code {proc.returncode}")
            try:
                stream = await anyio.connect_tcp("127.0.0.1", port)
            except OSError:
                await anyio.sleep(0.05)
                continue
            await stream.aclose()
            return


async def _ids(url: str) -> list[str]:
    async with Client(streamable_http_client(url)) as client:
        result = await client.call_tool("list_calls", {"page_size": 50})
    text = "".join(getattr(block, "text", "") for block in result.content)
    return [line.split(" · ", 1)[0] for line in text.splitlines() if " · " in line][:40]


async def _client(url: str, index: int, calls: int, ids: list[str], tally: Tally) -> None:
    try:
        with anyio.fail_after(120):
            async with Client(streamable_http_client(url)) as client:
                for n in range(calls):
                    call_id = ids[(index * calls + n) % len(ids)]
                    mix: list[tuple[str, dict[str, Any]]] = [
                        ("list_calls", {"page_size": 20}),
                        ("get_call", {"call_id": call_id}),
                        ("get_call_transcript", {"call_id": call_id}),
                        ("list_call_events", {"call_id": call_id}),
                    ]
                    tool, args = mix[n % 4]
                    started = time.perf_counter()
                    result = await client.call_tool(tool, args)
                    tally.latencies.append(time.perf_counter() - started)
                    if result.is_error:
                        tally.errors.append(f"{tool}: error result")
                    else:
                        tally.ok += 1
    except Exception as exc:  # every failure is counted and printed
        tally.errors.append(f"client {index}: {type(exc).__name__}: {exc}"[:200])


@dataclass
class LoadResult:
    clients: int
    calls: int
    tally: Tally
    elapsed: float
    rss_before: float
    rss_after: float
    timed_out: bool

    @property
    def growth(self) -> float:
        return self.rss_after - self.rss_before

    @property
    def ok(self) -> bool:
        return not self.tally.errors and self.growth < RSS_GOAL_MB and not self.timed_out


async def load(
    proc: subprocess.Popen[bytes], port: int, clients: int, calls: int, time_bound: float
) -> LoadResult:
    url = f"http://127.0.0.1:{port}/mcp"
    await _wait_for_port(port, proc)
    ids = await _ids(url)
    warm = Tally()
    await _client(url, 0, 8, ids, warm)  # imports, caches and pools settle first
    before = rss_mb(proc.pid)
    tally = Tally()
    started = time.perf_counter()
    with anyio.move_on_after(time_bound) as scope:
        async with anyio.create_task_group() as tg:
            for index in range(clients):
                tg.start_soon(_client, url, index, calls, ids, tally)
    elapsed = time.perf_counter() - started
    return LoadResult(
        clients, calls, tally, elapsed, before, rss_mb(proc.pid), scope.cancelled_caught
    )


def _outcome(result: LoadResult, time_bound: float) -> Outcome:
    tally = result.tally
    total = result.clients * result.calls
    p50 = statistics.median(tally.latencies) * 1000 if tally.latencies else float("nan")
    p95 = (
        statistics.quantiles(tally.latencies, n=20)[-1] * 1000
        if len(tally.latencies) >= 20
        else float("nan")
    )
    notes = [
        f"http load: {result.clients} clients x {result.calls} tool calls = {total} calls "
        "over loopback",
        f"  completed ok : {tally.ok}/{total} in {result.elapsed:.1f} s "
        f"({tally.ok / result.elapsed:.0f}/s)",
        f"  errors       : {len(tally.errors)} (goal 0)",
        *(f"    - {error}" for error in tally.errors[:5]),
        f"  latency      : p50 {p50:.0f} ms, p95 {p95:.0f} ms",
        f"  server RSS   : {result.rss_before:.1f} MB -> {result.rss_after:.1f} MB, "
        f"growth {result.growth:+.1f} MB (goal < {RSS_GOAL_MB} MB)",
    ]
    if result.timed_out:
        notes.append(f"  STOPPED at the {time_bound:.0f} s time bound")
    row = Row(
        f"HTTP load, {result.clients} clients x {result.calls} calls",
        f"{tally.ok}/{total} ok, {len(tally.errors)} errors, RSS {result.growth:+.1f} MB",
        f"0 errors, < {RSS_GOAL_MB} MB",
        result.ok,
    )
    numbers = {
        "ok": float(tally.ok),
        "errors": float(len(tally.errors)),
        "rss_growth_mb": max(result.growth, 0.0),
        "p50_ms": p50 if tally.latencies else 0.0,
    }
    return Outcome(rows=[row], notes=notes, numbers=numbers)


def run(
    quick: bool = False,
    clients: int = CLIENTS,
    calls: int = CALLS,
    time_bound: float = TIME_BOUND,
) -> Outcome:
    """``quick`` runs 5 clients x 4 calls."""
    if quick:
        clients, calls = 5, 4
    port = _free_port()
    command = [sys.executable, "-m", "ultravox_calls_mcp", "--sandbox", "--transport", "http"]
    with tempfile.TemporaryDirectory() as cache_dir:
        proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [*command, "--port", str(port)],
            env=child_env({"ULTRAVOX_MCP_CACHE_DIR": cache_dir, "PYTHONUNBUFFERED": "1"}),
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            result = anyio.run(load, proc, port, clients, calls, time_bound)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return _outcome(result, time_bound)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--timeout", type=float, default=TIME_BOUND, help="bound on the whole run")
    args = parser.parse_args()
    outcome = run(clients=args.clients, calls=args.calls, time_bound=args.timeout)
    print_outcome(outcome)
    return 0 if all(row.ok for row in outcome.rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
