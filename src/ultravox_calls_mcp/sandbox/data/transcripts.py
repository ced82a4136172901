"""Conversation turns and how they become Ultravox messages, stage by stage.

Facts of the real API reproduced here: a stage's message list begins with the earlier
stages' messages re-listed as its initial messages (without timespans, since they did not
happen in this stage); ``callStageMessageIndex`` counts within the stage; a TOOL_CALL's text
is its JSON arguments and the matching TOOL_RESULT shares its ``invocationId``; empty
fields are omitted; ``medium`` is sometimes missing.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from .agents import TOOLS, AgentSpec
from .model import Json, seconds
from .scripts import Exchange, script_for
from .text import caller_info
from .timing import DEFAULT_PACE, CallClock, Pace, gap_before

VOICE = "MESSAGE_MEDIUM_VOICE"
TEXT = "MESSAGE_MEDIUM_TEXT"


@dataclass
class Turn:
    role: str  # "USER", "AGENT" or "TOOL"
    text: str
    tool: str | None = None
    result: str | None = None
    error: str | None = None
    medium: str | None = VOICE
    # Planted timing (planted_timing.py) instead of the drawn one: seconds from the end of
    # the previous message to this one's start (negative: overlapping it), how long it
    # lasts (a tool: its call; the result then lasts 0.05 s), and for a tool, seconds
    # from the call's end to the result's start.
    after: float | None = None
    lasts: float | None = None
    wait: float | None = None


@dataclass
class ToolUse:
    """A tool invocation, remembered so events can mention it."""

    stage: int
    at: float  # the call's start
    name: str
    error: str | None
    result_at: float = 0.0


# Sizes of the lists lines used to be drawn from at random. The draws stay (every later
# value of the dataset depends on the stream), their values now only vary wording.
_GREETING_DRAW = 4
_USER_DRAW = 10
_AGENT_DRAW = 8
_FAILURE_ERROR = (
    "HTTP 503 from booking service: upstream connect error or disconnect/reset before headers"
)


def plan_turns(
    rng: random.Random,
    spec: AgentSpec,
    caller: str,
    *,
    greeting: bool,
    exchanges: int,
    fail_tool: bool = False,
    switch_tool: str | None = None,
    closing: bool = True,
) -> list[Turn]:
    """A stage that reads like a real call of ``spec``'s role.

    First the shape is drawn (which exchange uses which tool, which fails, how each agent
    line is delivered), then the role's script puts words to it. ``closing`` says the call
    ends normally after this stage (False: it was cut off or is still live); a stage with a
    ``switch_tool`` ends by handing the caller on instead.
    """
    shape, opening, media = _draw_shape(rng, spec, greeting, exchanges, fail_tool)
    ending = "close" if closing else "cut"
    if switch_tool is not None:
        ending = "escalate" if switch_tool == "escalateToHuman" else "transfer"
    script = script_for(spec.role)(
        caller_info(caller), spec.voice, shape, ending=ending, opening=opening, greeted=greeting
    )
    turns: list[Turn] = []
    if greeting:
        turns.append(Turn("AGENT", script.greeting()))
    for ex, beat, medium in zip(shape, script.plan(), media, strict=True):
        turns.append(Turn("USER", beat.user))
        if ex.tool is not None:
            turns.append(
                Turn(
                    "TOOL",
                    _json(beat.args or {}),
                    tool=ex.tool,
                    result=(
                        '{"error": "The service is unavailable right now."}'
                        if ex.failed
                        else _json(beat.result or {})
                    ),
                    error=_FAILURE_ERROR if ex.failed else None,
                )
            )
        if ex.failed:
            turns.append(Turn("AGENT", beat.agent))
        else:
            turns.append(Turn("AGENT", beat.agent, medium=medium))
    if switch_tool is not None:
        target = TOOLS[switch_tool].new_stage
        turns.append(
            Turn(
                "TOOL",
                _json(script.switch_args(switch_tool)),
                tool=switch_tool,
                result=f"Switching to the {target} stage now. Starting new call stage.",
            )
        )
    return turns


def _draw_shape(
    rng: random.Random, spec: AgentSpec, greeting: bool, exchanges: int, fail_tool: bool
) -> tuple[list[Exchange], int, list[str | None]]:
    """The stage's shape; exactly the draws, in the order, the sample data always made."""
    opening = rng.randrange(_GREETING_DRAW) if greeting else 0
    usable = [t for t in spec.tools if TOOLS[t].new_stage is None]
    shape: list[Exchange] = []
    media: list[str | None] = []
    failed = False
    for _ in range(exchanges):
        ex = Exchange(pick=rng.randrange(_USER_DRAW))
        shape.append(ex)
        if usable and (rng.random() < 0.45 or (fail_tool and not failed)):
            ex.tool = usable[rng.randrange(len(usable))]
            ex.draws = tuple(_arg_draw(p[0], rng) for p in TOOLS[ex.tool].params)
            if fail_tool and not failed:
                failed = ex.failed = True
                media.append(VOICE)
                continue
        rng.randrange(_AGENT_DRAW)  # once picked the agent's line; no longer needed
        media.append(TEXT if rng.random() < 0.08 else (None if rng.random() < 0.05 else VOICE))
    return shape, opening, media


def _arg_draw(name: str, rng: random.Random) -> int:
    if name == "fullName":
        return 0  # no draw: the caller's name was used as is
    if name == "question":
        return rng.randint(1, 5)
    return rng.randint(1000, 9999)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Assembled:
    stages: list[tuple[Sequence[Json], int]]  # (messages, first own index) per stage
    length: float  # seconds from joined to the call's end
    tool_uses: list[ToolUse]
    # (stage, agent start, seconds the model took) of the agent line that waited longest
    # after the caller or a tool result, if any: where a latency warning belongs.
    slowest_reply: tuple[int, float, float] | None = None


def assemble(
    stage_ids: list[str],
    stage_turns: list[list[Turn]],
    rng: random.Random,
    *,
    wall_clock: bool,
    paces: Sequence[Pace] = (),
    steady_wall_clock: bool = False,
    start: float = 0.6,
) -> Assembled:
    """Turn per-stage turns into per-stage message lists on one call time line.

    Each message draws from ``rng`` exactly what it always did (a wall-clock lag when the
    call has that clock, then one value that now sets the gap before the next message),
    so ids and words of later calls never move when timing is modelled differently.
    """
    clock = CallClock(stage_ids[0], steady=steady_wall_clock)
    history: list[Json] = []
    stages: list[tuple[Sequence[Json], int]] = []
    line = _TimeLine(clock, start)
    invocation = 0
    for stage_index, (stage_id, turns) in enumerate(zip(stage_ids, stage_turns, strict=True)):
        pace = paces[stage_index] if stage_index < len(paces) else DEFAULT_PACE
        messages: list[Json] = []
        for old in history:
            copy = {k: v for k, v in old.items() if k not in ("timespan", "wallClockTimespan")}
            copy["callStageId"] = stage_id
            copy["callStageMessageIndex"] = len(messages)
            messages.append(copy)
        first_own = len(messages)
        for turn in turns:
            pieces: list[Json] = []
            if turn.role == "TOOL":
                invocation += 1
                inv = f"inv-{stage_index}-{invocation:03d}-{rng.randrange(16**6):06x}"
                assert turn.tool is not None
                call: Json = {
                    "role": "MESSAGE_ROLE_TOOL_CALL",
                    "text": turn.text,
                    "invocationId": inv,
                    "toolName": turn.tool,
                }
                result: Json = {
                    "role": "MESSAGE_ROLE_TOOL_RESULT",
                    "text": turn.result or "",
                    "invocationId": inv,
                    "toolName": turn.tool,
                }
                if turn.error:
                    result["errorDetails"] = turn.error
                pieces = [call, result]
            else:
                piece: Json = {"role": f"MESSAGE_ROLE_{turn.role}", "text": turn.text}
                if turn.medium:
                    piece["medium"] = turn.medium
                pieces = [piece]
            for number, piece in enumerate(pieces):
                begin, end = line.place(stage_index, turn, number, piece, pace)
                piece["callStageMessageIndex"] = len(messages)
                piece["callStageId"] = stage_id
                piece["timespan"] = {"start": seconds(begin), "end": seconds(end)}
                if wall_clock:
                    jitter = rng.random()
                    piece["wallClockTimespan"] = {
                        "start": seconds(round(clock.wall(begin, jitter), 3)),
                        "end": seconds(round(clock.wall(end, jitter), 3)),
                    }
                messages.append(piece)
                history.append(piece)
                line.gap_draw = rng.random()
        stages.append((messages, first_own))
    return Assembled(stages, line.latest_end + clock.hang_up, line.tool_uses, line.slowest)


_PLANTED_RESULT_LASTS = 0.05


class _TimeLine:
    """Where the next message goes: after everything so far, by the drawn or planted gap."""

    def __init__(self, clock: CallClock, start: float) -> None:
        self.clock = clock
        self.start = start
        self.latest_end = start
        self.previous: str | None = None  # role of the last message placed
        self.gap_draw = 0.5  # the stream's draw that sets the next gap
        self.slowest: tuple[int, float, float] | None = None
        self.tool_uses: list[ToolUse] = []

    def place(
        self, stage: int, turn: Turn, number: int, piece: Json, pace: Pace
    ) -> tuple[float, float]:
        role = str(piece["role"]).removeprefix("MESSAGE_ROLE_")
        planted = turn.wait if number == 1 else turn.after if number == 0 else None
        if planted is not None:
            begin = self.latest_end + planted
        elif self.previous is None:
            begin = self.start + self.clock.first_word
        else:
            failed = "errorDetails" in piece
            tool = str(piece.get("toolName", ""))
            gap = gap_before(self.previous, role, pace, self.gap_draw, tool=tool, failed=failed)
            begin = self.latest_end + gap
        begin = round(begin, 3)
        if turn.role == "TOOL" and turn.lasts is not None:
            lasts = turn.lasts if number == 0 else _PLANTED_RESULT_LASTS
        elif turn.role == "TOOL":
            lasts = self.clock.tool_message(role, str(piece["text"]))
        elif turn.lasts is not None:
            lasts = turn.lasts
        else:
            speed = pace.words_per_second if role == "AGENT" else self.clock.caller_words_per_second
            lasts = self.clock.speech(str(piece["text"]), speed)
        end = round(begin + lasts, 3)
        self._note(stage, role, turn, begin)
        self.previous = role
        self.latest_end = max(self.latest_end, end)
        return begin, end

    def _note(self, stage: int, role: str, turn: Turn, begin: float) -> None:
        if role == "AGENT" and self.previous in ("USER", "TOOL_RESULT"):
            waited = round(begin - self.latest_end, 3)
            if self.slowest is None or waited > self.slowest[2]:
                self.slowest = (stage, begin, waited)
        elif role == "TOOL_CALL":
            assert turn.tool is not None
            self.tool_uses.append(ToolUse(stage, begin, turn.tool, turn.error, begin))
        elif role == "TOOL_RESULT":
            self.tool_uses[-1].result_at = begin
