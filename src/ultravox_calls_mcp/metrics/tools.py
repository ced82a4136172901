"""Tool calls paired with their results by invocation id, and latency per tool name.

A stage's carried-over messages repeat earlier tool calls under the same invocation id,
untimed; pairing keeps one call and one result per id, preferring the timed copy, so a
multi-stage call does not count its tools twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ultravox_calls_mcp.metrics.stats import percentile
from ultravox_calls_mcp.metrics.timeline import PlacedMessage, TimedMessage, Timeline

__all__ = ["ToolLatency", "ToolPairing", "ToolUse", "pair_tools", "tool_latency"]


@dataclass(frozen=True, slots=True)
class ToolUse:
    """One tool call and, when seen, its result. ``latency`` = result start − call end
    (None when the result, or either timing, is missing)."""

    name: str | None
    invocation_id: str | None
    call: PlacedMessage
    result: PlacedMessage | None

    @property
    def failed(self) -> bool:
        return self.result is not None and bool(self.result.message.error_details)

    @property
    def latency(self) -> float | None:
        call, result = self.call, self.result
        if not isinstance(call, TimedMessage) or not isinstance(result, TimedMessage):
            return None
        return None if call.end is None else result.start - call.end

    @property
    def wait(self) -> tuple[float, float] | None:
        """From the call's start to the result's end: the time the tool kept the call
        waiting (None unless both are timed)."""
        call, result = self.call, self.result
        if not isinstance(call, TimedMessage) or not isinstance(result, TimedMessage):
            return None
        return call.start, max(call.start, result.until)


@dataclass(frozen=True, slots=True)
class ToolLatency:
    """Per tool name. ``untimed``: results seen whose latency could not be measured."""

    name: str
    count: int
    failures: int
    no_result: int
    untimed: int
    p50: float | None
    max: float | None


def _prefer(held: PlacedMessage | None, new: PlacedMessage) -> PlacedMessage:
    if held is None or (not isinstance(held, TimedMessage) and isinstance(new, TimedMessage)):
        return new
    return held


def pair_tools(timeline: Timeline) -> list[ToolUse]:
    """Every tool call once, in time-line order (untimed calls after the timed ones).

    A call without an invocation id cannot be paired: it counts as a call with no result.
    A result whose call is nowhere to be seen is left out (there is no call to time).
    """
    messages: list[PlacedMessage] = [*timeline.timed, *timeline.untimed]
    calls: dict[str, PlacedMessage] = {}
    results: dict[str, PlacedMessage] = {}
    unpaired: list[PlacedMessage] = []
    for placed in messages:
        key = placed.message.invocation_id
        if placed.role == "toolCall":
            if key:
                calls[key] = _prefer(calls.get(key), placed)
            else:
                unpaired.append(placed)
        elif placed.role == "toolResult" and key:
            results[key] = _prefer(results.get(key), placed)
    uses: list[ToolUse] = []
    for key, call in calls.items():
        result = results.get(key)
        name = call.message.tool_name or (result.message.tool_name if result else None)
        uses.append(ToolUse(name, key, call, result))
    uses.extend(ToolUse(c.message.tool_name, None, c, None) for c in unpaired)
    # dicts keep first-seen order; a call first seen untimed but timed later moves up.
    uses.sort(key=lambda u: (0, u.call.start) if isinstance(u.call, TimedMessage) else (1, 0.0))
    return uses


def tool_latency(uses: Iterable[ToolUse]) -> list[ToolLatency]:
    """Per tool name (a call without one is ``?``), sorted by name."""
    by_name: dict[str, list[ToolUse]] = {}
    for use in uses:
        by_name.setdefault(use.name or "?", []).append(use)
    rows: list[ToolLatency] = []
    for name in sorted(by_name):
        group = by_name[name]
        latencies = sorted(x for u in group if (x := u.latency) is not None)
        answered = sum(1 for u in group if u.result is not None)
        rows.append(
            ToolLatency(
                name=name,
                count=len(group),
                failures=sum(1 for u in group if u.failed),
                no_result=len(group) - answered,
                untimed=answered - len(latencies),
                p50=percentile(latencies, 50),
                max=latencies[-1] if latencies else None,
            )
        )
    return rows


class ToolPairing:
    """A time line's tools, paired on first read: an audit reads no tool table, and dead
    air needs the tool waits only around a long silence, so most calls it reads never
    pair their tools."""

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline

    @cached_property
    def uses(self) -> tuple[ToolUse, ...]:
        return tuple(pair_tools(self._timeline))

    @cached_property
    def by_invocation(self) -> dict[str, ToolUse]:
        return {u.invocation_id: u for u in self.uses if u.invocation_id}

    @cached_property
    def latency(self) -> tuple[ToolLatency, ...]:
        return tuple(tool_latency(self.uses))
