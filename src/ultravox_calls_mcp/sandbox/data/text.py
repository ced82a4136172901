"""Words for the sample data: system prompts, caller names and conversation lines.

Prompts are assembled from paragraphs so their sizes can be steered (a few KB, tens of
KB, one of ~1 MB) without storing big literals. Caller lines deliberately carry accents,
CJK and emoji, because that is what breaks naive truncation and width maths.
"""

from __future__ import annotations

import random

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


GREETINGS = (
    "Thanks for calling Brightsmile Dental, this is Ava. How can I help you today?",
    "Hi, you've reached Brightsmile billing. What can I do for you?",
    "Hello! This is Brightsmile calling with a short two-minute survey. Is now a good time?",
    "Hi, this is Brightsmile with a reminder about your appointment. Do you have a moment?",
)

USER_LINES = (
    "Hi, I'd like to book a cleaning for next week, maybe Tuesday?",
    "My name is {name}. Date of birth is the 4th of March, 1987.",
    "Actually, can I move it to the afternoon? Mornings are hard for me 😅",
    "I got an invoice I don't understand, it says 240 euros for a check-up.",
    "Yes, Thursday at 3 works. Danke schön!",
    "Is there parking near the clinic? I'll be coming from Zürich.",
    "My daughter also needs a visit — can we book back to back? 👍",
    "Sorry, the line is bad. Could you repeat that?",
    "私の予約を確認したいです (I want to confirm my appointment).",
    "Great, that's everything. Thanks a lot!",
)

AGENT_LINES = (
    "Of course. Could I have your full name and date of birth, please?",
    "Thank you, {name}. Let me check availability for you.",
    "I have Tuesday at 10:30 or Thursday at 15:00. Which would you prefer?",
    "You're booked for Thursday at 15:00. You'll get a text confirmation shortly.",
    "There's a car park behind the building; the first hour is free.",
    "I understand. Let me look at that invoice with you.",
    "Is there anything else I can help you with today?",
    "Thanks for calling Brightsmile. Have a lovely day!",
)
