"""Wire models: the Ultravox API's JSON as pydantic objects, parsed tolerantly.

Rules that keep parsing from breaking when Ultravox changes:
- unknown fields are kept (``extra="allow"``), never rejected;
- everything but an object's own id is optional, so older calls that lack
  newer fields still parse;
- enum-like fields (end reason, role, severity, ...) stay plain strings, so a
  value added upstream tomorrow parses today;
- nested configuration we only summarise or redact (medium, voices,
  callbacks, tool definitions) stays a plain JSON object.

Field names are snake_case in Python and camelCase on the wire.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

JsonObject = dict[str, Any]


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=True,
        # Validators are built on first use, not at import: the server imports every
        # model before it can answer initialize, and most sessions parse only a few.
        defer_build=True,
    )


class AgentBasic(WireModel):
    agent_id: str | None = None
    name: str | None = None


class InCallTimespan(WireModel):
    """Offsets from the call's start, as the API writes them: ``"12.5s"``."""

    start: str | None = None
    end: str | None = None


class TimedMessage(WireModel):
    duration: str | None = None
    message: str | None = None
    end_behavior: str | None = None


class Call(WireModel):
    call_id: str
    created: datetime | None = None
    joined: datetime | None = None
    ended: datetime | None = None
    end_reason: str | None = None
    billed_duration: str | None = None
    billed_side_input_tokens: int | None = None
    billed_side_output_tokens: int | None = None
    billing_status: str | None = None
    client_version: str | None = None
    first_speaker: str | None = None
    first_speaker_settings: JsonObject | None = None
    inactivity_messages: list[TimedMessage] = Field(default_factory=list[TimedMessage])
    initial_output_medium: str | None = None
    join_timeout: str | None = None
    join_url: str | None = None
    language_hint: str | None = None
    max_duration: str | None = None
    medium: JsonObject | None = None
    model: str | None = None
    recording_enabled: bool | None = None
    retention_policy: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    time_exceeded_message: str | None = None
    voice: str | None = None
    external_voice: JsonObject | None = None
    voice_overrides: JsonObject | None = None
    vad_settings: JsonObject | None = None
    short_summary: str | None = None
    summary: str | None = None
    agent: AgentBasic | None = None
    agent_id: str | None = None
    experimental_settings: Any = None
    metadata: dict[str, str] | None = None
    initial_state: JsonObject | None = None
    request_context: Any = None
    data_connection_config: JsonObject | None = None
    callbacks: JsonObject | None = None
    sip_details: JsonObject | None = None

    @property
    def is_live(self) -> bool:
        """A call without an end time may still change (and its join URL still works)."""
        return self.ended is None


class CallStage(WireModel):
    call_id: str | None = None
    call_stage_id: str
    created: datetime | None = None
    inactivity_messages: list[TimedMessage] = Field(default_factory=list[TimedMessage])
    initial_token_count: int | None = None
    latest_token_count: int | None = None
    language_hint: str | None = None
    model: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    time_exceeded_message: str | None = None
    voice: str | None = None
    external_voice: JsonObject | None = None
    voice_overrides: JsonObject | None = None
    error_count: int | None = None
    experimental_settings: Any = None
    initial_state: JsonObject | None = None


class Message(WireModel):
    """One transcript entry. The API omits empty fields, so all are optional."""

    role: str | None = None
    text: str | None = None
    invocation_id: str | None = None
    tool_name: str | None = None
    error_details: str | None = None
    medium: str | None = None
    call_stage_message_index: int | None = None
    call_stage_id: str | None = None
    call_state: JsonObject | None = None
    timespan: InCallTimespan | None = None
    wall_clock_timespan: InCallTimespan | None = None
    metadata: JsonObject | None = None


class CallEvent(WireModel):
    call_id: str | None = None
    call_stage_id: str | None = None
    call_timestamp: str | None = None
    severity: str | None = None
    type: str | None = None
    text: str | None = None
    extras: JsonObject | None = None
    wall_clock_timestamp: str | None = None


class CallTool(WireModel):
    call_tool_id: str | None = None
    tool_id: str | None = None
    name: str | None = None
    definition: JsonObject | None = None


class AgentStatistics(WireModel):
    calls: int | None = None


class Agent(WireModel):
    agent_id: str
    published_revision_id: str | None = None
    name: str | None = None
    created: datetime | None = None
    call_template: JsonObject | None = None
    statistics: AgentStatistics | None = None


class Voice(WireModel):
    """A voice, read only for its name: its definition can hold a provider's API key."""

    voice_id: str | None = None
    name: str | None = None


class Account(WireModel):
    account_id: str | None = None
    name: str | None = None
    billing_url: str | None = None
    free_time_used: str | None = None
    free_time_remaining: str | None = None
    has_active_subscription: bool | None = None
    subscription_tier: str | None = None
    active_calls: int | None = None
    allowed_concurrent_calls: int | None = None
