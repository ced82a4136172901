"""Audit benchmark: search_transcripts over 300 calls at 20 ms upstream latency, concurrency 8.

The sandbox (real HTTP on loopback) serves 300 ended calls, built from the sandbox's own
generator (several seeds merged, the 10,000-message stress call and the live calls left
out; the default dataset is untouched). Each run goes through the real MCP server and
an in-memory MCP client, with a fresh on-disk cache:

- cold: wall time against the ideal, requests × latency / concurrency (goal ≤ 1.5×);
- warm, the same search again: upstream requests for ended calls (goal 0; the call list
  itself is always read, new calls may have arrived), and its wall time, which is what a
  full-text index over the cache could still shave off.

Run:  .venv/bin/python benchmarks/audit.py [--repetitions 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    Outcome,
    RequestLogRoute,
    Row,
    connect,
    frozen_like_the_server,
    logged_paths,
    machine_line,
    print_outcome,
    sandbox_process,
    serve_until_told,
    text_of,
)
from ultravox_calls_mcp.sandbox import (
    SANDBOX_API_KEY,
    CallRecord,
    SandboxData,
    create_app,
    run_loopback,
)
from ultravox_calls_mcp.sandbox import generate_dataset as dataset

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

CALLS = 300
LATENCY = 0.020
CONCURRENCY = 8
GOAL = 1.5


def big_dataset(calls: int) -> SandboxData:
    """``calls`` ended calls from as many seeds as it takes, newest first."""
    base = dataset(7)
    records: list[CallRecord] = []
    agents = list(base.agents)
    seed = 7
    while len(records) < calls:
        data = dataset(seed)
        skip = {data.notable.stress_call_id, data.notable.live_call_id}
        records += [r for r in data.calls if r.call_id not in skip]
        agents += data.agents if seed != 7 else []
        seed += 1
    chosen = sorted(records[:calls], key=lambda r: r.created, reverse=True)
    return replace(base, calls=chosen, agents=agents)


def _serve(calls: int, latency: float, conn: Connection) -> None:
    """The sandbox in its own process, as Ultravox is: its CPU work must not share our
    interpreter lock, or the benchmark would time the fake server as much as the client.

    On uvicorn's fast stack (uvloop, httptools) too: the ideal counts latency only, as if
    the server cost nothing here, and Ultravox's servers do not run on this machine. On
    plain asyncio + h11 the fake server's own CPU takes a large share of two cores.
    """
    app = create_app(big_dataset(calls))
    app.state.faults.latency = latency
    with run_loopback(RequestLogRoute(app, app.state.requests), fast=True) as base_url:
        serve_until_told(conn, base_url)


async def one_run(base_url: str, cache_dir: Path, calls: int) -> tuple[float, int, int]:
    """(seconds, all requests, requests other than the call list) of one search."""
    logged_paths(base_url)
    async with connect(base_url, cache_dir=cache_dir, audit_concurrency=CONCURRENCY) as client:
        started = time.perf_counter()
        result = await client.call_tool(
            "search_transcripts", {"query": "refund", "max_calls": calls, "max_chars": 4_000}
        )
        elapsed = time.perf_counter() - started
    text = text_of(result)
    if result.is_error or f"Scanned calls 1–{calls:,} of {calls:,}" not in text:
        raise RuntimeError(f"the search did not read all {calls} calls:\n{text[:600]}")
    paths = logged_paths(base_url)
    return elapsed, len(paths), sum(1 for path in paths if path != "/api/calls")


async def bare_run(base_url: str, calls: int) -> tuple[float, int]:
    """The same requests from a bare httpx2 loop (no models, cache, redaction or MCP):
    how fast this sandbox server can answer them at this concurrency."""
    logged_paths(base_url)
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    headers = {"X-API-Key": SANDBOX_API_KEY}
    async with httpx2.AsyncClient(base_url=base_url, headers=headers) as http:
        started = time.perf_counter()

        async def messages(call_id: str) -> None:
            async with limiter:
                path = f"/api/calls/{call_id}/messages"
                response = await http.get(path, params={"mode": "in_call", "pageSize": "200"})
                response.json()

        async with anyio.create_task_group() as group:
            cursor: str | None = None
            while True:
                params = {"pageSize": "200", **({"cursor": cursor} if cursor else {})}
                page = (await http.get("/api/calls", params=params)).json()
                for call in page["results"][:calls]:
                    group.start_soon(messages, call["callId"])
                if not page["next"]:
                    break
                cursor = parse_qs(urlsplit(page["next"]).query)["cursor"][0]
        elapsed = time.perf_counter() - started
    return elapsed, len(logged_paths(base_url))


def run(quick: bool = False, repetitions: int = 3) -> Outcome:
    calls = 60 if quick else CALLS
    reps = 1 if quick else repetitions
    colds: list[float] = []
    warms: list[float] = []
    bares: list[float] = []
    bare_requests = 0
    cold_requests = warm_requests = warm_per_call = 0
    with sandbox_process(_serve, calls, LATENCY) as served, frozen_like_the_server():
        base_url = str(served)
        for _ in range(reps):
            with tempfile.TemporaryDirectory() as tmp:
                cache = Path(tmp)
                cold, cold_requests, _ = anyio.run(one_run, base_url, cache, calls)
                warm, warm_requests, warm_per_call = anyio.run(one_run, base_url, cache, calls)
            colds.append(cold)
            warms.append(warm)
            bare, bare_requests = anyio.run(bare_run, base_url, calls)
            bares.append(bare)
    cold = statistics.median(colds)
    warm = statistics.median(warms)
    bare = statistics.median(bares)
    ideal = cold_requests * LATENCY / CONCURRENCY
    ratio = cold / ideal
    notes = [
        machine_line(),
        f"audit: {calls} ended calls, {LATENCY * 1000:.0f} ms latency per request, "
        f"concurrency {CONCURRENCY}, median of {reps} run(s) with a fresh cache each",
        f"cold search: {cold:.2f} s for {cold_requests} requests; ideal "
        f"{cold_requests} × {LATENCY:.3f} / {CONCURRENCY} = {ideal:.2f} s; "
        f"ratio {ratio:.2f}x (goal <= {GOAL}x) {'OK' if ratio <= GOAL else 'MISSED'}",
        f"bare httpx2 loop, same server and concurrency: {bare:.2f} s for {bare_requests} "
        f"requests ({bare / ideal:.2f}x ideal); our cold search / bare loop: {cold / bare:.2f}x",
        f"warm search (same query again): {warm:.2f} s, {warm_requests} requests, "
        f"{warm_per_call} of them for ended calls (goal 0) "
        f"{'OK' if warm_per_call == 0 else 'MISSED'}",
        f"cold runs: {', '.join(f'{c:.2f}' for c in colds)} s; "
        f"warm runs: {', '.join(f'{w:.2f}' for w in warms)} s; "
        f"bare runs: {', '.join(f'{b:.2f}' for b in bares)} s",
    ]
    rows = [
        Row(
            "audit cold search",
            f"{cold:.2f} s = {ratio:.2f}x ideal ({cold_requests} req)",
            f"<= {GOAL}x",
            ratio <= GOAL,
        ),
        Row(
            "audit warm search",
            f"{warm_per_call} per-call requests ({warm_requests} in all), {warm:.2f} s",
            "0 per-call",
            warm_per_call == 0,
        ),
    ]
    numbers = {
        "cold_seconds": cold,
        "ideal_seconds": ideal,
        "cold_requests": float(cold_requests),
        "bare_seconds": bare,
        "warm_requests": float(warm_requests),
        "warm_per_call_requests": float(warm_per_call),
    }
    return Outcome(rows=rows, notes=notes, numbers=numbers)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    print_outcome(run(repetitions=args.repetitions))


if __name__ == "__main__":
    main()
