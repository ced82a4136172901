"""Call metrics cost only the messages they read, and nothing noticeable in an audit.

- get_call_metrics on a 2,500-message call: upstream requests, counted by the loopback
  sandbox. Goal: the call itself plus ceil(N / 200) message pages, nothing else (no stage
  list, no page twice).
- find_problem_calls (its timing kinds included) over 300 ended calls, the cache warm:
  per-call upstream requests (goal 0), and the scan's time with the timing kinds against
  the same scan without them, measured side by side in this run as the tool's wall time
  and, on the very calls it read, the time of the metrics alone: ratio = T / (T - metrics).
  Goal <= 1.1x.

Run:  .venv/bin/python -m benchmarks.call_metrics
"""

from __future__ import annotations

import gc
import math
import tempfile
import time
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
from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.timing import call_metrics
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
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


async def _scan(quick: bool) -> dict[str, float]:
    calls = 60 if quick else 300
    data = big_dataset(calls)
    app = create_app(data)
    runs = 1 if quick else 5
    with tempfile.TemporaryDirectory() as tmp, run_loopback(app) as base_url:
        async with connect(base_url, cache_dir=Path(tmp)) as client:
            arguments = {"max_calls": calls, "max_chars": 200_000}
            await client.call_tool("find_problem_calls", arguments)  # fills the cache
            app.state.requests.clear()
            walls = []
            with frozen_like_the_server():
                for _ in range(runs):
                    gc.collect()
                    started = time.perf_counter()
                    result = await client.call_tool("find_problem_calls", arguments)
                    walls.append(time.perf_counter() - started)
            if result.is_error or "slow responses" not in text_of(result):
                raise RuntimeError(text_of(result)[:300])
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
    wall, metrics = min(walls), min(spent)
    return {
        "calls": calls,
        "per_call_requests": per_call,
        "scan_seconds": wall,
        "metrics_seconds": metrics,
        "ratio": wall / max(wall - metrics, 1e-9),
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
        f"call metrics: scan {scan['scan_seconds'] * 1000:.0f} ms, of which metrics "
        f"{scan['metrics_seconds'] * 1000:.1f} ms over {scan['calls']:.0f} calls",
    ]
    return Outcome(rows, notes, {**counts, **scan})


if __name__ == "__main__":
    print_outcome(run())
