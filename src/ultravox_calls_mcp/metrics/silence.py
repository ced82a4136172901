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
from functools import cached_property

from ultravox_calls_mcp.metrics.intervals import Piece, complement, intersect, merge, total
from ultravox_calls_mcp.metrics.timeline import TimedMessage, Timeline
from ultravox_calls_mcp.metrics.tools import ToolPairing

__all__ = ["Silence", "SilenceScan", "TalkShare", "silences"]

_SPEAKERS = ("agent", "user")


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


def silences(
    timed: Sequence[TimedMessage], start: float, end: float, min_seconds: float = 0.0
) -> list[tuple[float, float]]:
    """The stretches of ``start``–``end`` that no agent or user message covers, in order,
    those at least ``min_seconds`` long. One sweep over ``timed`` (sorted by start),
    tracking how far speech reaches so far: no lists of speech to merge and complement."""
    found: list[tuple[float, float]] = []
    reach = start
    for message in timed:
        if message.role in _SPEAKERS:
            if (begin := message.start) > reach:
                if begin - reach >= min_seconds:
                    found.append((reach, begin))
                reach = begin
            if (until := message.end) is not None and until > reach:
                reach = until
    if reach < end and end - reach >= min_seconds:
        found.append((reach, end))
    return found


def _speech(messages: Sequence[TimedMessage], role: str) -> list[Piece[None]]:
    return merge(Piece(m.start, m.until, None) for m in messages if m.role == role)


class SilenceScan:
    """A call's silences, each kind worked out on first read: an audit reads dead air
    only; talk share and tool waits are for get_call_metrics and the viewer."""

    def __init__(self, timeline: Timeline, pairing: ToolPairing, min_seconds: float) -> None:
        self._timed = timeline.timed
        self._span = timeline.span
        self._pairing = pairing
        self._min = min_seconds
        # Only a silence at least ``min_seconds`` long can hold dead air or a tool wait
        # that long: the rest (nearly all) need not be split by the tool waits at all.
        self._long: list[Piece[None]] = []
        if self._span is not None:
            found = silences(self._timed, *self._span, min_seconds)
            self._long = [Piece(a, b, None) for a, b in found]

    @cached_property
    def dead_air(self) -> tuple[Silence, ...]:
        return tuple(s for quiet, s in self.quiet_stretches() if quiet >= self._min)

    @cached_property
    def talk_share(self) -> TalkShare | None:  # None: nothing timed
        if self._span is None:
            return None
        start, end = self._span
        quiet = total(Piece(a, b, None) for a, b in silences(self._timed, start, end))
        agent, user = total(_speech(self._timed, "agent")), total(_speech(self._timed, "user"))
        return TalkShare(end - start, agent, user, quiet)

    @cached_property
    def tool_waits(self) -> tuple[Silence, ...]:
        if not self._long:
            return ()
        waits = intersect(self._long, self._waits)
        return tuple(self._located(p) for p in waits if p.end - p.start >= self._min)

    @cached_property
    def _waits(self) -> list[Piece[str]]:
        uses = self._pairing.uses
        return merge(
            Piece(wait[0], wait[1], use.name or "?")
            for use in uses
            if (wait := use.wait) is not None
        )

    @cached_property
    def _starts(self) -> list[float]:
        return [m.start for m in self._timed]

    def _located(self, piece: Piece[str | None], waited: float = 0.0) -> Silence:
        last = self._timed[max(0, bisect.bisect_right(self._starts, piece.start) - 1)]
        return Silence(last.stage, last.index, piece.start, piece.end, piece.label, waited)

    def quiet_stretches(self) -> list[tuple[float, Silence]]:
        """Each long silence holding time outside tool waits: (the largest threshold at
        which it is dead air, the stretch from its first to its last moment outside a
        wait). Dead air is those whose threshold is at least ``min_seconds``; with
        ``min_seconds`` 0 these are the candidates for any threshold (the audit cache keeps
        them, see audit/timing_facts)."""
        if not self._long:
            return []
        assert self._span is not None
        # One pass over both sorted lists: the parts of long silences outside any wait,
        # then gathered per silence (each part lies inside exactly one of them).
        outside = intersect(self._long, complement(self._waits, *self._span))
        stretches: list[tuple[float, Silence]] = []
        k = 0
        for silence in self._long:
            first = k
            while k < len(outside) and outside[k].end <= silence.end:
                k += 1
            parts = outside[first:k]
            if parts:
                quiet = total(parts)
                stretch = Piece(parts[0].start, parts[-1].end, None)
                located = self._located(stretch, stretch.end - stretch.start - quiet)
                # A threshold is held against the silence's length (to be long at all) and
                # its time outside waits; the parts' sum can round above the length.
                stretches.append((min(silence.end - silence.start, quiet), located))
        return stretches
