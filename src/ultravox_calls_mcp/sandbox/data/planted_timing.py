"""Calls planted for voice timing: a slow reply after one tool, a barge-in, dead air and
an agent talking over the caller.

Every message of these calls has its timing written out (``after``: seconds from the end
of everything said so far, negative for an overlap; ``lasts``: how long it is spoken), so
each case has an exact size that tests can hold the metrics to. Everything else in them
stays ordinary: replies within about a second, tools of a few hundred milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .model import CallRecord, PlantedCase
from .transcripts import Turn


def say(role: str, text: str, after: float, lasts: float) -> Turn:
    return Turn(role, text, after=after, lasts=lasts)


def use(tool: str, args: object, result: object, after: float, wait: float) -> Turn:
    """A tool call placed ``after`` seconds after the last words; its result ``wait``
    seconds after the call (the call itself streams for 0.2 s)."""
    return Turn(
        "TOOL",
        json.dumps(args, ensure_ascii=False),
        tool=tool,
        result=json.dumps(result, ensure_ascii=False),
        after=after,
        lasts=0.2,
        wait=wait,
    )


@dataclass(frozen=True)
class TimingScript:
    """A planted call's agent, caller and turns, and which turn shows the case."""

    agent: str
    caller: str
    turns: list[Turn]
    case_turn: int  # position in ``turns`` of the message the case is about


SLOW_TOOL = "checkAvailability"

_AFTERNOONS = [
    {
        "slotId": f"{day[:3].lower()}-{hour:02d}{minute:02d}",
        "start": f"{day} at {hour}:{minute:02d}",
    }
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    for hour, minute in ((13, 0), (14, 30), (15, 30), (16, 0), (17, 15), (18, 0))
]

# The agent answers quickly except right after checkAvailability, whose 30-slot result
# it takes over 3 s to digest each time: 5.35 s and 4.75 s from the caller's last word.
SLOW_AFTER_TOOL = TimingScript(
    agent="Front Desk — Dental",
    caller="Priya Raman",
    turns=[
        say("AGENT", "Thanks for calling Brightsmile Dental, this is Ava. How can I help?",
            0.5, 4.2),
        say("USER", "Hi, it's Priya Raman, born the 2nd of December 1976.", 0.6, 3.9),
        use("lookupPatient", {"fullName": "Priya Raman", "dateOfBirth": "1976-12-02"},
            {"patientId": "P-10904", "fullName": "Priya Raman"}, 0.5, 0.4),
        say("AGENT", "Thanks, Priya, I have your record. What can I do for you?", 0.4, 3.6),
        say("USER", "I'd like a cleaning next week, any afternoon.", 0.6, 2.9),
        use(SLOW_TOOL, {"day": "next week", "treatment": "cleaning", "after": "12:00"},
            {"slots": _AFTERNOONS}, 0.6, 0.9),
        say("AGENT", "I have plenty of afternoons: Monday at 13:00, Tuesday at 15:30 or "
            "Thursday at 16:00, among others. Which suits you?", 3.6, 8.0),
        say("USER", "Tuesday at 15:30, please.", 0.7, 1.8),
        use("bookAppointment", {"patientId": "P-10904", "slotId": "tue-1530"},
            {"confirmed": True, "slotId": "tue-1530"}, 0.4, 0.6),
        say("AGENT", "You're booked for Tuesday at 15:30. Anything else?", 0.4, 3.5),
        say("USER", "Could you check the week after as well, just in case?", 0.6, 3.6),
        use(SLOW_TOOL, {"day": "the week after", "treatment": "cleaning", "after": "12:00"},
            {"slots": _AFTERNOONS[:18]}, 0.5, 0.7),
        say("AGENT", "The week after I have Monday at 14:30 or Wednesday at 16:00.", 3.3, 4.6),
        say("USER", "No, Tuesday is fine. Thanks, bye!", 0.6, 2.4),
        say("AGENT", "Goodbye, Priya!", 0.7, 1.2),
    ],
    case_turn=6,
)  # fmt: skip

# The patient cuts into a long reminder 1.1 s before the agent would have finished.
BARGE_IN = TimingScript(
    agent="Appointment Reminders",
    caller="Søren Ødegaard",
    turns=[
        say("AGENT", "Hello, this is Hans from Brightsmile Dental with a reminder about your "
            "appointment tomorrow, Thursday, at 10:30 with Dr. Weber. Please bring your "
            "insurance card and arrive ten minutes early so we can", 0.4, 11.5),
        say("USER", "Sorry — yes, yes, I know, I'll be there.", -1.1, 3.2),
        say("AGENT", "Great, thank you, Søren. Do you need directions or parking?", 0.7, 4.0),
        say("USER", "No, I'm fine. Thanks.", 0.5, 1.6),
        say("AGENT", "See you tomorrow. Goodbye!", 0.6, 1.8),
    ],
    case_turn=1,
)  # fmt: skip

# The caller goes to find a letter: 12 s with nobody speaking and no tool running.
DEAD_AIR = TimingScript(
    agent="Billing Support",
    caller="Łukasz Wójcik",
    turns=[
        say("AGENT", "Brightsmile billing, this is Mark. How can I help?", 0.5, 3.4),
        say("USER", "Hi, I have a letter from my insurer about invoice INV-20881.", 0.6, 4.4),
        say("AGENT", "Of course. Could you read me the reference number on the letter?", 0.9, 4.2),
        say("USER", "Hang on, it's here somewhere… one moment.", 0.5, 2.6),
        say("AGENT", "Sure, take your time.", 0.8, 1.6),
        say("USER", "Found it. The reference is 4-4-0-9.", 12.0, 3.0),
        use("lookupInvoice", {"invoiceId": "INV-20881"},
            {"invoiceId": "INV-20881", "total": "180.00 EUR", "insurerPaid": "144.00 EUR"},
            0.5, 0.7),
        say("AGENT", "Thanks. Your insurer paid 144 euros, so your share is 36 euros.", 0.5, 4.8),
        say("USER", "Great, thanks. Bye.", 0.6, 1.8),
        say("AGENT", "Goodbye!", 0.7, 1.0),
    ],
    case_turn=4,
)  # fmt: skip

# The agent starts its next question 0.6 s before the caller has finished her answer.
TALK_OVER = TimingScript(
    agent="Outbound Survey",
    caller="Zoë O'Brien",
    turns=[
        say("AGENT", "Hi Zoë, this is Jessica from Brightsmile Dental with a short survey. "
            "From 1 to 5, how easy was booking your last visit?", 0.5, 6.6),
        say("USER", "Oh, um, I'd say a four.", 0.8, 2.0),
        use("recordSurveyAnswer", {"question": 1, "answer": "4"}, {"saved": True}, 0.3, 0.3),
        say("AGENT", "Thank you. And how satisfied were you with the treatment itself?", 0.4, 4.5),
        say("USER", "The treatment was fine, really, but the waiting room was cold and I "
            "waited almost forty minutes past my appointment time, which", 0.7, 7.0),
        say("AGENT", "I'm sorry to hear about the wait. How would you rate it from 1 to 5?",
            -0.6, 4.0),
        say("USER", "Three, I guess.", 0.6, 1.5),
        use("recordSurveyAnswer", {"question": 2, "answer": "3"}, {"saved": True}, 0.3, 0.3),
        say("AGENT", "Thanks, Zoë, that's all. Have a good day!", 0.4, 3.0),
    ],
    case_turn=5,
)  # fmt: skip

TIMING_SCRIPTS = {
    "slow_after_tool": SLOW_AFTER_TOOL,
    "barge_in": BARGE_IN,
    "dead_air": DEAD_AIR,
    "talk_over": TALK_OVER,
}


def message_index(turns: Sequence[Turn], position: int) -> int:
    """Where turn ``position`` lands in a first stage's messages (a tool turn makes two)."""
    return sum(2 if turn.role == "TOOL" else 1 for turn in turns[:position])


def _span(message: dict[str, object]) -> tuple[float, float]:
    span = message["timespan"]
    assert isinstance(span, dict)
    return float(span["start"].rstrip("s")), float(span["end"].rstrip("s"))


def timing_case(kind: str, record: CallRecord) -> PlantedCase:
    """The case as it came out of the built call, measured on its messages."""
    script = TIMING_SCRIPTS[kind]
    stage = record.stages[0]
    index = message_index(script.turns, script.case_turn)
    messages = stage.messages
    start, _ = _span(messages[index])
    if kind == "barge_in":
        size = _span(messages[index - 1])[1] - start  # the agent's end minus the user's start
    elif kind == "dead_air":
        size = _span(messages[index + 1])[0] - _span(messages[index])[1]
    else:  # a response latency: after the caller's last line
        user = max(i for i in range(index) if messages[i]["role"] == "MESSAGE_ROLE_USER")
        size = start - _span(messages[user])[1]
    return PlantedCase(record.call_id, stage.stage_id, index, round(size, 3))
