"""Hostile regex benchmark: search_transcripts with patterns that backtrack for minutes in
Python's re, over calls holding a 30,000-character message of repeated letters, while
another session of the same server keeps calling list_calls.

The sandbox (real HTTP on loopback, its own process) serves the default calls with the
first message of ``LONG_CALLS`` of them replaced by 30,000 a's. One server, two
in-memory MCP sessions; the ended calls are read into the cache first (a literal
search), so what is timed is matching, not fetching:

- answer time of each hostile search (goal <= 5 s each);
- list_calls latency in the other session while the hostile searches run, against the
  same call made while the server is idle: median ratio (goal <= 2).

Run:  .venv/bin/python benchmarks/hostile_regex.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    Outcome,
    Row,
    frozen_like_the_server,
    machine_line,
    print_outcome,
    sandbox_process,
    sandbox_settings,
    serve_until_told,
    text_of,
)
from mcp import Client
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import SandboxData, create_app, run_loopback
from ultravox_calls_mcp.sandbox import generate_dataset as dataset

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

LONG_CHARS = 30_000
LONG_CALLS = 8
ANSWER_GOAL = 5.0  # seconds
RATIO_GOAL = 2.0
PATTERNS = [
    r"(a|aa)*b",
    r"(\w|\d)+$",
    r".*.*.*.*x",
    r"(a+)+$",
    r"((a|b|ab)*|(aa|a)*)*c",
    r"(\w*\s?)*!",
]


def long_run_dataset(long_calls: int) -> SandboxData:
    """The default calls (the 10,000-message stress call left out) with the first own
    message of ``long_calls`` single-stage ones made ``LONG_CHARS`` a's."""
    base = dataset(7)
    chosen = 0
    records = []
    for record in base.calls:
        if record.call_id == base.notable.stress_call_id:
            continue
        if chosen < long_calls and len(record.stages) == 1 and record.duration_s is not None:
            stage = record.stages[0]
            messages: list[Any] = [dict(m) for m in stage.messages]
            messages[stage.first_own]["text"] = "a" * LONG_CHARS
            record = replace(record, stages=[replace(stage, messages=messages)])
            chosen += 1
        records.append(record)
    return replace(base, calls=records)


def _serve(long_calls: int, conn: Connection) -> None:
    app = create_app(long_run_dataset(long_calls))
    with run_loopback(app) as base_url:
        serve_until_told(conn, base_url)


async def _list_calls(client: Client) -> float:
    started = time.perf_counter()
    result = await client.call_tool("list_calls", {"page_size": 10})
    elapsed = time.perf_counter() - started
    if result.is_error:
        raise RuntimeError(f"list_calls failed: {text_of(result)[:300]}")
    return elapsed


async def measure(
    base_url: str, cache_dir: Path, patterns: list[str], idle_samples: int
) -> dict[str, Any]:
    server = build_server(sandbox_settings(base_url, cache_dir=cache_dir))
    async with Client(server) as searcher, Client(server) as lister:
        warm = await searcher.call_tool("search_transcripts", {"query": "aaaa"})
        # Each planted message is longer than the searched prefix, and the result says so.
        if warm.is_error or text_of(warm).count("searched only the first") < LONG_CALLS:
            raise RuntimeError(f"the long messages were not found:\n{text_of(warm)[:600]}")
        idle = [await _list_calls(lister) for _ in range(idle_samples)]
        answers, busy = await _while_searching(searcher, lister, patterns, regex=True)
        # The same number of plain-text searches: what any search costs the other session.
        _, literal = await _while_searching(searcher, lister, ["aaaa"] * len(patterns))
    return {"idle": idle, "busy": busy, "answers": answers, "literal": literal}


async def _while_searching(
    searcher: Client, lister: Client, queries: list[str], *, regex: bool = False
) -> tuple[list[float], list[float]]:
    """(answer time of each search, list_calls latencies in the other session meanwhile)."""
    answers: list[float] = []
    busy: list[float] = []
    done = anyio.Event()

    async def searches() -> None:
        for query in queries:
            started = time.perf_counter()
            result = await searcher.call_tool(
                "search_transcripts", {"query": query, "regex": regex}
            )
            answers.append(time.perf_counter() - started)
            if result.is_error or "matching messages." not in text_of(result):
                raise RuntimeError(f"{query!r} did not answer:\n{text_of(result)[:600]}")
        done.set()

    async def keep_listing() -> None:
        while not done.is_set() or not busy:
            busy.append(await _list_calls(lister))

    async with anyio.create_task_group() as group:
        group.start_soon(searches)
        group.start_soon(keep_listing)
    return answers, busy


def run(quick: bool = False) -> Outcome:
    patterns = PATTERNS[:2] if quick else PATTERNS
    with (
        sandbox_process(_serve, LONG_CALLS) as served,
        tempfile.TemporaryDirectory() as tmp,
        frozen_like_the_server(),
    ):
        figures = anyio.run(measure, str(served), Path(tmp), patterns, 5 if quick else 30)
    idle = statistics.median(figures["idle"])
    busy = statistics.median(figures["busy"])
    answers: list[float] = figures["answers"]
    slowest = max(answers)
    ratio = busy / idle
    literal_ratio = statistics.median(figures["literal"]) / idle
    ok = slowest <= ANSWER_GOAL and ratio <= RATIO_GOAL
    notes = [
        machine_line(),
        f"hostile regex: {len(patterns)} patterns over {LONG_CALLS} calls with a "
        f"{LONG_CHARS:,}-char message of repeated letters (ended calls cached first)",
        *(f"  {p!r}: answered in {t:.3f} s" for p, t in zip(patterns, answers, strict=True)),
        f"list_calls in another session: idle median {idle * 1000:.1f} ms "
        f"({len(figures['idle'])} calls); during the searches median {busy * 1000:.1f} ms, "
        f"max {max(figures['busy']) * 1000:.1f} ms ({len(figures['busy'])} calls); "
        f"ratio {ratio:.2f}x (goal <= {RATIO_GOAL}x)",
        f"for comparison, during as many plain-text searches of the same calls: "
        f"{literal_ratio:.2f}x idle (what any search costs the other session)",
    ]
    row = Row(
        "hostile regex",
        f"slowest answer {slowest:.2f} s; list_calls {ratio:.2f}x idle",
        f"answer <= {ANSWER_GOAL:g} s, ratio <= {RATIO_GOAL:g}",
        ok,
    )
    numbers = {
        "slowest_answer_seconds": slowest,
        "idle_list_calls_seconds": idle,
        "busy_list_calls_seconds": busy,
        "latency_ratio": ratio,
        "literal_latency_ratio": literal_ratio,
    }
    return Outcome(rows=[row], notes=notes, numbers=numbers)


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
