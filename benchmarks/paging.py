"""Paging benchmark: UltravoxClient against a bare httpx2 loop, side by side, one run.

Both read the sandbox's 10,000-message stress stage over a real loopback HTTP
server at the largest page size the server grants (200). The bare loop does only
GET + json + cursor extraction (no validation, no models), so the ratio is
the price of our retries, deadline, size cap and pydantic models.

The sandbox serves from its own process, as Ultravox does; this process has its heap
frozen as the server freezes its own before serving (``cli.freeze_start_up_heap``): a
full garbage collection then walks what the reads allocate, not every module and schema
(unfrozen, one in two of our runs paid ~35 ms for it, for making more objects per
message than json.loads).

Run:  .venv/bin/python benchmarks/paging.py [--repetitions 7]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import timeit
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qs, urlsplit

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import anyio
import httpx2
from pydantic import SecretStr

from benchmarks.common import (
    Outcome,
    RequestLogRoute,
    Row,
    frozen_like_the_server,
    logged_paths,
    sandbox_process,
    serve_until_told,
)
from ultravox_calls_mcp.api import Message, UltravoxClient
from ultravox_calls_mcp.api.paging import WirePage
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, create_app, run_loopback

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

GOAL = 1.3
PAGE_SIZE = 200  # the sandbox's maximum, as configured below


async def read_with_client(base_url: str, call_id: str, stage_id: str) -> int:
    settings = Settings(api_key=SecretStr(SANDBOX_API_KEY), base_url=base_url)
    count = 0
    async with UltravoxClient(settings) as client:
        messages = client.iter_items(
            lambda c: client.list_stage_messages(call_id, stage_id, cursor=c, page_size=PAGE_SIZE)
        )
        async for _message in messages:
            count += 1
    return count


async def read_bare(base_url: str, call_id: str, stage_id: str) -> int:
    path = f"/api/calls/{call_id}/stages/{stage_id}/messages"
    count = 0
    cursor: str | None = None
    async with httpx2.AsyncClient(
        base_url=base_url, headers={"X-API-Key": SANDBOX_API_KEY}
    ) as http:
        while True:
            params = {"pageSize": str(PAGE_SIZE)}
            if cursor is not None:
                params["cursor"] = cursor
            response = await http.get(path, params=params)
            response.raise_for_status()
            body = response.json()
            count += len(body["results"])
            if not body.get("next"):
                return count
            cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]


def parse_costs(base_url: str, call_id: str, stage_id: str) -> tuple[float, float]:
    """Milliseconds to parse one full page: our models vs json.loads, without HTTP."""
    path = f"/api/calls/{call_id}/stages/{stage_id}/messages"
    with httpx2.Client(base_url=base_url, headers={"X-API-Key": SANDBOX_API_KEY}) as http:
        body = http.get(path, params={"pageSize": str(PAGE_SIZE)}).content
    page_model = WirePage[Message]
    ours = timeit.timeit(lambda: page_model.model_validate_json(body).to_page(), number=200)
    bare = timeit.timeit(lambda: json.loads(body), number=200)
    return ours / 200 * 1000, bare / 200 * 1000


def _serve(conn: Connection) -> None:
    app = create_app(max_page_size=PAGE_SIZE)
    notable = app.state.data.notable
    with run_loopback(RequestLogRoute(app, app.state.requests)) as base_url:
        serve_until_told(conn, (base_url, notable.stress_call_id, notable.stress_stage_id))


def run(quick: bool = False, repetitions: int = 7) -> Outcome:
    """Measure; ``quick`` takes one timed repetition (for the smoke test)."""
    repetitions = 1 if quick else repetitions
    ours: list[float] = []
    bare: list[float] = []
    with sandbox_process(_serve) as served, frozen_like_the_server():
        base_url, call_id, stage_id = cast(tuple[str, str, str], served)
        # One untimed pass each warms imports, validators and the connection path.
        anyio.run(read_with_client, base_url, call_id, stage_id)
        anyio.run(read_bare, base_url, call_id, stage_id)

        logged_paths(base_url)
        total = anyio.run(read_with_client, base_url, call_id, stage_id)
        our_requests = len(logged_paths(base_url))
        expected = math.ceil(total / PAGE_SIZE)

        for _ in range(repetitions):
            started = time.perf_counter()
            anyio.run(read_with_client, base_url, call_id, stage_id)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            bare_total = anyio.run(read_bare, base_url, call_id, stage_id)
            bare.append(time.perf_counter() - started)
        parse_ours, parse_bare = parse_costs(base_url, call_id, stage_id)

    ratio = statistics.median(ours) / statistics.median(bare)
    counts_ok = our_requests == expected and total == bare_total
    notes = [
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}",
        f"messages read: {total} (bare loop: {bare_total}), page size: {PAGE_SIZE}",
        f"requests by our client: {our_requests} (ceil({total}/{PAGE_SIZE}) = {expected}) "
        f"{'OK' if our_requests == expected else 'MISMATCH'}",
        f"median over {repetitions} alternating runs: client "
        f"{statistics.median(ours) * 1000:.1f} ms, bare httpx2 "
        f"{statistics.median(bare) * 1000:.1f} ms",
        f"ratio client/bare: {ratio:.2f}x (goal <= {GOAL}x) {'OK' if ratio <= GOAL else 'MISSED'}",
        f"parse only, one {PAGE_SIZE}-message page: models {parse_ours:.2f} ms, "
        f"json.loads {parse_bare:.2f} ms ({parse_ours / parse_bare:.2f}x)",
    ]
    return Outcome(
        rows=[
            Row(
                "paging: client / bare httpx2, 10,000 msgs",
                f"{ratio:.2f}x, {our_requests} requests (ceil = {expected})",
                f"<= {GOAL}x, = ceil",
                ratio <= GOAL and counts_ok,
            )
        ],
        notes=notes,
        numbers={
            "ratio": ratio,
            "requests": our_requests,
            "expected": expected,
            "counts_ok": float(counts_ok),
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=7)
    args = parser.parse_args()
    outcome = run(repetitions=args.repetitions)
    for line in outcome.notes:
        print(line)
    if not outcome.numbers["counts_ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
