"""Agents, their call templates and the tools they offer, plus the voice catalogue."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from .model import ANCHOR, SPAN, Json, iso
from .text import COVERAGE_TOOL_DESCRIPTION, system_prompt


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    method: str
    url: str
    params: tuple[tuple[str, str, str], ...]  # (name, json type, location)
    # Calling it ends the current stage and starts a new one (a "stage change" tool).
    new_stage: str | None = None


TOOLS = {
    t.name: t
    for t in (
        ToolSpec(
            "lookupPatient",
            "Find a patient record by name and date of birth.",
            "GET",
            "https://api.brightsmile.example/patients",
            (("fullName", "string", "QUERY"), ("dateOfBirth", "string", "QUERY")),
        ),
        ToolSpec(
            "checkAvailability",
            "List free appointment slots for a day and treatment.",
            "GET",
            "https://booking.brightsmile.example/v2/slots",
            (("day", "string", "QUERY"), ("treatment", "string", "QUERY")),
        ),
        ToolSpec(
            "bookAppointment",
            "Book an appointment slot for a patient.",
            "POST",
            "https://booking.brightsmile.example/v2/appointments",
            (("patientId", "string", "BODY"), ("slotId", "string", "BODY")),
        ),
        ToolSpec(
            "lookupInvoice",
            "Fetch an invoice and its line items.",
            "GET",
            "https://billing.brightsmile.example/invoices/{invoiceId}",
            (("invoiceId", "string", "PATH"),),
        ),
        ToolSpec(
            "recordSurveyAnswer",
            "Store one answer of the satisfaction survey.",
            "POST",
            "https://survey.brightsmile.example/answers",
            (("question", "integer", "BODY"), ("answer", "string", "BODY")),
        ),
        # Offered only by a planted call (planted_fidelity.py); no agent template has it.
        ToolSpec(
            "checkInsuranceCoverage",
            COVERAGE_TOOL_DESCRIPTION,
            "POST",
            "https://billing.brightsmile.example/coverage",
            (("patientId", "string", "BODY"), ("treatment", "string", "BODY")),
        ),
        ToolSpec(
            "transferToBilling",
            "Hand the caller over to the billing specialist (starts a new stage).",
            "POST",
            "https://router.brightsmile.example/stages/billing",
            (("reason", "string", "BODY"),),
            new_stage="Billing Support",
        ),
        ToolSpec(
            "escalateToHuman",
            "Escalate to a human supervisor (starts a new stage while the caller waits).",
            "POST",
            "https://router.brightsmile.example/stages/escalation",
            (("summary", "string", "BODY"),),
            new_stage="Escalation Hold",
        ),
    )
}


def _parameters(spec: ToolSpec) -> list[Json]:
    return [
        {
            "name": name,
            "location": f"PARAMETER_LOCATION_{location}",
            "schema": {"type": kind, "description": f"The {name}."},
            "required": True,
        }
        for name, kind, location in spec.params
    ]


def base_tool(spec: ToolSpec) -> Json:
    """The agent-template form (``ultravox.v1.BaseToolDefinition``)."""
    return {
        "modelToolName": spec.name,
        "description": spec.description,
        "dynamicParameters": _parameters(spec),
        "timeout": "10s",
        "http": {"baseUrlPattern": spec.url, "httpMethod": spec.method},
    }


def call_tool(spec: ToolSpec, rng: random.Random) -> Json:
    """The per-call form (``CallTool``): a call tool id, the durable tool id (if any)."""
    definition: Json = {
        "description": spec.description,
        "dynamicParameters": _parameters(spec),
        "timeout": "10s",
        "http": {"baseUrlPattern": spec.url, "httpMethod": spec.method},
    }
    if spec.method == "GET":
        definition["precomputable"] = True
    return {
        "callToolId": new_id(rng),
        "toolId": new_id(rng) if spec.new_stage is None else None,
        "name": spec.name,
        "definition": definition,
    }


@dataclass(frozen=True)
class AgentSpec:
    name: str
    role: str
    tools: tuple[str, ...]
    prompt_chars: int
    temperature: float
    voice: str


AGENT_SPECS = (
    AgentSpec(
        "Front Desk — Dental",
        "front desk",
        ("lookupPatient", "checkAvailability", "bookAppointment", "transferToBilling"),
        24_000,
        0.3,
        "Ava",
    ),
    AgentSpec(
        "Billing Support",
        "billing",
        ("lookupInvoice", "escalateToHuman"),
        12_000,
        0.1,
        "Mark",
    ),
    AgentSpec("Outbound Survey", "survey", ("recordSurveyAnswer",), 4_000, 0.6, "Jessica"),
    AgentSpec(
        "Appointment Reminders",
        "reminders",
        ("checkAvailability", "bookAppointment"),
        6_000,
        0.2,
        "Hans",
    ),
    AgentSpec("After-hours Triage", "triage", ("escalateToHuman",), 40_000, 0.0, "Sakura"),
)

# Stage-change tools lead to these stage configurations (not agents of their own).
STAGE_TARGETS = {
    "Billing Support": AgentSpec(
        "Billing Support", "billing", ("lookupInvoice", "escalateToHuman"), 12_000, 0.1, "Mark"
    ),
    "Escalation Hold": AgentSpec("Escalation Hold", "escalation", (), 3_000, 0.0, "Jessica"),
}

VOICE_NAMES = ("Ava", "Mark", "Jessica", "Hans", "Sakura")


def build_voices(rng: random.Random) -> dict[str, str]:
    return {name: new_id(rng) for name in VOICE_NAMES}


_VOICE_LANGUAGES = {
    "Ava": ("en-US", "🇺🇸 English (United States)"),
    "Mark": ("en-GB", "🇬🇧 English (United Kingdom)"),
    "Jessica": ("en-US", "🇺🇸 English (United States)"),
    "Hans": ("de-DE", "🇩🇪 German (Germany)"),
    "Sakura": ("ja-JP", "🇯🇵 Japanese (Japan)"),
}


def voice_json(name: str, voice_id: str) -> Json:
    """A voice as ``GET /api/voices/{voice_id}`` returns it: a public, included voice."""
    language, label = _VOICE_LANGUAGES.get(name, ("en-US", "🇺🇸 English (United States)"))
    return {
        "voiceId": voice_id,
        "name": name,
        "description": f"{name}: a calm, clear voice for a front desk.",
        "primaryLanguage": language,
        "languageLabel": label,
        "previewUrl": f"https://storage.sandbox.invalid/voices/{voice_id}/preview.mp3",
        "ownership": "public",
        "billingStyle": "VOICE_BILLING_STYLE_INCLUDED",
        "provider": "eleven_labs",
        "definition": {"elevenLabs": {"voiceId": f"el-{name.lower()}", "model": "eleven_turbo"}},
    }


def build_agents(rng: random.Random, voices: dict[str, str]) -> tuple[list[Json], dict[str, str]]:
    """Agent JSON (statistics filled in later) and agent name -> its system prompt."""
    agents: list[Json] = []
    prompts: dict[str, str] = {}
    for index, spec in enumerate(AGENT_SPECS):
        created = ANCHOR - SPAN - timedelta(days=30 - index * 3, hours=index)
        prompt = system_prompt(spec.role, rng, spec.prompt_chars)
        prompts[spec.name] = prompt
        template: Json = {
            "name": spec.name,
            "created": iso(created),
            "updated": iso(created + timedelta(days=5, minutes=17 * index)),
            "systemPrompt": prompt,
            "temperature": spec.temperature,
            "model": "ultravox-v0.7",
            "voice": voices[spec.voice],
            "joinTimeout": "30s",
            "maxDuration": "1800s",
            "recordingEnabled": index % 2 == 0,
            "initialOutputMedium": "MESSAGE_MEDIUM_VOICE",
            "firstSpeakerSettings": {"agent": {}},
            "selectedTools": [{"temporaryTool": base_tool(TOOLS[t])} for t in spec.tools],
        }
        if spec.role == "survey":
            template["inactivityMessages"] = [
                {"duration": "8s", "message": "Are you still there?"},
                {
                    "duration": "10s",
                    "message": "I'll let you go. Goodbye!",
                    "endBehavior": "END_BEHAVIOR_HANG_UP_SOFT",
                },
            ]
        agents.append(
            {
                "agentId": new_id(rng),
                "publishedRevisionId": new_id(rng) if index != 2 else None,
                "name": spec.name,
                "created": iso(created),
                "callTemplate": template,
                "statistics": {"calls": 0},
            }
        )
    for name, spec in STAGE_TARGETS.items():
        prompts.setdefault(name, system_prompt(spec.role, rng, spec.prompt_chars))
    return agents, prompts
