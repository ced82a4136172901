"""Call metrics are linear in the number of messages.

``get_call_metrics`` and the timing kinds of ``find_problem_calls`` compute metrics over
whole calls (a stress call holds 10,000 messages), so a scan that went quadratic would
show there first. This times ``timeline_from_stages`` + ``compute_metrics`` (every metric
read, as get_call_metrics reads them) at n and 4n messages, side by side in one run, for
shapes that stress different passes: an ordinary conversation with tools, speech that
overlaps all the time (barge-ins, talk-overs), tool calls that stay pending across many
turns, and one stage per few messages. Linear work reads ~4x, quadratic ~16x. Goal: the
worst shape <= 5x.

Two things keep the ratio about the code rather than the machine. The heap is frozen as
the server freezes its own (``frozen_like_the_server``) and collected before each run:
otherwise a full collection, due by threshold at some point in the process's life, lands
in the 4n run only and bills it for walking every object in the process. And each size
reports its fastest run: on a shared machine other work only ever adds time.

Run:  .venv/bin/python -m benchmarks.metrics_scaling
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.common import Outcome, frozen_like_the_server, print_outcome, scaling_outcome
from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.metrics import compute_metrics, timeline_from_stages

GOAL = 5.0
Stages = list[tuple[str, list[Message]]]


def _message(role: str, start: float, end: float, index: int, **extra: Any) -> Message:
    return Message.model_validate(
        {
            "role": f"MESSAGE_ROLE_{role}",
            "text": "x",
            "callStageMessageIndex": index,
            "timespan": {"start": f"{start:.3f}s", "end": f"{end:.3f}s"},
            "wallClockTimespan": {"start": f"{start + 0.1:.3f}s", "end": f"{end + 0.1:.3f}s"},
            **extra,
        }
    )


def _conversation(n: int) -> Stages:
    """user, tool call, result, agent — with a long silence every tenth round."""
    messages: list[Message] = []
    clock = 0.0
    while len(messages) < n:
        i, k = len(messages), len(messages) // 4
        inv = {"invocationId": f"i{k}", "toolName": f"tool{k % 7}"}
        messages += [
            _message("USER", clock, clock + 2.0, i),
            _message("TOOL_CALL", clock + 2.2, clock + 2.3, i + 1, **inv),
            _message("TOOL_RESULT", clock + 3.1, clock + 3.2, i + 2, **inv),
            _message("AGENT", clock + 3.4, clock + 6.0, i + 3),
        ]
        clock += 7.0 + (12.0 if k % 10 == 9 else 0.0)
    return [("stage", messages[:n])]


def _overlapping(n: int) -> Stages:
    """Every message starts before the previous one ends."""
    roles = ("AGENT", "USER")
    return [("stage", [_message(roles[i % 2], i * 1.0, i * 1.0 + 2.5, i) for i in range(n)])]


def _pending_tools(n: int) -> Stages:
    """Tool calls whose results come many turns later: waits overlap many silences."""
    messages: list[Message] = []
    for i in range(n):
        t = i * 3.0
        if i % 3 == 0:
            inv = {"invocationId": f"i{i}", "toolName": "slow"}
            messages.append(_message("TOOL_CALL", t, t + 0.1, i, **inv))
        elif i % 3 == 1 and i >= 30:
            inv = {"invocationId": f"i{i - 31}", "toolName": "slow"}
            messages.append(_message("TOOL_RESULT", t, t + 0.1, i, **inv))
        else:
            messages.append(_message("USER" if i % 2 else "AGENT", t, t + 1.0, i))
    return [("stage", messages)]


def _many_stages(n: int) -> Stages:
    """A stage every eight messages, each carrying the previous four over untimed."""
    flat = _conversation(n)[0][1]
    stages: Stages = []
    for s in range(0, n, 8):
        carried = [
            m.model_copy(update={"timespan": None, "wall_clock_timespan": None})
            for m in flat[max(0, s - 4) : s]
        ]
        stages.append((f"stage-{s // 8}", carried + flat[s : s + 8]))
    return stages


SHAPES: dict[str, Callable[[int], Stages]] = {
    "conversation": _conversation,
    "overlapping": _overlapping,
    "pending tools": _pending_tools,
    "many stages": _many_stages,
}


def _compute(stages: Sequence[tuple[str, Sequence[Message]]]) -> list[object]:
    # Every metric, as get_call_metrics reads them: those worked out on first read too.
    metrics = compute_metrics(timeline_from_stages(stages))
    read: list[object] = [metrics.talk_share, metrics.tool_waits, metrics.tool_latency]
    return [*read, metrics.tool_uses, *(turn.tools for turn in metrics.turns)]


def _seconds(stages: Stages) -> float:
    gc.collect()  # the previous run's garbage is not this run's cost
    started = time.perf_counter()
    _compute(stages)
    return time.perf_counter() - started


def run(quick: bool = False) -> Outcome:
    """``quick``: 500 and 2,000 messages, one repetition."""
    size = 500 if quick else 2_500  # 4x: the sandbox stress call's 10,000 messages
    repetitions = 1 if quick else 9
    ratios: dict[str, float] = {}
    notes = [f"metrics scaling: timeline + compute_metrics at {size:,} and {4 * size:,} messages"]
    for name, build in SHAPES.items():
        small, large = build(size), build(4 * size)
        _compute(small)  # warm up: first use fills caches
        small_times, large_times = [], []
        with frozen_like_the_server():
            for _ in range(repetitions):  # interleaved, so drift hits both sizes alike
                small_times.append(_seconds(small))
                large_times.append(_seconds(large))
        t_small, t_large = min(small_times), min(large_times)
        ratios[name] = t_large / t_small if t_small else float("inf")
        notes.append(
            f"  {name:<13} {t_small * 1000:7.1f} ms → {t_large * 1000:7.1f} ms "
            f"({ratios[name]:.1f}x for 4x the messages)"
        )
    return scaling_outcome(
        "metrics computation linear in messages",
        ratios,
        notes,
        goal=GOAL,
        measured=" for 4x messages",
    )


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
