"""Who was speaking when: talk share, dead air and silent waits on tools.

Speech is the union of agent and user messages (an open-ended message is a point: it
breaks a silence but covers no time). A *silence* is a stretch of the timed span that no
speech covers. The part of a silence during a pending tool call (the call's start to its
result's end) is a *tool wait*, reported when it lasts at least ``dead_air_seconds``. A
silence whose time outside tool waits adds up to at least ``dead_air_seconds`` is *dead
air*: reported as the stretch from its first to its last moment outside a wait, its
``seconds`` not counting the wait inside (``waited``) — a short tool call in the middle of
a long silence does not hide it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ultravox_calls_mcp.metrics.intervals import Piece, complement, intersect, merge, total
from ultravox_calls_mcp.metrics.timeline import TimedMessage, Timeline
from ultravox_calls_mcp.metrics.tools import ToolUse

__all__ = ["Silence", "SilenceScan", "TalkShare", "scan_silence"]


@dataclass(frozen=True, slots=True)
class Silence:
    """``start``–``end`` with nobody speaking. ``stage``/``after_index``: the last message
    that started at or before ``start``. ``tool``: for a tool wait, the tool waited on."""

    stage: int
    after_index: int
    start: float
    end: float
    tool: str | None = None
    # Dead air only: seconds of tool wait between ``start`` and ``end``, not counted.
    waited: float = 0.0

    @property
    def seconds(self) -> float:
        return self.end - self.start - self.waited


@dataclass(frozen=True, slots=True)
class TalkShare:
    """Seconds of the timed span. Agent and user overlap is counted for each speaker, so
    agent + user + silence can exceed the span; speech (union) + silence equals it."""

    span_seconds: float
    agent_seconds: float
    user_seconds: float
    silence_seconds: float

    def percent(self, seconds: float) -> float | None:
        return None if self.span_seconds <= 0 else 100 * seconds / self.span_seconds


@dataclass(frozen=True, slots=True)
class SilenceScan:
    talk_share: TalkShare | None  # None: nothing timed
    dead_air: tuple[Silence, ...]  # in time-line order
    tool_waits: tuple[Silence, ...]


def _speech(messages: Sequence[TimedMessage], role: str) -> list[Piece[None]]:
    return merge(Piece(m.start, m.until, None) for m in messages if m.role == role)


def scan_silence(timeline: Timeline, uses: Sequence[ToolUse], min_seconds: float) -> SilenceScan:
    span = timeline.span
    if span is None:
        return SilenceScan(None, (), ())
    timed = timeline.timed
    start, end = span
    agent, user = _speech(timed, "agent"), _speech(timed, "user")
    silences = complement(merge([*agent, *user]), start, end)
    share = TalkShare(end - start, total(agent), total(user), total(silences))
    # Only a silence at least ``min_seconds`` long can hold dead air or a tool wait that
    # long: the rest (nearly all of them) need not be split by the tool waits at all.
    long = [s for s in silences if s.end - s.start >= min_seconds]
    if not long:
        return SilenceScan(share, (), ())
    waits = merge(
        Piece(wait[0], wait[1], use.name or "?") for use in uses if (wait := use.wait) is not None
    )
    starts = [m.start for m in timed]

    def located(piece: Piece[str | None], waited: float = 0.0) -> Silence:
        last = timed[max(0, bisect.bisect_right(starts, piece.start) - 1)]
        return Silence(last.stage, last.index, piece.start, piece.end, piece.label, waited)

    tool_waits = intersect(long, waits)
    # One pass over both sorted lists: the parts of long silences outside any wait, then
    # gathered per silence (each part lies inside exactly one of them).
    outside = intersect(long, complement(waits, start, end))
    dead_air: list[Silence] = []
    k = 0
    for silence in long:
        first = k
        while k < len(outside) and outside[k].end <= silence.end:
            k += 1
        parts = outside[first:k]
        quiet = total(parts)
        if parts and quiet >= min_seconds:
            stretch = Piece(parts[0].start, parts[-1].end, None)
            dead_air.append(located(stretch, stretch.end - stretch.start - quiet))
    return SilenceScan(
        share,
        tuple(dead_air),
        tuple(located(p) for p in tool_waits if p.end - p.start >= min_seconds),
    )
