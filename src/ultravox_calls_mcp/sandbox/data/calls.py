"""One call from a plan: the Call JSON, its stages, events and tools.

A ``CallPlan`` says what kind of call it is (agent, stages, end reason, extras); this
module turns it into the JSON the API would serve, keeping the invariants the schema and
the real service hold (required+nullable fields present, joined before ended, ...).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .agents import TOOLS, AgentSpec, call_tool, new_id
from .model import CallRecord, Json, StageRecord, iso, seconds
from .timing import DEFAULT_PACE, PACES
from .transcripts import Assembled, ToolUse, Turn, assemble


@dataclass
class CallPlan:
    agent: Json
    stage_specs: list[AgentSpec]
    stage_prompts: list[str]
    turns: list[list[Turn]]
    created: datetime
    end_reason: str | None  # None: the call is still live
    voices: dict[str, str]
    metadata: dict[str, str] = field(default_factory=dict)
    medium: Json | None = None
    billing_status: str = "BILLING_STATUS_BILLED"
    model: str = "ultravox-v0.7"
    recording: bool = False
    newer_fields: bool = True  # older calls lack wallClockTimespan and token counts
    extra: Json = field(default_factory=dict)  # call-level fields layered on top
    stage_extra: Json = field(default_factory=dict)  # fields layered on every stage
    # Builds a single-stage call's messages from its stage id (the stress call, lazily).
    messages: Callable[[str], Sequence[Json]] | None = None
    messages_length: float = 0.0
    # Planted timing: the wall clock keeps a constant offset, so planted gaps are exact.
    exact_timing: bool = False


_SUMMARIES = {
    "front desk": (
        "Caller booked a cleaning.",
        "The caller asked to book a routine "
        "cleaning, gave name and date of birth, and accepted a Thursday slot.",
    ),
    "billing": (
        "Invoice question answered.",
        "The caller queried a check-up invoice; the "
        "agent explained the line items and offered a payment plan.",
    ),
    "survey": (
        "Survey completed.",
        "The caller answered all five satisfaction questions and rated the last visit 4 of 5.",
    ),
    "reminders": (
        "Appointment confirmed.",
        "The patient confirmed tomorrow's appointment and asked about parking.",
    ),
    "triage": (
        "After-hours pain triage.",
        "Caller reported tooth pain at night; agent "
        "gave first-aid advice and escalated to the on-call dentist.",
    ),
}


# How a call that ended early is summarised: what it was about, and what cut it short.
_TOPICS = {
    "front desk": ("Booking call", "The caller was booking a cleaning"),
    "billing": ("Invoice call", "The caller was querying an invoice"),
    "survey": ("Survey", "The caller was answering the satisfaction survey"),
    "reminders": ("Reminder call", "The patient was confirming tomorrow's appointment"),
    "triage": ("Triage call", "The caller was describing tooth pain at night"),
}
_CUT_SHORT = {
    "connection_error": "the connection dropped",
    "system_error": "a system error ended the call",
    "timeout": "the call reached its time limit",
}


def _summaries(plan: CallPlan) -> tuple[str, str]:
    """(shortSummary, summary) that say what happened, as Ultravox's generated ones do: a
    failed tool, a hand-over to another stage and a call cut short each change the story."""
    roles = [spec.role for spec in plan.stage_specs]
    short, long = _SUMMARIES.get(roles[0], ("Call handled.", "The agent handled the call."))
    failed = next((t.tool for turns in plan.turns for t in turns if t.error and t.tool), None)
    if failed:
        short = f"{failed} failed; a callback was promised."
        long = (
            f"The {failed} tool failed during the call; the agent apologised and promised "
            "to call the caller back within the hour."
        )
    elif "billing" in roles[1:]:
        escalated = "escalation" in roles
        short = "Escalated over invoice charges." if escalated else "Handed over to billing."
        long = (
            "The caller started with a booking, then asked about a check-up invoice and was "
            "transferred to billing"
            + (", where they disputed the x-ray charges and were put on hold for a supervisor."
               if escalated else ", who explained the line items.")
        )  # fmt: skip
    cut = _CUT_SHORT.get(plan.end_reason or "")
    if cut:
        topic, doing = _TOPICS.get(roles[0], ("Call", "The agent was handling the call"))
        short = f"{topic} cut short: {cut}."
        long = f"{doing} when {cut}; the conversation did not finish."
    return short, long


def build_call(plan: CallPlan, rng: random.Random) -> CallRecord:
    call_id = new_id(rng)
    stage_ids = [new_id(rng) for _ in plan.stage_specs]
    unjoined = plan.end_reason == "unjoined"
    if plan.messages is not None:
        assembled = Assembled([(plan.messages(stage_ids[0]), 0)], plan.messages_length, [])
    else:
        turns = [[] for _ in plan.turns] if unjoined else plan.turns
        assembled = assemble(
            stage_ids,
            turns,
            rng,
            wall_clock=plan.newer_fields,
            paces=[PACES.get(spec.name, DEFAULT_PACE) for spec in plan.stage_specs],
            steady_wall_clock=plan.exact_timing,
        )
    joined = None if unjoined else plan.created + timedelta(seconds=1.5 + rng.random() * 4)
    duration = 0.0 if unjoined else assembled.length
    ended: datetime | None = None
    if plan.end_reason is not None:
        base = joined or plan.created + timedelta(seconds=30)
        ended = base + timedelta(seconds=duration)
    first = plan.stage_specs[0]
    live = plan.end_reason is None
    billed = None if live else seconds(round(duration, 3))
    tokens_in = rng.randint(800, 40_000) if plan.newer_fields and not live else None
    summary = _summaries(plan)
    call: Json = {
        "callId": call_id,
        "clientVersion": "ultravox-client-js/0.4.1" if _is_webrtc(plan.medium) else None,
        "created": iso(plan.created),
        "joined": iso(joined) if joined else None,
        "ended": iso(ended) if ended else None,
        "endReason": plan.end_reason,
        "billedDuration": billed,
        "billedSideInputTokens": tokens_in,
        "billedSideOutputTokens": tokens_in // 7 if tokens_in else None,
        "billingStatus": plan.billing_status,
        "firstSpeaker": "FIRST_SPEAKER_AGENT",
        "firstSpeakerSettings": {"agent": {}},
        "inactivityMessages": [],
        "initialOutputMedium": "MESSAGE_MEDIUM_VOICE",
        "joinTimeout": "30s",
        "joinUrl": None,
        "languageHint": "en",
        "maxDuration": "1800s",
        "medium": plan.medium,
        "model": plan.model,
        "recordingEnabled": plan.recording,
        "retentionPolicy": "retain" if rng.random() < 0.8 else None,
        "systemPrompt": plan.stage_prompts[0],
        "temperature": first.temperature,
        "timeExceededMessage": "We've reached the time limit for this call. Goodbye!",
        "voice": plan.voices[first.voice],
        "transcriptOptional": True,
        "vadSettings": {"turnEndpointDelay": "0.384s", "minimumInterruptionDuration": "0.09s"},
        "shortSummary": None if live or unjoined else summary[0],
        "summary": None if live or unjoined else summary[1],
        "agent": {"agentId": plan.agent["agentId"], "name": plan.agent["name"]},
        "agentId": plan.agent["agentId"],
        "experimentalSettings": None,
        "metadata": dict(plan.metadata),
        "initialState": {},
        "requestContext": None,
        "sipDetails": None,
    }
    if plan.medium and "sip" in plan.medium:
        call["sipDetails"] = {
            "billedDuration": billed,
            "terminationReason": None if live else "SIP_TERMINATION_NORMAL",
        }
    call.update(plan.extra)

    stages: list[StageRecord] = []
    all_tools: dict[str, Json] = {}
    for index, (spec, stage_id) in enumerate(zip(plan.stage_specs, stage_ids, strict=True)):
        messages, first_own = assembled.stages[index]
        errors = sum(1 for use in assembled.tool_uses if use.stage == index and use.error)
        offset = _stage_start(assembled, index)
        tools = [call_tool(TOOLS[name], rng) for name in spec.tools]
        for tool in tools:
            all_tools.setdefault(tool["name"], tool)
        initial_tokens = len(plan.stage_prompts[index]) // 4 if plan.newer_fields else None
        stage: Json = {
            "callId": call_id,
            "callStageId": stage_id,
            "created": iso((joined or plan.created) + timedelta(seconds=offset)),
            "inactivityMessages": [],
            "initialTokenCount": initial_tokens,
            "languageHint": "en",
            "latestTokenCount": initial_tokens + 40 * len(messages) if initial_tokens else None,
            "model": plan.model,
            "systemPrompt": plan.stage_prompts[index],
            "temperature": spec.temperature,
            "timeExceededMessage": call["timeExceededMessage"],
            "voice": plan.voices[spec.voice],
            "errorCount": errors,
            "experimentalSettings": None,
            "initialState": {},
        }
        stage.update(plan.stage_extra)
        stages.append(StageRecord(stage, messages, first_own, tools))
    events = _events(call_id, stage_ids, assembled, plan, duration, rng)
    return CallRecord(
        call=call,
        stages=stages,
        events=events,
        tools=list(all_tools.values()),
        created=plan.created,
        duration_s=None if live else duration,
    )


_SPEECH_AFTER_FIRST_TOKEN = 0.6


def _is_webrtc(medium: Json | None) -> bool:
    return medium is None or "webRtc" in medium


def _stage_start(assembled: Assembled, index: int) -> float:
    if index == 0:
        return 0.0
    messages, first_own = assembled.stages[index]
    if first_own < len(messages) and "timespan" in messages[first_own]:
        return float(str(messages[first_own]["timespan"]["start"]).rstrip("s")) - 0.2
    return 0.0


def _events(
    call_id: str,
    stage_ids: list[str],
    assembled: Assembled,
    plan: CallPlan,
    duration: float,
    rng: random.Random,
) -> list[Json]:
    events: list[Json] = []

    def add(
        stage: int, at: float, severity: str, kind: str, text: str, extras: Json | None
    ) -> None:
        wall = seconds(at + 0.05) if plan.newer_fields else None
        events.append(
            {
                "callId": call_id,
                "callStageId": stage_ids[stage],
                "callTimestamp": seconds(round(at, 3)),
                "severity": severity,
                "type": kind,
                "text": text,
                "extras": extras,
                "wallClockTimestamp": wall,
            }
        )

    add(0, 0.0, "info", "call_started", "Call started.", None)
    if plan.end_reason == "unjoined":
        add(0, 30.0, "warning", "join_timeout", "Client did not join within 30s.", None)
    else:
        add(0, 0.2, "info", "call_joined", "Client joined the call.", None)
        add(
            0,
            0.3,
            "debug",
            "vad_config",
            "VAD turn endpoint delay 0.384s.",
            {"turnEndpointDelay": "0.384s"},
        )
    uses: list[ToolUse] = assembled.tool_uses
    for use in uses:
        add(
            use.stage,
            use.at,
            "debug",
            "tool_invoked",
            f"Invoking tool {use.name}.",
            {"toolName": use.name},
        )
        if use.error:
            add(
                use.stage,
                use.result_at,
                "error",
                "tool_error",
                f"Tool {use.name} failed: {use.error}",
                {"toolName": use.name, "status": 503},
            )
        spec = TOOLS[use.name]
        if spec.new_stage and use.stage + 1 < len(stage_ids):
            add(
                use.stage + 1,
                use.result_at + 0.05,
                "info",
                "stage_changed",
                f"New call stage started: {spec.new_stage}.",
                None,
            )
    if plan.end_reason != "unjoined":
        rng.random()  # once decided whether to warn; the timing decides now
    slowest = assembled.slowest_reply
    # Speech starts ~0.6 s after the model's first token (speech synthesis), so an agent
    # line that waited over 2.1 s on the model means it missed its 1.5 s target.
    if slowest is not None and slowest[2] - _SPEECH_AFTER_FIRST_TOKEN > 1.5:
        stage, agent_start, waited = slowest
        first_token = waited - _SPEECH_AFTER_FIRST_TOKEN
        add(
            stage,
            agent_start - _SPEECH_AFTER_FIRST_TOKEN,
            "warning",
            "llm_latency_warning",
            f"First-token latency {first_token:.1f}s exceeded the 1.5s target.",
            {"latencyMs": round(first_token * 1000)},
        )
    last = len(stage_ids) - 1
    if plan.end_reason in ("system_error", "connection_error"):
        add(
            last,
            duration,
            "error",
            plan.end_reason,
            "Inference worker lost."
            if plan.end_reason == "system_error"
            else "Media connection lost (ICE failure).",
            None,
        )
    if plan.end_reason is not None:
        add(last, duration + 0.1, "info", "call_ended", f"Call ended: {plan.end_reason}.", None)
    events.sort(key=lambda e: float(e["callTimestamp"].rstrip("s")))
    return events
