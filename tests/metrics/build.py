"""Hand-built messages for the metrics tests: times in seconds, written as the API writes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.metrics import (
    CallMetrics,
    Thresholds,
    compute_metrics,
    timeline_from_stages,
)

ROLES = {
    "user": "MESSAGE_ROLE_USER",
    "agent": "MESSAGE_ROLE_AGENT",
    "call": "MESSAGE_ROLE_TOOL_CALL",
    "result": "MESSAGE_ROLE_TOOL_RESULT",
}


def _span(start: float | None, end: float | None) -> dict[str, str]:
    span: dict[str, str] = {}
    if start is not None:
        span["start"] = f"{start:.3f}s"
    if end is not None:
        span["end"] = f"{end:.3f}s"
    return span


def msg(
    role: str,
    start: float | None = None,
    end: float | None = None,
    *,
    wall: tuple[float | None, float | None] | None = None,
    index: int | None = None,
    tool: str | None = None,
    inv: str | None = None,
    error: str | None = None,
    text: str = "",
) -> Message:
    """``start``/``end`` go to the input-audio ``timespan``; ``wall`` to ``wallClockTimespan``."""
    wire: dict[str, Any] = {"role": ROLES.get(role, role), "text": text}
    if start is not None or end is not None:
        wire["timespan"] = _span(start, end)
    if wall is not None:
        wire["wallClockTimespan"] = _span(*wall)
    for key, value in (
        ("callStageMessageIndex", index),
        ("toolName", tool),
        ("invocationId", inv),
        ("errorDetails", error),
    ):
        if value is not None:
            wire[key] = value
    return Message.model_validate(wire)


def metrics_of(*stages: Sequence[Message], thresholds: Thresholds | None = None) -> CallMetrics:
    """Stages numbered from 1, with ids ``stage-1``, ``stage-2``, …"""
    timeline = timeline_from_stages([(f"stage-{n}", list(m)) for n, m in enumerate(stages, 1)])
    return compute_metrics(timeline, thresholds)


def scenario_stages() -> list[list[Message]]:
    """A two-stage call with one of everything (the numbers are worked out in
    ``tests/metrics/test_export.py``): a slow turn after a failed tool, a barge-in, a
    talk-over, a long silent tool wait, carried-over messages and 12 s of dead air."""
    return [
        [
            msg("agent", 0.5, 2.0, index=0, text="Hello"),
            msg("user", 3.0, 5.0, index=1),
            msg("call", 5.25, 5.5, tool="lookupPatient", inv="i1", index=2),
            msg("result", 7.5, 7.75, inv="i1", index=3, error="HTTP 500"),
            msg("agent", 8.0, 10.0, index=4),  # 3.0 s after the user, after the failed tool
            msg("user", 9.5, 11.0, index=5),  # barges in: 0.5 s over agent #4
            msg("agent", 11.5, 13.0, index=6),  # 0.5 s
            msg("user", 14.0, 16.0, index=7),
            msg("agent", 15.5, 17.0, index=8),  # talks over: −0.5 s
            msg("user", 18.0, 19.0, index=9),
            msg("call", 19.5, 19.75, tool="bookSlot", inv="i2", index=10),
            msg("result", 25.5, 25.75, inv="i2", index=11),  # a 6.25 s silent wait
            msg("agent", 26.0, 28.0, index=12),  # 7.0 s
        ],
        [
            msg("agent", index=0, text="Hello"),  # carried over, untimed
            msg("user", index=1),
            msg("agent", 29.0, 30.0, index=2),  # no user since the last reply: not a turn
            msg("user", 31.0, 32.0, index=3),
            msg("agent", 44.0, 45.0, index=4),  # 12.0 s, all of it dead air
        ],
    ]


def scenario() -> CallMetrics:
    return metrics_of(*scenario_stages())
