"""Calls planted for fidelity and safety: outsized metadata, a long tool description, a
30,000-letter message and a caller whose words are HTML.

Each is what real accounts produce now and then: a CRM that copies every field into
metadata, a tool whose description is a page of instructions, speech-to-text turning line
noise into one endless "aaaa…", a caller (or a prankster's test harness) whose name is
markup. They exist so that no cut, regex or page can quietly fail on them.
"""

from __future__ import annotations

import json

from .agents import TOOLS
from .transcripts import Turn

WIDE_METADATA_KEYS = 300
LARGE_METADATA_KEY = "crm_snapshot"
REPEATED_LETTERS = "a" * 30_000
HTML_NAME = "<img src=x onerror=alert(1)>"
HTML_SCRIPT = "<script>alert('sandbox')</script>"

LONG_TOOL = TOOLS["checkInsuranceCoverage"]  # its description is 2,000 characters


def wide_metadata() -> dict[str, str]:
    """300 keys, as a CRM integration that mirrors every contact field writes them."""
    sections = ("contact", "consent", "insurance", "marketing", "history", "preferences")
    return {
        f"{sections[i % len(sections)]}_{i:03d}": f"field {i} of the CRM export ({i * 37 % 101})"
        for i in range(WIDE_METADATA_KEYS)
    }


def large_metadata() -> dict[str, str]:
    """One value holding a >5 KB JSON document (a CRM record pasted in whole)."""
    visits = [
        {
            "date": f"2026-{1 + i % 10:02d}-{1 + (i * 7) % 27:02d}",
            "treatment": ("cleaning", "check-up", "filling", "x-rays")[i % 4],
            "dentist": ("Dr. Weber", "Dr. Okafor", "Dr. Lindqvist")[i % 3],
            "invoice": {"id": f"INV-{20_000 + i * 13}", "total": f"{95 + i * 5}.00 EUR"},
            "notes": "Patient prefers afternoon appointments; reminder by SMS the day before.",
        }
        for i in range(26)
    ]
    record = {
        "patientId": "P-11182",
        "fullName": "Mohammed Al-Farsi",
        "insurer": {"name": "Helvetia Dental Plus", "share": 80, "allowanceLeft": "640.00 EUR"},
        "visits": visits,
    }
    return {
        "customer_tier": "silver",
        "campaign": "invoice-followup",
        LARGE_METADATA_KEY: json.dumps(record, ensure_ascii=False, separators=(",", ":")),
    }


def coverage_turns() -> list[Turn]:
    """A short front-desk call that uses the long-described tool once."""
    return [
        Turn("AGENT", "Thanks for calling Brightsmile Dental, this is Ava. How can I help?"),
        Turn("USER", "Hi, José García here. Does my insurance cover a crown?"),
        Turn(
            "TOOL",
            json.dumps({"patientId": "P-10233", "treatment": "crown"}),
            tool=LONG_TOOL.name,
            result=json.dumps({"covered": True, "share": 60, "estimateRequired": True}),
        ),
        Turn(
            "AGENT",
            "It does: your insurer pays 60 percent. They need a cost estimate first, which we "
            "send after the consultation.",
        ),
        Turn("USER", "Okay, that's good to know. Thanks!"),
        Turn("AGENT", "You're welcome, José. Goodbye!"),
    ]


def repeated_letters_turns() -> list[Turn]:
    """Line noise that speech-to-text wrote down as 30,000 letters, 18 s of it."""
    return [
        Turn("AGENT", "Brightsmile after-hours line, this is Sakura. What's happening?"),
        Turn("USER", REPEATED_LETTERS, lasts=18.0),
        Turn("AGENT", "Sorry, the line is very noisy. Could you say that again?"),
        Turn("USER", "Sorry, bad signal. I have a throbbing toothache since this evening."),
        Turn("AGENT", "I'm sorry. Take an ibuprofen if you can, and call us at eight for a slot."),
        Turn("USER", "Okay, I will. Thanks."),
    ]


def html_turns() -> list[Turn]:
    """A caller whose words are markup: shown as text, never run, by anything that reads them."""
    return [
        Turn("AGENT", "Thanks for calling Brightsmile Dental, this is Ava. How can I help?"),
        Turn("USER", f"Hi, my name is {HTML_NAME} and I'd like to book a cleaning."),
        Turn(
            "TOOL",
            json.dumps({"fullName": HTML_NAME, "dateOfBirth": "1990-01-01"}),
            tool="lookupPatient",
            result=json.dumps({"error": "No patient found with that name."}),
        ),
        Turn("AGENT", "I couldn't find that name. Could you spell your name for me?"),
        Turn("USER", f"{HTML_SCRIPT} Just book me in, please."),
        Turn("AGENT", "I'm sorry, I need your real name to book. Please call back anytime."),
    ]
