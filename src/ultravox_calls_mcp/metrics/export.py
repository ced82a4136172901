"""Metrics as JSON for the call viewer (the shape in the issue 14 contract).

Seconds are rounded to milliseconds and percentages to a tenth; names that came from
upstream (tools, stage and invocation ids) are cleaned and redacted like any text we show.
"""

from __future__ import annotations

from typing import Any

from ultravox_calls_mcp.metrics.compute import CallMetrics
from ultravox_calls_mcp.metrics.silence import Silence
from ultravox_calls_mcp.metrics.timeline import TimedMessage
from ultravox_calls_mcp.render.fmt import plain

__all__ = ["metrics_json", "viewer_json"]

Json = dict[str, Any]


def _s(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _name(value: str | None) -> str | None:
    return plain(value, 200)


def _silence(piece: Silence, *, tool: bool) -> Json:
    row: Json = {
        "stage": piece.stage,
        "afterIndex": piece.after_index,
        "start": _s(piece.start),
        "end": _s(piece.end),
        "seconds": _s(piece.seconds),
    }
    if tool:
        row["tool"] = _name(piece.tool)
    return row


def metrics_json(metrics: CallMetrics) -> Json:
    """The ``metrics`` object of the viewer's JSON."""
    latency = metrics.latency
    share = metrics.talk_share
    slow = metrics.thresholds.slow_response_seconds
    return {
        "responseLatency": {
            "p50": _s(latency.p50),
            "p90": _s(latency.p90),
            "max": _s(latency.max),
            "count": latency.count,
            "slow": latency.slow,
            "unmeasured": metrics.unmeasured_turns,
        },
        "turns": [
            {
                "stage": t.stage,
                "index": t.index,
                "userEnd": _s(t.user_end),
                "agentStart": _s(t.agent_start),
                "latency": _s(t.latency),
                "slow": t.latency > slow,
                "tools": [_name(r.name) or "?" for r in t.tools],
                "failedTools": [_name(r.name) or "?" for r in t.tools if r.failed],
            }
            for t in metrics.turns
        ],
        "timeToFirstWord": _s(metrics.time_to_first_word),
        "bargeIns": [
            {"stage": b.stage, "index": b.index, "time": _s(b.time), "overlap": _s(b.overlap)}
            for b in metrics.barge_ins
        ],
        "talkOvers": [
            {
                "stage": t.stage,
                "index": t.index,
                "time": _s(t.agent_start),
                "latency": _s(t.latency),
            }
            for t in metrics.talk_overs
        ],
        "deadAir": [_silence(p, tool=False) for p in metrics.dead_air],
        "toolWaits": [_silence(p, tool=True) for p in metrics.tool_waits],
        "talkShare": None
        if share is None
        else {
            "agentSeconds": _s(share.agent_seconds),
            "userSeconds": _s(share.user_seconds),
            "silenceSeconds": _s(share.silence_seconds),
            "agentPercent": _pct(share.percent(share.agent_seconds)),
            "userPercent": _pct(share.percent(share.user_seconds)),
            "silencePercent": _pct(share.percent(share.silence_seconds)),
        },
        "toolLatency": [
            {
                "name": _name(row.name),
                "count": row.count,
                "failures": row.failures,
                "noResult": row.no_result,
                "p50": _s(row.p50),
                "max": _s(row.max),
            }
            for row in metrics.tool_latency
        ],
        "untimedMessages": metrics.untimed_messages,
    }


def viewer_json(metrics: CallMetrics) -> Json:
    """Everything of the viewer's first page that comes from the metrics: ``clock``,
    ``span``, ``thresholds``, ``stages``, ``tools`` and ``metrics``. The caller adds
    ``callId``, ``live``, ``messages`` (with redacted text), ``events`` and ``nextCursor``."""
    span = metrics.span
    tools: list[Json] = []
    for use in metrics.tool_uses:
        wait = use.wait
        call = use.call
        start = call.start if isinstance(call, TimedMessage) else None
        tools.append(
            {
                "name": _name(use.name),
                "invocationId": _name(use.invocation_id),
                "stage": call.stage,
                "callIndex": call.index,
                "resultIndex": None if use.result is None else use.result.index,
                "start": _s(start),
                "end": _s(wait[1]) if wait else None,
                "failed": use.failed,
            }
        )
    return {
        "clock": metrics.clock,
        "span": None if span is None else {"start": _s(span[0]), "end": _s(span[1])},
        "thresholds": {
            "slowResponseSeconds": metrics.thresholds.slow_response_seconds,
            "deadAirSeconds": metrics.thresholds.dead_air_seconds,
        },
        "stages": [
            {
                "number": s.number,
                "stageId": _name(s.stage_id),
                "start": _s(s.start),
                "end": _s(s.end),
            }
            for s in metrics.stages
        ],
        "tools": tools,
        "metrics": metrics_json(metrics),
    }
