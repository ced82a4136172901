"""Deterministic sample data for the sandbox: ``generate_dataset(seed)``.

Five weeks of calls for a dental group's voice agents, ending at a fixed anchor date, with
every end reason, a live call, multi-stage hand-overs, failed tools, planted secrets, a
prompt-injection attempt, a ~1 MB prompt and a 10,000-message stress call; messages timed
as real calls are (``timing.py``); and planted calls for voice timing, fidelity and the
call viewer (``planted*.py``), each named in ``Notable``.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from functools import lru_cache

from .agents import (
    AGENT_SPECS,
    STAGE_TARGETS,
    VOICE_NAMES,
    build_agents,
    build_voices,
    new_id,
)
from .calls import CallPlan, build_call
from .model import ANCHOR, SPAN, CallRecord, Json, Notable, SandboxData, iso
from .planted import Context, planted_notable, planted_plans, planted_rng
from .special import (
    Canaries,
    StressMessages,
    injection_turns,
    secret_fields,
    secret_turns,
    stress_metadata,
)
from .text import CALLERS, extreme_prompt
from .transcripts import plan_turns

__all__ = ["CallRecord", "Notable", "SandboxData", "generate_dataset"]

END_REASONS = ("unjoined", "hangup", "agent_hangup", "timeout", "connection_error", "system_error")
_WEIGHTED = ("hangup",) * 10 + ("agent_hangup",) * 5 + END_REASONS
_BILLING = {
    "unjoined": "BILLING_STATUS_FREE_ZERO_EFFECTIVE_DURATION",
    "system_error": "BILLING_STATUS_FREE_SYSTEM_ERROR",
}
_MIDDLE_KINDS = ["extreme", "secrets", "injection"] + ["multi"] * 5 + ["three"] * 2 + ["failed"] * 3
REGULAR_CALLS = 50


@lru_cache(maxsize=8)
def generate_dataset(seed: int = 7) -> SandboxData:
    """The same data for the same seed, every time; cached because tests ask often."""
    rng = random.Random(seed)
    voices = build_voices(rng)
    agents, prompts = build_agents(rng, voices)
    by_name = {a["name"]: a for a in agents}
    specs = {s.name: s for s in (*AGENT_SPECS, *STAGE_TARGETS.values())}
    canaries = Canaries(rng)
    kinds = _MIDDLE_KINDS + ["regular"] * REGULAR_CALLS
    rng.shuffle(kinds)
    plans: list[tuple[str, CallPlan]] = []
    regular_seen = 0
    for kind in kinds:
        agent_spec = AGENT_SPECS[rng.randrange(len(AGENT_SPECS))]
        if kind in ("multi", "three", "extreme", "injection", "failed"):
            agent_spec = AGENT_SPECS[0]
        elif kind == "secrets":
            agent_spec = AGENT_SPECS[1]
        end_reason = rng.choice(("hangup", "agent_hangup"))
        if kind == "regular":
            end_reason = END_REASONS[regular_seen] if regular_seen < 6 else rng.choice(_WEIGHTED)
            regular_seen += 1
        day = rng.randrange(1, SPAN.days - 1)
        if agent_spec.role == "triage":
            minute = (22 * 60 + rng.randrange(8 * 60)) % (24 * 60)
        else:
            minute = 7 * 60 + 30 + rng.randrange(12 * 60 + 30)
        created = (ANCHOR - SPAN).replace(hour=0, minute=0) + timedelta(
            days=day, minutes=minute, seconds=rng.randrange(60), milliseconds=rng.randrange(1000)
        )
        first = replace(
            agent_spec,
            voice=rng.choice(VOICE_NAMES),
            temperature=rng.choice((0.0, 0.1, 0.2, 0.3, 0.5, 0.7)),
        )
        stage_specs = [first]
        if kind in ("multi", "three"):
            stage_specs.append(specs["Billing Support"])
        if kind == "three":
            stage_specs.append(specs["Escalation Hold"])
        caller = CALLERS[rng.randrange(len(CALLERS))]
        turns = []
        for index, spec in enumerate(stage_specs):
            switch = None
            if index + 1 < len(stage_specs):
                switch = "transferToBilling" if index == 0 else "escalateToHuman"
            turns.append(
                plan_turns(
                    rng,
                    spec,
                    caller,
                    greeting=index == 0,
                    exchanges=rng.randint(2, 7),
                    fail_tool=kind == "failed",
                    switch_tool=switch,
                    closing=end_reason in ("hangup", "agent_hangup"),
                )
            )
        stage_prompts = [prompts[s.name] for s in stage_specs]
        plan = CallPlan(
            agent=by_name[agent_spec.name],
            stage_specs=stage_specs,
            stage_prompts=stage_prompts,
            turns=turns,
            created=created,
            end_reason=end_reason,
            voices=voices,
            metadata=_metadata(rng),
            medium=_medium(rng),
            billing_status=_BILLING.get(end_reason, rng.choice(_BILLED)),
            model=rng.choice(("ultravox-v0.7",) * 4 + ("ultravox-v0.6", "fixie-ai/ultravox-70B")),
            recording=rng.random() < 0.4,
            newer_fields=created > ANCHOR - timedelta(weeks=4),
        )
        if kind == "extreme":
            plan.stage_prompts = [extreme_prompt(rng)]
        elif kind == "secrets":
            call_fields, stage_fields = secret_fields(canaries)
            plan.medium = call_fields.pop("medium")
            plan.extra, plan.stage_extra = call_fields, stage_fields
            plan.turns = [secret_turns(canaries.api_key())]
        elif kind == "injection":
            plan.turns = [injection_turns()]
        plans.append((kind, plan))

    plans.sort(key=lambda kp: kp[1].created)
    stress = CallPlan(
        agent=by_name["Billing Support"],
        stage_specs=[specs["Billing Support"]],
        stage_prompts=[prompts["Billing Support"]],
        turns=[[]],
        created=ANCHOR - SPAN + timedelta(hours=9),
        end_reason="hangup",
        voices=voices,
        metadata=stress_metadata(),
        medium={"twilio": {}},
        messages=StressMessages,
        messages_length=StressMessages.length(),
        extra={"maxDuration": "14400s"},
    )
    live_spec = AGENT_SPECS[0]
    live = CallPlan(
        agent=by_name[live_spec.name],
        stage_specs=[live_spec],
        stage_prompts=[prompts[live_spec.name]],
        turns=[
            plan_turns(rng, live_spec, "Chloé Dubois", greeting=True, exchanges=2, closing=False)
        ],
        created=ANCHOR - timedelta(minutes=3),
        end_reason=None,
        voices=voices,
        metadata={"customer_tier": "gold", "campaign": "walk-in"},
        billing_status="BILLING_STATUS_PENDING",
        recording=True,  # its recording is asked for before the call has ended
    )
    ordered = [("stress", stress), *plans, ("live", live)]
    records = [build_call(plan, rng) for _, plan in ordered]
    live_record = records[-1]
    join_token = canaries.token("join_url")
    live_record.call["joinUrl"] = (
        f"wss://sandbox.ultravox.invalid/calls/{live_record.call_id}/join?token={join_token}"
    )
    # The planted calls draw from a stream of their own, so every call above is the same
    # with or without them; they slot in by date.
    context = Context(by_name, specs, prompts, voices)
    own = planted_rng(seed)
    planted = {kind: build_call(plan, own) for kind, plan in planted_plans(context, own)}
    notable = _notable(ordered, records, agents, planted)
    records = _newest_first([*records, *planted.values()])
    for agent in agents:
        agent["statistics"]["calls"] = sum(r.call["agentId"] == agent["agentId"] for r in records)
    return SandboxData(
        seed=seed,
        account=_account(rng, records),
        agents=agents,
        calls=records,
        notable=notable,
        canaries=list(canaries.values),
        voices=voices,
    )


_BILLED = ("BILLING_STATUS_BILLED",) * 6 + (
    "BILLING_STATUS_FREE_CONSOLE",
    "BILLING_STATUS_FREE_MINUTES",
    "BILLING_STATUS_REFUNDED",
)


def _metadata(rng: random.Random) -> dict[str, str]:
    if rng.random() < 0.15:
        return {}
    data = {
        "customer_tier": rng.choice(("gold", "silver", "bronze")),
        "campaign": rng.choice(("spring-recall-2026", "invoice-followup", "nps-q4", "walk-in")),
    }
    if rng.random() < 0.5:
        data["clinic"] = rng.choice(("berlin-mitte", "zürich-hb", "lyon-part-dieu"))
    return data


def _medium(rng: random.Random) -> Json:
    roll = rng.random()
    if roll < 0.4:
        return {"webRtc": {}}
    if roll < 0.7:
        return {"twilio": {}}
    if roll < 0.9:
        return {"sip": {"incoming": {}}}
    return {"serverWebSocket": {"inputSampleRate": 16000, "outputSampleRate": 24000}}


def _notable(
    ordered: list[tuple[str, CallPlan]],
    records: list[CallRecord],
    agents: list[Json],
    planted: dict[str, CallRecord],
) -> Notable:
    def first(kind: str) -> CallRecord:
        return next(r for (k, _), r in zip(ordered, records, strict=True) if k == kind)

    stress = first("stress")
    failed = next(
        r
        for (k, _), r in zip(ordered, records, strict=True)
        if k == "failed" and any("errorDetails" in m for s in r.stages for m in s.messages)
    )
    return Notable(
        multi_stage_call_id=first("multi").call_id,
        three_stage_call_id=first("three").call_id,
        extreme_prompt_call_id=first("extreme").call_id,
        stress_call_id=stress.call_id,
        stress_stage_id=stress.stages[0].stage_id,
        long_utterance_call_id=stress.call_id,
        many_metadata_call_id=stress.call_id,
        failed_tool_call_id=failed.call_id,
        live_call_id=first("live").call_id,
        secrets_call_id=first("secrets").call_id,
        injection_call_id=first("injection").call_id,
        **planted_notable(planted),
        agent_ids=tuple(a["agentId"] for a in agents),
        call_ids=tuple(r.call_id for r in _newest_first([*records, *planted.values()])),
    )


def _newest_first(records: list[CallRecord]) -> list[CallRecord]:
    return sorted(records, key=lambda r: r.created, reverse=True)


def _account(rng: random.Random, records: list[CallRecord]) -> Json:
    return {
        "accountId": new_id(rng),
        "name": "Brightsmile Dental Group (sandbox)",
        "billingUrl": "https://app.ultravox.ai/billing",
        "freeTimeUsed": "1800s",
        "freeTimeRemaining": "0s",
        "hasActiveSubscription": True,
        "subscriptionTier": "pro",
        "subscriptionCadence": "monthly",
        "subscriptionExpiration": None,
        "subscriptionScheduledUpdate": None,
        "subscriptionRenewal": iso(ANCHOR + timedelta(days=11)),
        "activeCalls": sum(r.call["ended"] is None for r in records),
        "allowedConcurrentCalls": 100,
        "allowedVoices": 50,
        "allowedCorpora": 10,
    }
