"""Voice timing of a call from its messages: response latency, barge-ins, talk-overs,
dead air, tool waits, talk share and tool latency (issue 14). Pure: no I/O, no MCP.

    timeline = timeline_from_stages([(stage_id, messages), ...])
    metrics = compute_metrics(timeline, Thresholds(slow_response_seconds=2.0))

Definitions (seconds on the call's time line; each module's docstring has the detail):
- clock: a message's wall-clock timespan when it has start and end, else its input-audio
  timespan; messages with neither (carried-over ones) are untimed: counted, left out.
- response latency of a turn = agent start − end of the last user message before it;
  only the first agent message after a user message is a turn. p50/p90 by nearest rank.
- time to first word = start of the first timed agent message.
- barge-in: a user message starting while the latest agent message to start before it
  still plays (agent.start < user.start < agent.end); talk-over: a turn with latency < 0.
- dead air: silence (no agent or user speech) of at least ``dead_air_seconds`` outside
  any pending tool call; a tool wait: such silence while a tool call awaits its result.
- talk share: union of agent / user speech and silence, over first start → last end.
- tool latency = result start − call end, per tool name, paired by invocation id.
"""

from ultravox_calls_mcp.metrics.compute import CallMetrics, LatencySummary, compute_metrics
from ultravox_calls_mcp.metrics.export import metrics_json, viewer_json
from ultravox_calls_mcp.metrics.silence import Silence, TalkShare
from ultravox_calls_mcp.metrics.stats import percentile
from ultravox_calls_mcp.metrics.thresholds import Thresholds
from ultravox_calls_mcp.metrics.timeline import (
    PlacedMessage,
    StageSpan,
    TimedMessage,
    Timeline,
    split_by_stage,
    timeline_from_stages,
)
from ultravox_calls_mcp.metrics.tools import ToolLatency, ToolUse
from ultravox_calls_mcp.metrics.turns import BargeIn, ToolRef, Turn

__all__ = [
    "BargeIn",
    "CallMetrics",
    "LatencySummary",
    "PlacedMessage",
    "Silence",
    "StageSpan",
    "TalkShare",
    "Thresholds",
    "TimedMessage",
    "Timeline",
    "ToolLatency",
    "ToolRef",
    "ToolUse",
    "Turn",
    "compute_metrics",
    "metrics_json",
    "percentile",
    "split_by_stage",
    "timeline_from_stages",
    "viewer_json",
]
