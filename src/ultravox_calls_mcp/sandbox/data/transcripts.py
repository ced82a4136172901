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
from .text import AGENT_LINES, GREETINGS, USER_LINES

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


@dataclass
class ToolUse:
    """A tool invocation, remembered so events can mention it."""

    stage: int
    at: float
    name: str
    error: str | None


def plan_turns(
    rng: random.Random,
    spec: AgentSpec,
    caller: str,
    *,
    greeting: bool,
    exchanges: int,
    fail_tool: bool = False,
    switch_tool: str | None = None,
) -> list[Turn]:
    """A plausible stage: greeting, a few exchanges with tool use, maybe a hand-over."""
    turns: list[Turn] = []
    if greeting:
        turns.append(Turn("AGENT", GREETINGS[rng.randrange(len(GREETINGS))]))
    usable = [t for t in spec.tools if TOOLS[t].new_stage is None]
    failed = False
    for i in range(exchanges):
        turns.append(Turn("USER", USER_LINES[rng.randrange(len(USER_LINES))].format(name=caller)))
        if usable and (rng.random() < 0.45 or (fail_tool and not failed)):
            name = usable[rng.randrange(len(usable))]
            args = {p[0]: _arg_value(p[0], caller, rng) for p in TOOLS[name].params}
            if fail_tool and not failed:
                failed = True
                turns.append(
                    Turn(
                        "TOOL",
                        json.dumps(args, ensure_ascii=False),
                        tool=name,
                        result='{"error": "The service is unavailable right now."}',
                        error="HTTP 503 from booking service: upstream connect error "
                        "or disconnect/reset before headers",
                    )
                )
                turns.append(
                    Turn(
                        "AGENT",
                        "I'm sorry, our booking system is down. "
                        "May I call you back within the hour?",
                    )
                )
                continue
            turns.append(
                Turn(
                    "TOOL",
                    json.dumps(args, ensure_ascii=False),
                    tool=name,
                    result=json.dumps({"ok": True, "items": i + 1}),
                )
            )
        line = AGENT_LINES[rng.randrange(len(AGENT_LINES))].format(name=caller.split()[0])
        medium = TEXT if rng.random() < 0.08 else (None if rng.random() < 0.05 else VOICE)
        turns.append(Turn("AGENT", line, medium=medium))
    if switch_tool is not None:
        target = TOOLS[switch_tool].new_stage
        turns.append(
            Turn(
                "TOOL",
                json.dumps({"reason": "caller asked about an invoice"}),
                tool=switch_tool,
                result=f"Switching to the {target} stage now. Starting new call stage.",
            )
        )
    return turns


def _arg_value(name: str, caller: str, rng: random.Random) -> str | int:
    if name == "fullName":
        return caller
    if name == "question":
        return rng.randint(1, 5)
    return f"{name}-{rng.randint(1000, 9999)}"


@dataclass
class Assembled:
    stages: list[tuple[Sequence[Json], int]]  # (messages, first own index) per stage
    length: float  # seconds from joined to the last message's end
    tool_uses: list[ToolUse]


def assemble(
    stage_ids: list[str],
    stage_turns: list[list[Turn]],
    rng: random.Random,
    *,
    wall_clock: bool,
    start: float = 0.6,
) -> Assembled:
    """Turn per-stage turns into per-stage message lists with timespans."""
    clock = start
    history: list[Json] = []
    stages: list[tuple[Sequence[Json], int]] = []
    tool_uses: list[ToolUse] = []
    invocation = 0
    for stage_index, (stage_id, turns) in enumerate(zip(stage_ids, stage_turns, strict=True)):
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
                tool_uses.append(ToolUse(stage_index, clock, turn.tool, turn.error))
            else:
                piece: Json = {"role": f"MESSAGE_ROLE_{turn.role}", "text": turn.text}
                if turn.medium:
                    piece["medium"] = turn.medium
                pieces = [piece]
            for piece in pieces:
                spoken = 0.25 if turn.role == "TOOL" else 0.9 + len(piece["text"]) / 16
                piece["callStageMessageIndex"] = len(messages)
                piece["callStageId"] = stage_id
                piece["timespan"] = {"start": seconds(clock), "end": seconds(clock + spoken)}
                if wall_clock:
                    lag = 0.12 + rng.random() / 5
                    piece["wallClockTimespan"] = {
                        "start": seconds(clock + lag),
                        "end": seconds(clock + spoken + lag),
                    }
                messages.append(piece)
                history.append(piece)
                clock += spoken + 0.3 + rng.random() * 1.4
        stages.append((messages, first_own))
    return Assembled(stages, clock + 0.8, tool_uses)
