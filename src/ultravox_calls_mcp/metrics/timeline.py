"""Stages' messages → one call time line: which clock each message uses, sorted once.

Offsets are relative to the call (not the stage), so every stage's messages fall on the
same line. A message uses its wall-clock timespan when that has a start and an end, else
its input-audio ``timespan``; a start without an end is kept (an *open end*: a point in
time, never a length). A message with no usable start on either clock is *untimed* —
in practice a stage's initial or carried-over messages — and only counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

from ultravox_calls_mcp.api.models import CallStage, Message
from ultravox_calls_mcp.render.fmt import parse_seconds
from ultravox_calls_mcp.render.transcript import role_of

__all__ = [
    "Clock",
    "PlacedMessage",
    "Role",
    "StageSpan",
    "TimedMessage",
    "Timeline",
    "timeline_from_stages",
]

Role = Literal["agent", "user", "toolCall", "toolResult", "other"]
Clock = Literal["wall", "audio"]

# role_of strips the documented prefix; upper-casing first also takes "user" or
# "message_role_agent" from a looser producer.
_ROLES: dict[str, Role] = {
    "USER": "user",
    "AGENT": "agent",
    "TOOL_CALL": "toolCall",
    "TOOL_RESULT": "toolResult",
}
_WIRE_ROLES: dict[str, Role] = {f"MESSAGE_ROLE_{k}": v for k, v in _ROLES.items()}
_START = attrgetter("start")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, 4x the cost
# of building one, and an audit builds one per message of hundreds of calls.
@dataclass(slots=True)
class PlacedMessage:
    """A message and where it sits: ``stage`` counts from 1; ``index`` is its
    callStageMessageIndex (its position in the stage when the API left that out)."""

    stage: int
    index: int
    role: Role
    message: Message


@dataclass(slots=True)
class TimedMessage(PlacedMessage):
    """``start``/``end`` are seconds from the call's start; ``end`` None: an open end."""

    start: float
    end: float | None
    clock: Clock

    @property
    def until(self) -> float:
        """Where the message stops on the time line (its start, for an open end)."""
        return self.start if self.end is None else self.end


@dataclass(slots=True)  # not frozen: that costs a setattr per field, per call read
class StageSpan:
    number: int
    stage_id: str
    start: float | None  # None: the stage has no timed message
    end: float | None


@dataclass(slots=True)  # not frozen: that costs a setattr per field, per call read
class Timeline:
    timed: tuple[TimedMessage, ...]  # by start; equal starts keep stage and message order
    untimed: tuple[PlacedMessage, ...]
    stages: tuple[StageSpan, ...]
    # Counted while the messages are read: a pass of its own over them would cost more.
    wall_clock_count: int
    open_ends: int  # timed messages with a start but no end
    # The first timed start to the last point any timed message reaches; None: no timed.
    span: tuple[float, float] | None

    @property
    def clock(self) -> str:
        """``wall clock``, ``input-audio clock``, ``mixed (N wall clock, M input-audio)``
        or ``none`` when nothing is timed."""
        wall = self.wall_clock_count
        audio = len(self.timed) - wall
        if wall and audio:
            return f"mixed ({wall} wall clock, {audio} input-audio)"
        if wall:
            return "wall clock"
        return "input-audio clock" if audio else "none"


def _loose_role(message: Message) -> Role:
    """The role of a message whose role is not one of the documented wire names."""
    return _ROLES.get(role_of(message).upper().removeprefix("MESSAGE_ROLE_"), "other")


def _seconds(value: str | None) -> float | None:
    # The usual "12.340s" straight to float (every message has two or four of these, and
    # an audit reads thousands of messages); anything else the careful parser decides.
    if value and value[-1] == "s":
        number = value[:-1]
        if number.replace(".", "", 1).isdecimal():
            return float(number)
    return parse_seconds(value)


def _not_wall(
    message: Message, wall_start: float | None
) -> tuple[float, float | None, Clock] | None:
    """The timing of a message without both wall-clock offsets: its input-audio timespan
    when that has a start, else a wall-clock start alone (an open end), else None."""
    audio = message.timespan
    if audio is not None:
        audio_start = _seconds(audio.start)
        if audio_start is not None:
            audio_end = _seconds(audio.end)
            if audio_end is not None and audio_end <= audio_start:
                audio_end = audio_start  # at an equal end too: a -0.0 end reads as the start
            return audio_start, audio_end, "audio"
    if wall_start is not None:
        return wall_start, None, "wall"
    return None


def split_by_stage(
    stages: Sequence[CallStage], messages: Sequence[Message]
) -> list[tuple[str, list[Message]]]:
    """A call's in-call messages by stage, for ``timeline_from_stages``: the stages in the
    call's order (empty ones too, so stage numbers match list_call_stages), then any stage
    a message names that the list did not hold (a stage begun after the list was read),
    in the order first seen; a message naming no stage is in a stage of its own ("")."""
    groups: dict[str, list[Message]] = {s.call_stage_id: [] for s in stages if s.call_stage_id}
    for message in messages:
        groups.setdefault(message.call_stage_id or "", []).append(message)
    return list(groups.items())


def timeline_from_stages(stages: Sequence[tuple[str, Sequence[Message]]]) -> Timeline:
    """``stages``: (call_stage_id, that stage's messages in order), in call order.

    An end before its start (a producer's glitch) is read as an end at the start.
    """
    timed: list[TimedMessage] = []
    untimed: list[PlacedMessage] = []
    spans: list[StageSpan] = []
    walls = open_ends = 0
    for number, (stage_id, messages) in enumerate(stages, start=1):
        before = len(timed)
        first, last = math.inf, -math.inf
        for position, message in enumerate(messages):
            index = message.call_stage_message_index
            if index is None:
                index = position
            # The usual cases (a wire role, both wall-clock offsets) inline: this runs for
            # every message of every call an audit reads, where a call per message shows.
            role = _WIRE_ROLES.get(message.role or "") or _loose_role(message)
            wall = message.wall_clock_timespan
            start = end = None
            if wall is not None:
                start, end = _seconds(wall.start), _seconds(wall.end)
            clock: Clock = "wall"
            if start is not None and end is not None:
                if end <= start:
                    end = start
            else:
                timing = _not_wall(message, start)
                if timing is None:
                    untimed.append(PlacedMessage(number, index, role, message))
                    continue
                start, end, clock = timing
            timed.append(TimedMessage(number, index, role, message, start, end, clock))
            if start < first:
                first = start
            until = end
            if until is None:
                open_ends += 1
                until = start
            if until > last:
                last = until
            if clock == "wall":
                walls += 1
        held = len(timed) > before
        spans.append(StageSpan(number, stage_id, first if held else None, last if held else None))
    # Stable: at an equal start the earlier stage, then the earlier message, comes first.
    timed.sort(key=_START)
    span = None
    if timed:
        span = timed[0].start, max(s.end for s in spans if s.end is not None)
    return Timeline(tuple(timed), tuple(untimed), tuple(spans), walls, open_ends, span)
