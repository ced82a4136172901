"""All the timing metrics of one call, from its time line, in one linear pass per job.

What an audit reads (latency, turns, barge-ins, talk-overs, dead air) is computed up
front; talk share and the tool tables, read only by get_call_metrics and the viewer, on
first read, so an audit of hundreds of calls does not pay for them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ultravox_calls_mcp.metrics.silence import Silence, SilenceScan, TalkShare
from ultravox_calls_mcp.metrics.stats import percentile
from ultravox_calls_mcp.metrics.thresholds import Thresholds
from ultravox_calls_mcp.metrics.timeline import StageSpan, Timeline
from ultravox_calls_mcp.metrics.tools import ToolLatency, ToolPairing, ToolUse
from ultravox_calls_mcp.metrics.turns import BargeIn, Turn, scan_turns

__all__ = ["CallMetrics", "LatencySummary", "compute_metrics"]


@dataclass(slots=True)  # not frozen: that costs a setattr per field, per call read
class LatencySummary:
    """Response latency over measured turns (nearest-rank percentiles); ``slow``: turns
    over the slow-response threshold."""

    count: int
    p50: float | None
    p90: float | None
    max: float | None
    slow: int


@dataclass(slots=True)  # not frozen: that costs a setattr per field, per call read
class CallMetrics:
    thresholds: Thresholds
    clock: str  # "wall clock", "input-audio clock", "mixed (…)" or "none"
    timed_messages: int
    untimed_messages: int
    open_ends: int  # timed messages with a start but no end
    span: tuple[float, float] | None
    stages: tuple[StageSpan, ...]
    time_to_first_word: float | None
    latency: LatencySummary
    turns: tuple[Turn, ...]  # in time-line order
    unmeasured_turns: int  # answering a user message without an end
    barge_ins: tuple[BargeIn, ...]
    talk_overs: tuple[Turn, ...]  # turns with negative latency
    dead_air: tuple[Silence, ...]
    # Where the rest comes from, on first read.
    silence_scan: SilenceScan = field(repr=False, compare=False)
    pairing: ToolPairing = field(repr=False, compare=False)

    @property
    def tool_waits(self) -> tuple[Silence, ...]:
        return self.silence_scan.tool_waits

    @property
    def talk_share(self) -> TalkShare | None:
        return self.silence_scan.talk_share

    @property
    def tool_latency(self) -> tuple[ToolLatency, ...]:
        return self.pairing.latency

    @property
    def tool_uses(self) -> tuple[ToolUse, ...]:
        return self.pairing.uses

    @property
    def slow_turns(self) -> list[Turn]:
        """Turns over the slow threshold, slowest first (earlier first on a tie)."""
        limit = self.thresholds.slow_response_seconds
        return sorted(
            (t for t in self.turns if t.latency > limit), key=lambda t: (-t.latency, t.agent_start)
        )

    @property
    def slowest_turn(self) -> Turn | None:
        return max(self.turns, key=lambda t: t.latency, default=None)

    @property
    def longest_dead_air(self) -> Silence | None:
        return max(self.dead_air, key=lambda s: s.seconds, default=None)

    @property
    def longest_tool_wait(self) -> Silence | None:
        return max(self.tool_waits, key=lambda s: s.seconds, default=None)


def compute_metrics(timeline: Timeline, thresholds: Thresholds | None = None) -> CallMetrics:
    limits = thresholds or Thresholds()
    tools = ToolPairing(timeline)
    scan = scan_turns(timeline, tools)
    latencies = scan.latencies
    silence = SilenceScan(timeline, tools, limits.dead_air_seconds)
    first_word = next((m.start for m in timeline.timed if m.role == "agent"), None)
    return CallMetrics(
        thresholds=limits,
        clock=timeline.clock,
        timed_messages=len(timeline.timed),
        untimed_messages=len(timeline.untimed),
        open_ends=timeline.open_ends,
        span=timeline.span,
        stages=timeline.stages,
        time_to_first_word=first_word,
        latency=LatencySummary(
            count=len(latencies),
            p50=percentile(latencies, 50),
            p90=percentile(latencies, 90),
            max=latencies[-1] if latencies else None,
            # Ascending: those after the last at or under the limit are over it.
            slow=len(latencies) - bisect.bisect_right(latencies, limits.slow_response_seconds),
        ),
        turns=scan.turns,
        unmeasured_turns=scan.unmeasured,
        barge_ins=scan.barge_ins,
        talk_overs=scan.talk_overs,
        dead_air=silence.dead_air,
        silence_scan=silence,
        pairing=tools,
    )
