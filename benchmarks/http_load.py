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
import os
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

from mcp import Client

REPO_ROOT = Path(__file__).resolve().parent.parent
# A clean environment: no real key may leak in, and the cache stays out of the user's home.
_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "HOME": os.environ.get("HOME", tempfile.gettempdir()),
    "PYTHONUNBUFFERED": "1",
}


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


async def load(
    proc: subprocess.Popen[bytes], port: int, clients: int, calls: int, time_bound: float
) -> int:
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
    after = rss_mb(proc.pid)
    total = clients * calls
    p50 = statistics.median(tally.latencies) * 1000 if tally.latencies else float("nan")
    p95 = (
        statistics.quantiles(tally.latencies, n=20)[-1] * 1000
        if len(tally.latencies) >= 20
        else float("nan")
    )
    print(f"http load: {clients} clients x {calls} tool calls = {total} calls over loopback")
    print(f"  completed ok : {tally.ok}/{total} in {elapsed:.1f} s ({tally.ok / elapsed:.0f}/s)")
    print(f"  errors       : {len(tally.errors)} (goal 0)")
    for error in tally.errors[:5]:
        print(f"    - {error}")
    print(f"  latency      : p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"  server RSS   : {before:.1f} MB -> {after:.1f} MB, growth {after - before:+.1f} MB")
    print("                 (goal < 50 MB)")
    if scope.cancelled_caught:
        print(f"  STOPPED at the {time_bound:.0f} s time bound")
    good = not tally.errors and after - before < 50 and not scope.cancelled_caught
    return 0 if good else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300.0, help="bound on the whole run")
    args = parser.parse_args()
    port = _free_port()
    command = [sys.executable, "-m", "ultravox_calls_mcp", "--sandbox", "--transport", "http"]
    proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [*command, "--port", str(port)],
        env=_ENV,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return anyio.run(load, proc, port, args.clients, args.calls, args.timeout)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    raise SystemExit(main())
