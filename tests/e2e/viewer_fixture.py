"""Timeline JSON for the viewer's browser tests and benchmark, in the metrics contract's shape.

``sample_timeline()`` is a realistic 39-message call in two stages: a failed tool followed by
a slow reply, a barge-in, talk-over, 12 s of dead air, an untimed carried-over message, and a
caller whose words hold an HTML injection. ``synthetic_timeline(n)`` repeats a call pattern to
any length. The metrics are derived from the messages here (a small stand-in for the metrics
package, enough to draw them), so the marks always sit where the speech says.
"""

from __future__ import annotations

import math
from typing import Any

INJECTION = '<img src=x onerror="window.__pwned=1">'
EVENT_INJECTION = "<script>window.__pwned=2</script>"
SLOW = 2.0
DEAD_AIR = 4.0

Message = dict[str, Any]

# (role, start, end, text, tool name, failed); None times: an untimed (carried-over) message.
_STAGE_1: list[tuple[str, float | None, float | None, str, str | None, bool]] = [
    (
        "agent",
        1.2,
        4.8,
        "Thanks for calling Bright Dental, this is Ava. How can I help?",
        None,
        False,
    ),
    ("user", 5.6, 8.9, "Hi, I'd like to move my cleaning appointment to next week.", None, False),
    ("agent", 9.6, 12.4, "Of course. Can I have your name and date of birth?", None, False),
    ("user", 13.1, 16.8, "Maria Lopez, March third, nineteen eighty-six.", None, False),
    (
        "toolCall",
        17.3,
        17.5,
        '{"name": "Maria Lopez", "dob": "1986-03-03"}',
        "lookupAppointment",
        False,
    ),
    ("toolResult", 20.6, 20.7, "upstream timeout (504)", "lookupAppointment", True),
    ("agent", 20.9, 25.0, "Sorry, I'm having trouble pulling that up. One moment.", None, False),
    (
        "toolCall",
        25.3,
        25.4,
        '{"name": "Maria Lopez", "dob": "1986-03-03"}',
        "lookupAppointment",
        False,
    ),
    ("toolResult", 26.9, 27.0, '{"appointment": "2026-11-12T10:00"}', "lookupAppointment", False),
    (
        "agent",
        27.4,
        33.5,
        "Found it: Thursday the twelfth at ten. Which day suits you?",
        None,
        False,
    ),
    ("user", 32.7, 36.0, "Tuesday, if you have anything in the morning.", None, False),
    ("agent", 36.6, 40.1, "Tuesday at nine thirty is open. Shall I book it?", None, False),
    ("user", 40.8, 42.0, "Yes please.", None, False),
    ("toolCall", 42.4, 42.5, '{"slot": "2026-11-17T09:30"}', "bookAppointment", False),
    ("toolResult", 43.6, 43.7, '{"booked": true}', "bookAppointment", False),
    ("agent", 43.9, 48.7, "Done, you're booked for Tuesday at nine thirty.", None, False),
    ("user", 49.5, 55.4, f"Also my son's name is {INJECTION} can you note that?", None, False),
    ("agent", 55.0, 59.2, "I've added a note to your file.", None, False),
    ("user", 59.9, 62.1, "Hmm, wait, let me check something.", None, False),
    ("user", 74.1, 78.0, "Sorry. Can you also tell me what I owe?", None, False),
    ("agent", 78.9, 83.5, "Let me transfer you to billing for that.", None, False),
    ("toolCall", 83.8, 83.9, '{"department": "billing"}', "transferToBilling", False),
    ("toolResult", 84.9, 85.0, "stage changed", "transferToBilling", False),
]
_STAGE_2: list[tuple[str, float | None, float | None, str, str | None, bool]] = [
    ("agent", None, None, "(carried over) You are Sam, the billing assistant.", None, False),
    (
        "agent",
        87.0,
        91.6,
        "Hi Maria, this is Sam from billing. I see a balance of $45.",
        None,
        False,
    ),
    ("user", 92.3, 95.0, "Why forty-five? I thought insurance covered it.", None, False),
    ("agent", 95.8, 100.9, "Let me check your claim.", None, False),
    ("toolCall", 101.0, 101.1, '{"patient": "Maria Lopez"}', "getClaimStatus", False),
    (
        "toolResult",
        102.2,
        102.3,
        '{"status": "denied", "reason": "missing referral"}',
        "getClaimStatus",
        False,
    ),
    ("agent", 102.6, 108.8, "The claim was denied for a missing referral.", None, False),
    ("user", 109.5, 113.0, "Okay, can you send me the form?", None, False),
    ("agent", 113.7, 117.1, "Sure, I'll email it now.", None, False),
    ("toolCall", 117.3, 117.4, '{"template": "referral-form"}', "sendEmail", False),
    ("toolResult", 118.5, 118.6, '{"sent": true}', "sendEmail", False),
    ("agent", 118.9, 121.8, "It's on its way. Anything else?", None, False),
    ("user", 122.6, 124.0, "That's all, thanks.", None, False),
    ("agent", 124.6, 127.9, "Have a great day, Maria.", None, False),
    ("user", 128.4, 129.2, "Bye.", None, False),
    ("agent", 129.8, 131.0, "Goodbye!", None, False),
]


def _messages(
    stage: int, rows: list[tuple[str, float | None, float | None, str, str | None, bool]]
) -> list[Message]:
    out: list[Message] = []
    for index, (role, start, end, text, tool, failed) in enumerate(rows):
        # Each tool call and its result share an invocation id (calls are followed by results).
        invocation = f"inv-{stage}-{index if role == 'toolCall' else index - 1}" if tool else None
        out.append(
            {
                "stage": stage,
                "index": index,
                "role": role,
                "start": start,
                "end": end,
                "text": text,
                "toolName": tool,
                "invocationId": invocation,
                "failed": failed,
            }
        )
    return out


def _nearest_rank(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _tools(messages: list[Message]) -> list[dict[str, Any]]:
    calls = {m["invocationId"]: m for m in messages if m["role"] == "toolCall"}
    tools = []
    for result in (m for m in messages if m["role"] == "toolResult"):
        call = calls[result["invocationId"]]
        tools.append(
            {
                "name": call["toolName"],
                "invocationId": call["invocationId"],
                "stage": call["stage"],
                "callIndex": call["index"],
                "resultIndex": result["index"],
                "start": call["start"],
                "end": result["end"],
                "failed": result["failed"],
            }
        )
    return tools


def _turns(timed: list[Message]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    turns: list[dict[str, Any]] = []
    barge_ins: list[dict[str, Any]] = []
    last_user: Message | None = None
    last_agent: Message | None = None
    tools: list[str] = []
    for m in timed:
        if m["role"] == "user":
            if last_agent is not None and m["start"] < last_agent["end"]:
                barge_ins.append(
                    {
                        "stage": m["stage"],
                        "index": m["index"],
                        "time": m["start"],
                        "overlap": round(last_agent["end"] - m["start"], 3),
                    }
                )
            last_user, tools = m, []
        elif m["role"] == "toolCall":
            tools.append(m["toolName"])
        elif m["role"] == "agent":
            if last_user is not None:
                latency = round(m["start"] - last_user["end"], 3)
                turns.append(
                    {
                        "stage": m["stage"],
                        "index": m["index"],
                        "userEnd": last_user["end"],
                        "agentStart": m["start"],
                        "latency": latency,
                        "slow": latency > SLOW,
                        "tools": tools,
                    }
                )
            last_user, last_agent = None, m
    return turns, barge_ins


def _quiet(timed: list[Message], tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gaps with nobody speaking of DEAD_AIR or more, after taking out tool waits."""
    speech = [m for m in timed if m["role"] in ("agent", "user")]
    busy = sorted(
        [(m["start"], m["end"]) for m in speech] + [(t["start"], t["end"]) for t in tools]
    )
    dead: list[dict[str, Any]] = []
    reach, after = busy[0][1], speech[0]
    by_end = sorted(speech, key=lambda m: m["end"])
    for start, end in busy[1:]:
        if start - reach >= DEAD_AIR:
            after = max((m for m in by_end if m["end"] <= reach), key=lambda m: m["end"])
            dead.append(
                {
                    "stage": after["stage"],
                    "afterIndex": after["index"],
                    "start": reach,
                    "end": start,
                    "seconds": round(start - reach, 3),
                }
            )
        reach = max(reach, end)
    return dead


def timeline_from(call_id: str, stages: list[tuple[str, list[Message]]]) -> dict[str, Any]:
    messages = [m for _, stage in stages for m in stage]
    timed = sorted((m for m in messages if m["start"] is not None), key=lambda m: m["start"])
    tools = _tools(messages)
    turns, barge_ins = _turns(timed)
    latencies = [t["latency"] for t in turns]
    span_end = max(m["end"] for m in timed)
    stage_rows = []
    for number, (stage_id, stage_messages) in enumerate(stages, start=1):
        starts = [m["start"] for m in stage_messages if m["start"] is not None]
        ends = [m["end"] for m in stage_messages if m["end"] is not None]
        stage_rows.append(
            {"number": number, "stageId": stage_id, "start": min(starts), "end": max(ends)}
        )
    agent = sum(m["end"] - m["start"] for m in timed if m["role"] == "agent")
    user = sum(m["end"] - m["start"] for m in timed if m["role"] == "user")
    silence = max(0.0, span_end - agent - user)
    return {
        "callId": call_id,
        "live": False,
        "clock": "wall clock",
        "span": {"start": 0.0, "end": span_end},
        "thresholds": {"slowResponseSeconds": SLOW, "deadAirSeconds": DEAD_AIR},
        "stages": stage_rows,
        "messages": messages,
        "tools": tools,
        "events": [],
        "metrics": {
            "responseLatency": {
                "p50": _nearest_rank(latencies, 0.5),
                "p90": _nearest_rank(latencies, 0.9),
                "max": max(latencies, default=None),
                "count": len(latencies),
            },
            "turns": turns,
            "timeToFirstWord": next((m["start"] for m in timed if m["role"] == "agent"), None),
            "bargeIns": barge_ins,
            "talkOvers": [
                {
                    "stage": t["stage"],
                    "index": t["index"],
                    "time": t["agentStart"],
                    "latency": t["latency"],
                }
                for t in turns
                if t["latency"] < 0
            ],
            "deadAir": _quiet(timed, tools),
            "toolWaits": [],
            "talkShare": {
                "agentSeconds": agent,
                "userSeconds": user,
                "silenceSeconds": silence,
                "agentPercent": 100 * agent / span_end,
                "userPercent": 100 * user / span_end,
                "silencePercent": 100 * silence / span_end,
            },
            "toolLatency": [],
            "untimedMessages": len(messages) - len(timed),
        },
        "nextCursor": None,
    }


SAMPLE_CALL_ID = "8c1f2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f"
SAMPLE_STAGES = ("stage-reception-0001", "stage-billing-0002")


def sample_timeline() -> dict[str, Any]:
    timeline = timeline_from(
        SAMPLE_CALL_ID,
        [(SAMPLE_STAGES[0], _messages(1, _STAGE_1)), (SAMPLE_STAGES[1], _messages(2, _STAGE_2))],
    )
    timeline["events"] = [
        {"time": 0.4, "severity": "info", "type": "call_started", "text": "joined over SIP"},
        {
            "time": 20.6,
            "severity": "error",
            "type": "tool_error",
            "text": "lookupAppointment: upstream timeout (504)",
        },
        {
            "time": 62.1,
            "severity": "warning",
            "type": "silence",
            "text": f"no speech for 12 s {EVENT_INJECTION}",
        },
        {
            "time": 85.0,
            "severity": "info",
            "type": "stage_change",
            "text": "transferred to billing",
        },
    ]
    return timeline


def synthetic_timeline(count: int) -> dict[str, Any]:
    """A call of ``count`` messages: turns of caller then agent, a tool call every fifth turn
    (every 25th fails and slows the reply), a barge-in every 7th turn, two stages."""
    rows: list[Message] = []
    t = 0.5
    turn = 0
    while len(rows) < count:
        stage = 1 if len(rows) < count // 2 else 2
        index = sum(1 for r in rows if r["stage"] == stage)
        role = "user" if len(rows) % 2 == 0 else "agent"
        length = 2.0 + (turn % 4) * 0.7
        start = t - 1.2 if role == "user" and turn % 7 == 3 else t  # cut into the agent
        rows.append(
            {
                "stage": stage,
                "index": index,
                "role": role,
                "start": round(start, 3),
                "end": round(start + length, 3),
                "text": f"{role} words for turn {turn}",
                "toolName": None,
                "invocationId": None,
                "failed": False,
            }
        )
        t = start + length + 0.8
        if role == "user" and turn % 5 == 4 and len(rows) + 2 < count:
            failed = turn % 25 == 24
            inv = f"inv-{len(rows)}"
            for kind, at in (("toolCall", t), ("toolResult", t + (3.0 if failed else 0.9))):
                rows.append(
                    {
                        "stage": stage,
                        "index": index + 1 + (kind == "toolResult"),
                        "role": kind,
                        "start": round(at, 3),
                        "end": round(at + 0.1, 3),
                        "text": "{}",
                        "toolName": "lookup",
                        "invocationId": inv,
                        "failed": failed and kind == "toolResult",
                    }
                )
            t += 4.2 if failed else 1.2
        turn += role == "agent"
    stages = [(f"stage-{n}", [r for r in rows if r["stage"] == n]) for n in (1, 2)]
    return timeline_from(f"synthetic-{count}", stages)
