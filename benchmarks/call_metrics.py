"""Call metrics cost only the messages they read, and nothing noticeable in an audit.

- get_call_metrics on a 2,500-message call: upstream requests, counted by the loopback
  sandbox. Goal: the call itself plus ceil(N / 200) message pages, nothing else (no stage
  list, no page twice).
- find_problem_calls (its timing kinds included) over 300 ended calls, the cache warm:
  per-call upstream requests (goal 0), and the tool's wall time against the same scan
  without the timing kinds (as the tool was before them: no ``timing`` part read, no
  timing groups), both run by the same server in this run, back to back in 11 pairs
  (which goes first alternating): ratio = the median of the pairs' with / without.
  Goal <= 1.1x. The note gives the fastest of each too, and, for scale, what
  working the metrics out from the messages would add (time lines built for the very
  calls read): the warm scan reads each call's timing facts from the cache.

Run:  .venv/bin/python -m benchmarks.call_metrics
"""

from __future__ import annotations

import gc
import math
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio

from benchmarks.audit import big_dataset
from benchmarks.common import (
    Outcome,
    Row,
    connect,
    frozen_like_the_server,
    print_outcome,
    text_of,
)
from ultravox_calls_mcp.api.models import Call, Message
from ultravox_calls_mcp.audit import problems
from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.timing import call_metrics
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.tools import aggregates
from ultravox_calls_mcp.metrics import Thresholds
from ultravox_calls_mcp.sandbox import SandboxData, create_app, run_loopback
from ultravox_calls_mcp.sandbox import generate_dataset as dataset

MESSAGES = 2_500
RATIO_GOAL = 1.1


def long_call_dataset(messages: int) -> tuple[SandboxData, str]:
    """The default data with the stress call's one stage cut to ``messages`` messages."""
    base = dataset(7)
    call_id = base.notable.stress_call_id
    records = []
    for record in base.calls:
        if record.call_id == call_id:
            stage = record.stages[0]
            kept = list(stage.messages[: stage.first_own + messages])
            record = replace(record, stages=[replace(stage, messages=kept)])
        records.append(record)
    return replace(base, calls=records), call_id


async def _metrics_requests(quick: bool) -> dict[str, float]:
    data, call_id = long_call_dataset(MESSAGES)
    app = create_app(data)
    with run_loopback(app) as base_url:
        async with connect(base_url, cache_enabled=False) as client:
            app.state.requests.clear()
            result = await client.call_tool("get_call_metrics", {"call_id": call_id})
            if result.is_error:
                raise RuntimeError(text_of(result)[:300])
    paths = [r.path for r in app.state.requests]
    pages = sum(p.endswith("/messages") for p in paths)
    return {"message_pages": pages, "other_requests": len(paths) - pages}


def _loaded(data: SandboxData) -> list[CallData]:
    """The calls as an audit holds them: each with its in-call messages."""
    out = []
    for record in data.calls:
        messages = [
            Message.model_validate(m)
            for stage in record.stages
            for m in stage.messages[stage.first_own :]
        ]
        out.append(CallData(call=Call.model_validate(record.call), messages=messages))
    return out


@contextmanager
def _without_timing_kinds() -> Iterator[None]:
    """find_problem_calls as it was before the timing kinds: messages and events only."""
    swaps = {
        (aggregates, "PROBLEM_PARTS"): frozenset({"messages", "events"}),
        (problems, "_timing_groups"): lambda calls, thresholds: [],
    }
    saved = {key: getattr(*key) for key in swaps}  # fails loudly if a name has moved
    for (module, name), value in swaps.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


async def _scan(quick: bool) -> dict[str, float]:
    calls = 60 if quick else 300
    data = big_dataset(calls)
    app = create_app(data)
    runs = 1 if quick else 11
    with tempfile.TemporaryDirectory() as tmp, run_loopback(app) as base_url:
        async with connect(base_url, cache_dir=Path(tmp)) as client:
            arguments = {"max_calls": calls, "max_chars": 200_000}
            await client.call_tool("find_problem_calls", arguments)  # fills the cache
            app.state.requests.clear()
            walls: dict[bool, list[float]] = {True: [], False: []}
            with frozen_like_the_server():
                for run in range(runs):
                    # Which goes first alternates, so neither always follows the other.
                    for timing in (True, False) if run % 2 == 0 else (False, True):
                        gc.collect()
                        started = time.perf_counter()
                        if timing:
                            result = await client.call_tool("find_problem_calls", arguments)
                        else:
                            with _without_timing_kinds():
                                plain = await client.call_tool("find_problem_calls", arguments)
                        walls[timing].append(time.perf_counter() - started)
            if result.is_error or "slow responses" not in text_of(result):
                raise RuntimeError(text_of(result)[:300])
            if plain.is_error or "slow responses" in text_of(plain):
                raise RuntimeError("the scan without the timing kinds still had them")
    per_call = sum("/api/calls/" in r.path for r in app.state.requests)
    loaded = _loaded(data)
    thresholds = Thresholds()
    spent = []
    with frozen_like_the_server():
        for _ in range(runs):
            gc.collect()
            started = time.perf_counter()
            for item in loaded:
                call_metrics(item, thresholds)
            spent.append(time.perf_counter() - started)
    with_timing, without = min(walls[True]), min(walls[False])
    # Each run's pair ran back to back: the median of their ratios cancels the machine's
    # slower and faster spells, which the fastest of each alone does not (other work on a
    # shared machine can slow every run of one kind in a stretch).
    paired = statistics.median(a / b for a, b in zip(walls[True], walls[False], strict=True))
    return {
        "calls": calls,
        "runs": runs,
        "per_call_requests": per_call,
        "scan_seconds": with_timing,
        "plain_seconds": without,
        "metrics_seconds": min(spent),
        "fastest_ratio": with_timing / without,
        "ratio": paired,
    }


def run(quick: bool = False) -> Outcome:
    counts = anyio.run(_metrics_requests, quick)
    scan = anyio.run(_scan, quick)
    pages_goal = math.ceil(MESSAGES / MAX_PAGE_SIZE)
    rows = [
        Row(
            f"get_call_metrics, {MESSAGES:,}-message call: requests",
            f"{counts['message_pages']:.0f} message pages + {counts['other_requests']:.0f} other",
            f"{pages_goal} pages + 1 (the call)",
            counts["message_pages"] == pages_goal and counts["other_requests"] == 1,
        ),
        Row(
            f"find_problem_calls with timing, {scan['calls']:.0f} cached calls: per-call requests",
            f"{scan['per_call_requests']:.0f}",
            "0",
            scan["per_call_requests"] == 0,
        ),
        Row(
            f"find_problem_calls with timing vs without, {scan['calls']:.0f} cached calls",
            f"{scan['ratio']:.3f}x",
            f"<= {RATIO_GOAL}x",
            scan["ratio"] <= RATIO_GOAL,
        ),
    ]
    notes: list[Any] = [
        f"call metrics: find_problem_calls over {scan['calls']:.0f} cached calls "
        f"{scan['scan_seconds'] * 1000:.0f} ms with the timing kinds, "
        f"{scan['plain_seconds'] * 1000:.0f} ms without (fastest of {scan['runs']:.0f} each: "
        f"{scan['fastest_ratio']:.3f}x; the row's ratio is the median of the pairs); "
        f"working the metrics out from the messages instead of the cached facts would add "
        f"{scan['metrics_seconds'] * 1000:.1f} ms",
    ]
    return Outcome(rows, notes, {**counts, **scan})


if __name__ == "__main__":
    print_outcome(run())
