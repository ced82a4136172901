"""The planted calls as call plans, and the ``Notable`` entries that point at them.

They are built from a random stream of their own (``planted_rng``), after the regular
calls, and dated between them (late October to mid November), so adding them changed no id,
word or timing of any other call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from .agents import AgentSpec
from .calls import CallPlan
from .model import CallRecord, Json, PlantedCase
from .planted_fidelity import (
    LARGE_METADATA_KEY,
    LONG_TOOL,
    REPEATED_LETTERS,
    coverage_turns,
    html_turns,
    large_metadata,
    repeated_letters_turns,
    wide_metadata,
)
from .planted_timing import SLOW_TOOL, TIMING_SCRIPTS, timing_case
from .transcripts import Turn, plan_turns


def planted_rng(seed: int) -> random.Random:
    return random.Random(f"sandbox-planted/{seed}")


@dataclass(frozen=True)
class Context:
    """What every plan needs from the dataset: agents, stage specs, prompts, voices."""

    agents: dict[str, Json]  # by name
    specs: dict[str, AgentSpec]
    prompts: dict[str, str]
    voices: dict[str, str]


def _moment(month: int, day: int, hour: int, minute: int, second: float) -> datetime:
    whole = int(second)
    micro = round((second - whole) * 1_000_000)
    return datetime(2026, month, day, hour, minute, whole, micro, tzinfo=UTC)


def _plan(
    ctx: Context,
    agent: str,
    turns: list[Turn],
    created: datetime,
    *,
    spec: AgentSpec | None = None,
    metadata: dict[str, str] | None = None,
    recording: bool = False,
    exact: bool = False,
    summary: tuple[str, str] | None = None,
) -> CallPlan:
    spec = spec or ctx.specs[agent]
    extra: Json = {"shortSummary": summary[0], "summary": summary[1]} if summary else {}
    return CallPlan(
        agent=ctx.agents[agent],
        stage_specs=[spec],
        stage_prompts=[ctx.prompts[agent]],
        turns=[turns],
        created=created,
        end_reason="hangup",
        voices=ctx.voices,
        metadata=metadata if metadata is not None else {"customer_tier": "gold"},
        medium={"twilio": {}},
        recording=recording,
        exact_timing=exact,
        extra=extra,
    )


_TIMING_DATES = {
    "slow_after_tool": _moment(11, 10, 10, 14, 5.12),
    "barge_in": _moment(11, 6, 9, 2, 44.31),
    "dead_air": _moment(11, 3, 15, 47, 12.905),
    "talk_over": _moment(10, 30, 17, 21, 9.45),
}


def planted_plans(ctx: Context, rng: random.Random) -> list[tuple[str, CallPlan]]:
    """Every planted call, by kind (the names ``planted_notable`` reads them by)."""
    plans: list[tuple[str, CallPlan]] = []
    for kind, script in TIMING_SCRIPTS.items():
        created = _TIMING_DATES[kind]
        plans.append(
            (kind, _plan(ctx, script.agent, script.turns, created, recording=True, exact=True))
        )
    desk = ctx.specs["Front Desk — Dental"]
    plans += [
        (
            "wide_metadata",
            _plan(
                ctx,
                desk.name,
                plan_turns(rng, desk, "Chloé Dubois", greeting=True, exchanges=3),
                _moment(11, 12, 11, 5, 33.7),
                metadata=wide_metadata(),
            ),
        ),
        (
            "large_metadata",
            _plan(
                ctx,
                "Billing Support",
                plan_turns(
                    rng,
                    ctx.specs["Billing Support"],
                    "Mohammed Al-Farsi",
                    greeting=True,
                    exchanges=3,
                ),
                _moment(10, 28, 13, 30, 58.01),
                metadata=large_metadata(),
            ),
        ),
        (
            "long_tool_description",
            _plan(
                ctx,
                desk.name,
                coverage_turns(),
                _moment(11, 4, 8, 55, 20.64),
                spec=replace(desk, tools=("lookupPatient", LONG_TOOL.name)),
                summary=(
                    "Crown coverage checked.",
                    "The caller asked whether insurance covers a crown; the agent checked: "
                    "60 percent, with a cost estimate needed first.",
                ),
            ),
        ),
        (
            "repeated_letters",
            _plan(
                ctx,
                "After-hours Triage",
                repeated_letters_turns(),
                _moment(11, 8, 23, 12, 40.275),
            ),
        ),
        (
            "html_injection",
            _plan(
                ctx,
                desk.name,
                html_turns(),
                _moment(10, 27, 12, 40, 2.88),
                recording=True,
                summary=(
                    "Booking refused: no usable name.",
                    "The caller gave markup instead of a name twice; the agent could not find "
                    "a patient record and asked them to call back.",
                ),
            ),
        ),
    ]
    return plans


def _first_with(record: CallRecord, predicate: str) -> PlantedCase:
    stage = record.stages[0]
    index = next(i for i, m in enumerate(stage.messages) if predicate in m.get("text", ""))
    return PlantedCase(record.call_id, stage.stage_id, index)


def planted_notable(records: dict[str, CallRecord]) -> Json:
    """The ``Notable`` fields for the planted calls, measured on the built calls."""
    return {
        "slow_after_tool": timing_case("slow_after_tool", records["slow_after_tool"]),
        "slow_tool_name": SLOW_TOOL,
        "barge_in": timing_case("barge_in", records["barge_in"]),
        "dead_air": timing_case("dead_air", records["dead_air"]),
        "talk_over": timing_case("talk_over", records["talk_over"]),
        "wide_metadata_call_id": records["wide_metadata"].call_id,
        "large_metadata_call_id": records["large_metadata"].call_id,
        "large_metadata_key": LARGE_METADATA_KEY,
        "long_tool_description_call_id": records["long_tool_description"].call_id,
        "long_tool_name": LONG_TOOL.name,
        "repeated_letters": _first_with(records["repeated_letters"], REPEATED_LETTERS),
        "html_injection": _first_with(records["html_injection"], "<img src=x"),
    }
