"""Aggregates over calls, grouped by agent, end reason or day: pure functions.

Per group: calls, live calls, duration percentiles (joined, ended calls only: an
unjoined call's zero would drag every percentile down), the end-reason mix, and the tool
failure rate (tool results with ``errorDetails`` over tool calls made), and voice timing:
response latency p50/p90 over every turn of the group's calls, barge-ins (talk-over
included) and dead-air stretches per call with timed messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.timing import facts_of
from ultravox_calls_mcp.audit.timing_facts import TimingFacts
from ultravox_calls_mcp.metrics import Thresholds, percentile
from ultravox_calls_mcp.render.calls import call_duration_seconds
from ultravox_calls_mcp.render.fmt import plain
from ultravox_calls_mcp.render.transcript import TOOL_CALL, TOOL_RESULT, role_of

GroupBy = Literal["agent", "end_reason", "day"]


@dataclass
class GroupStats:
    key: str
    label: str
    calls: int = 0
    live: int = 0
    durations: list[float] = field(default_factory=list)
    end_reasons: Counter[str] = field(default_factory=Counter)
    tool_calls: int = 0
    tool_failures: int = 0
    latencies: list[float] = field(default_factory=list)
    timed_calls: int = 0
    interruptions: int = 0
    dead_air: int = 0

    def add(
        self, data: CallData, facts: TimingFacts | None = None, limits: Thresholds | None = None
    ) -> None:
        """``facts``: the call's voice timing, read once for all groups it joins."""
        call = data.call
        self.calls += 1
        if call.is_live:
            self.live += 1
        else:
            self.end_reasons[plain(call.end_reason, 40) or "unknown"] += 1
            seconds = call_duration_seconds(call)
            if seconds is not None and call.joined is not None:
                self.durations.append(seconds)
        for message in data.messages or ():
            role = role_of(message)
            if role == TOOL_CALL:
                self.tool_calls += 1
            elif role == TOOL_RESULT and message.error_details:
                self.tool_failures += 1
        if facts is not None and facts.timed:
            self.timed_calls += 1
            self.latencies += facts.latencies
            self.interruptions += facts.barge_ins + facts.talk_overs
            self.dead_air += len(facts.dead_air((limits or Thresholds()).dead_air_seconds))

    def percentile(self, share: float) -> float | None:
        """Nearest-rank percentile of the durations; None without any."""
        return percentile(sorted(self.durations), round(share * 100, 9))

    def latency(self, share: float) -> float | None:
        """Nearest-rank percentile of the response latency over every turn."""
        return percentile(sorted(self.latencies), round(share * 100, 9))

    def per_timed_call(self, count: int) -> float | None:
        return count / self.timed_calls if self.timed_calls else None

    @property
    def failure_rate(self) -> float | None:
        return self.tool_failures / self.tool_calls if self.tool_calls else None


def _key(data: CallData, group_by: GroupBy) -> tuple[str, str]:
    call = data.call
    if group_by == "end_reason":
        reason = "live" if call.is_live else (plain(call.end_reason, 40) or "unknown")
        return reason, reason
    if group_by == "day":
        day = call.created.date().isoformat() if call.created else "unknown"
        return day, day
    agent_id = call.agent_id or (call.agent.agent_id if call.agent else None)
    name = plain(call.agent.name if call.agent else None, 60)
    key = plain(agent_id, 64) or "no agent"
    return key, f"{name} ({key})" if name else key


def summarize(
    calls: Sequence[CallData], group_by: GroupBy, thresholds: Thresholds | None = None
) -> tuple[GroupStats, list[GroupStats]]:
    """(all calls together, one entry per group). Agents and end reasons come busiest
    first; days in calendar order."""
    overall = GroupStats("all", "all calls")
    groups: dict[str, GroupStats] = {}
    limits = thresholds or Thresholds()
    for data in calls:
        facts = facts_of(data) if data.messages else None
        overall.add(data, facts, limits)
        key, label = _key(data, group_by)
        groups.setdefault(key, GroupStats(key, label)).add(data, facts, limits)
    if group_by == "day":
        ordered = sorted(groups.values(), key=lambda g: g.key)
    else:
        ordered = sorted(groups.values(), key=lambda g: (-g.calls, g.key))
    return overall, ordered
