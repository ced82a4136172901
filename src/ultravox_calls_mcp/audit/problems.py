"""Which calls had problems, grouped by kind: pure functions over loaded call data.

Kinds, in the order they are reported:
- failed tool calls: tool results that carry ``errorDetails``;
- end reasons that mean the call went wrong (``PROBLEM_END_REASONS``);
- error events and warning events, by event type;
- voice timing (metrics/): slow responses (a turn over the slow threshold), barge-ins and
  talk-over, dead air;
- duration outliers among joined, ended calls, by Tukey's fences (1.5 × IQR beyond the
  quartiles), when at least ``MIN_FOR_OUTLIERS`` durations are known.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.timing import facts_of
from ultravox_calls_mcp.metrics import Thresholds
from ultravox_calls_mcp.render.calls import call_duration_seconds
from ultravox_calls_mcp.render.fmt import plain
from ultravox_calls_mcp.render.transcript import TOOL_RESULT, role_of

PROBLEM_END_REASONS: Final = ("system_error", "connection_error", "timeout", "unjoined")
MIN_FOR_OUTLIERS: Final = 8
_FENCE: Final = 1.5


@dataclass
class ProblemGroup:
    """One kind of problem: the calls that had it (scan order) and how often it occurred."""

    kind: str
    detail: str = ""
    occurrences: int = 0
    # A short note per call, e.g. the tools that failed or the duration.
    notes: dict[str, str] = field(default_factory=dict)
    _calls: dict[str, None] = field(default_factory=dict)  # an ordered set

    @property
    def call_ids(self) -> list[str]:
        return list(self._calls)

    def add(self, call_id: str, times: int = 1, note: str | None = None) -> None:
        self._calls[call_id] = None
        self.occurrences += times
        if note:
            self.notes[call_id] = note


@dataclass(frozen=True)
class Fences:
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class ProblemReport:
    groups: list[ProblemGroup]
    checked: int  # ended calls looked at
    live: int  # calls skipped because they are still live
    fences: Fences | None


def find_problems(calls: Sequence[CallData], thresholds: Thresholds | None = None) -> ProblemReport:
    ended = [data for data in calls if not data.call.is_live]
    tools = ProblemGroup("failed tool calls (errorDetails)")
    timing = _timing_groups(ended, thresholds or Thresholds())
    reasons = {reason: ProblemGroup("end reason", reason) for reason in PROBLEM_END_REASONS}
    errors: dict[str, ProblemGroup] = {}
    warnings: dict[str, ProblemGroup] = {}
    for data in ended:
        cid = data.call.call_id
        failed = [
            plain(m.tool_name, 40) or "?"
            for m in data.messages or ()
            if role_of(m) == TOOL_RESULT and m.error_details
        ]
        if failed:
            tools.add(cid, len(failed), ", ".join(sorted(set(failed))))
        reason = data.call.end_reason
        if reason in reasons:
            reasons[reason].add(cid)
        for event in data.events or ():
            severity = (event.severity or "").lower()
            table = errors if severity == "error" else warnings if severity == "warning" else None
            if table is None:
                continue
            kind = plain(event.type, 60) or "event"
            label = "error events" if table is errors else "warning events"
            table.setdefault(kind, ProblemGroup(label, kind)).add(cid)
    groups = [tools, *timing, *reasons.values()]
    groups += sorted(errors.values(), key=lambda g: (-len(g.call_ids), g.detail))
    groups += sorted(warnings.values(), key=lambda g: (-len(g.call_ids), g.detail))
    outliers, fences = _duration_outliers(ended)
    groups += outliers
    return ProblemReport(
        groups=[g for g in groups if g.occurrences],
        checked=len(ended),
        live=len(calls) - len(ended),
        fences=fences,
    )


def _timing_groups(calls: Sequence[CallData], thresholds: Thresholds) -> list[ProblemGroup]:
    slow_limit, dead_limit = thresholds.slow_response_seconds, thresholds.dead_air_seconds
    slow = ProblemGroup("slow responses", f"> {slow_limit:g} s")
    interrupted = ProblemGroup("barge-ins / talk-over")
    dead = ProblemGroup("dead air", f">= {dead_limit:g} s")
    for data in calls:
        if not data.messages:
            continue
        cid = data.call.call_id
        facts = facts_of(data)  # cached with the call: no time line per call per audit
        slow_turns = facts.slow(slow_limit)
        if slow_turns and facts.slowest is not None:
            latency, stage, index = facts.slowest
            slow.add(cid, slow_turns, f"max {latency:.2f} s at stage {stage} #{index}")
        barge, over = facts.barge_ins, facts.talk_overs
        if barge or over:
            interrupted.add(cid, barge + over, f"{barge} barge-in, {over} talk-over")
        longest = facts.longest_dead_air(dead_limit)
        if longest is not None:
            _, seconds, stage, after = longest
            count = len(facts.dead_air(dead_limit))
            dead.add(cid, count, f"longest {seconds:.1f} s, stage {stage} after #{after}")
    return [slow, interrupted, dead]


def _duration_outliers(calls: Sequence[CallData]) -> tuple[list[ProblemGroup], Fences | None]:
    durations: list[tuple[str, float]] = []
    for data in calls:
        if data.call.joined is None or data.call.end_reason == "unjoined":
            continue
        seconds = call_duration_seconds(data.call)
        if seconds is not None:
            durations.append((data.call.call_id, seconds))
    if len(durations) < MIN_FOR_OUTLIERS:
        return [], None
    q1, _, q3 = statistics.quantiles([d for _, d in durations], n=4, method="inclusive")
    spread = q3 - q1
    fences = Fences(max(0.0, q1 - _FENCE * spread), q3 + _FENCE * spread, len(durations))
    long = ProblemGroup("long duration", f"> {fences.high:.1f} s")
    short = ProblemGroup("short duration", f"< {fences.low:.1f} s")
    for cid, seconds in sorted(durations, key=lambda d: -d[1]):
        if seconds > fences.high:
            long.add(cid, note=f"{seconds:.1f} s")
    for cid, seconds in sorted(durations, key=lambda d: d[1]):
        if seconds < fences.low:
            short.add(cid, note=f"{seconds:.1f} s")
    return [long, short], fences
