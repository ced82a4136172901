"""Words for the sample data: system prompts and callers (conversations: ``scripts.py``).

Prompts are assembled from paragraphs so their sizes can be steered (a few KB, tens of
KB, one of ~1 MB) without storing big literals. Callers' names deliberately carry accents
and CJK, because that is what breaks naive truncation and width maths.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

CALLERS = (
    "José García",
    "Anna Müller",
    "Søren Ødegaard",
    "Chloé Dubois",
    "田中 花子",
    "Zoë O'Brien",
    "Priya Raman",
    "Łukasz Wójcik",
    "Mohammed Al-Farsi",
    "Kim Nguyễn",
)


@dataclass(frozen=True)
class CallerInfo:
    """What the clinic knows about a caller, so every line of a call agrees with the others."""

    full: str
    short: str  # how an agent addresses them
    born: date
    patient_id: str
    speaks_japanese: bool = False

    @property
    def born_spoken(self) -> str:
        day = self.born.day
        suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"the {day}{suffix} of {_MONTHS[self.born.month - 1]}, {self.born.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


_CALLER_INFO = {
    info.full: info
    for info in (
        CallerInfo("José García", "José", date(1979, 5, 12), "P-10233"),
        CallerInfo("Anna Müller", "Anna", date(1987, 3, 4), "P-10417"),
        CallerInfo("Søren Ødegaard", "Søren", date(1991, 11, 23), "P-10562"),
        CallerInfo("Chloé Dubois", "Chloé", date(1995, 7, 8), "P-10678"),
        CallerInfo("田中 花子", "田中さん", date(1983, 1, 30), "P-10791", speaks_japanese=True),
        CallerInfo("Zoë O'Brien", "Zoë", date(2001, 9, 15), "P-10835"),
        CallerInfo("Priya Raman", "Priya", date(1976, 12, 2), "P-10904"),
        CallerInfo("Łukasz Wójcik", "Łukasz", date(1989, 6, 19), "P-11046"),
        CallerInfo("Mohammed Al-Farsi", "Mohammed", date(1968, 2, 27), "P-11182"),
        CallerInfo("Kim Nguyễn", "Kim", date(1998, 4, 11), "P-11250"),
    )
}


def caller_info(name: str) -> CallerInfo:
    """The details of a known caller; a made-up but stable record for any other name."""
    known = _CALLER_INFO.get(name)
    if known is not None:
        return known
    return CallerInfo(name, name.split()[0] if name.split() else name, date(1985, 1, 1), "P-19999")


_POLICY = (
    "Always confirm the caller's full name and date of birth before discussing an appointment.",
    "Never quote prices for treatments; offer to send the fee schedule by email instead.",
    "If the caller reports severe pain, swelling or bleeding, offer the earliest emergency slot.",
    "Speak in short sentences. Callers are often driving or at work.",
    "When a tool fails, apologise once, explain what you can still do, and offer a callback.",
    "Do not read out card numbers, account numbers or any credential, even if asked to.",
    "If the caller switches language, continue in their language if you can do so reliably.",
    "Insurance questions go to Billing Support; transfer with transferToBilling.",
    "Summarise what you agreed before ending the call, then say goodbye and hang up.",
    "Office hours are Monday to Friday 08:00-18:00 and Saturday 09:00-13:00 local time.",
    "Patients under 16 need a guardian present; note the guardian's name in the booking.",
    "Cancellation within 24 hours incurs a fee; mention it gently, never as a threat.",
)

_FAQ_TOPICS = (
    "whitening",
    "root canal",
    "crowns",
    "invoices",
    "payment plans",
    "x-rays",
    "hygiene visits",
    "orthodontics",
    "parking",
    "accessibility",
)


def system_prompt(role: str, rng: random.Random, approx_chars: int) -> str:
    """A realistic prompt for ``role`` of roughly ``approx_chars`` characters."""
    head = (
        f"You are the {role} voice agent for Brightsmile Dental Group.\n"
        "Be warm, brief and accurate. You are on a phone call; do not use markdown.\n\n"
        "## Rules\n"
    )
    parts = [head]
    size = len(head)
    section = 0
    while size < approx_chars:
        section += 1
        topic = _FAQ_TOPICS[rng.randrange(len(_FAQ_TOPICS))]
        lines = rng.sample(_POLICY, k=4)
        block = f"\n### Section {section}: {topic}\n" + "\n".join(f"- {line}" for line in lines)
        block += (
            f"\nQ: What should I tell a caller asking about {topic}?\n"
            f"A: Explain our {topic} policy in two sentences and offer to book a consultation.\n"
        )
        parts.append(block)
        size += len(block)
    return "".join(parts)


def extreme_prompt(rng: random.Random, approx_chars: int = 1_000_000) -> str:
    """A ~1 MB prompt, the kind someone builds by pasting a whole knowledge base in."""
    return system_prompt("knowledge-base", rng, approx_chars)


_COVERAGE_RULES = (
    "Check whether the caller's dental insurance covers a treatment, and how much of the fee "
    "it pays.",
    "Call it only after you have confirmed the caller's full name and date of birth with "
    "lookupPatient, and only when the caller asks about cost, coverage, co-payments or a "
    "reimbursement.",
    "Pass the patient id exactly as lookupPatient returned it and the treatment in the "
    "clinic's own words: cleaning, check-up, filling, x-rays, crown, root canal, whitening or "
    "orthodontics.",
    "If the caller names a treatment that is not on this list, ask which of these it is "
    "closest to; never guess.",
    "The result says whether the treatment is covered, the share the insurer pays in percent, "
    "the yearly allowance left, and whether the insurer needs a cost estimate before "
    "treatment.",
    "Read out the share and the allowance in plain words and round euro amounts to whole euros.",
    "Do not read out the policy number, the insurer's internal codes or the member id, even "
    "if the caller asks; they are in the result for the billing team only.",
    "When the result says an estimate is required, tell the caller the clinic sends it to the "
    "insurer after the first consultation and that treatment starts once the insurer has "
    "answered, usually within ten working days.",
    "Whitening is never covered; say so kindly and offer the self-pay price list by email "
    "instead of quoting prices.",
    "Orthodontics for adults is rarely covered; if the result says it is not, offer a "
    "consultation anyway.",
    "If the tool fails or times out, apologise once, say that billing will call back within "
    "one working day, and do not call the tool again in the same call.",
    "Never tell the caller that a treatment is covered unless this tool said so during this call.",
    "Private patients pay the clinic directly and claim the refund themselves; for them, say "
    "what the insurer usually refunds and that the clinic's invoice lists every line the "
    "insurer needs.",
    "Children under 16 are covered through a parent's policy: look up the parent first and "
    "pass the child's name in the request's note field.",
)
COVERAGE_TOOL_DESCRIPTION = " ".join(_COVERAGE_RULES)
"""2,000 characters: a tool description that is a page of instructions to the model."""
