"""Calls: one-line rows for lists, and a detail view with no empty sections and no secrets."""

from __future__ import annotations

from collections.abc import Mapping

from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.render.digest import prompt_digest
from ultravox_calls_mcp.render.fmt import (
    iso,
    number,
    parse_seconds,
    plain,
    provider_names,
    short_enum,
    temperature,
    untrusted_block,
    untrusted_line,
    voice_label,
)
from ultravox_calls_mcp.render.medium import medium_lines
from ultravox_calls_mcp.render.metadata import MetadataRead, metadata_overview_lines
from ultravox_calls_mcp.render.text import fence

__all__ = [
    "SUMMARY_CHARS",
    "call_detail_lines",
    "call_duration_seconds",
    "call_row",
    "summary_clipped",
]

LIVE_NOTE = "live: this call may still change"


def call_duration_seconds(call: Call) -> float | None:
    """Joined → ended when both are known, else the billed duration (``"123.4s"``)."""
    if call.joined is not None and call.ended is not None:
        return max(0.0, (call.ended - call.joined).total_seconds())
    return parse_seconds(call.billed_duration)


def _agent(call: Call) -> str:
    name = call.agent.name if call.agent else None
    agent_id = call.agent_id or (call.agent.agent_id if call.agent else None)
    return plain(name, 60) or plain(agent_id) or "no agent"


SUMMARY_CHARS = 140


def summary_clipped(call: Call, *, summary_chars: int = SUMMARY_CHARS) -> bool:
    """Whether ``call_row`` clips this call's summary (get_call shows it whole)."""
    summary = call.short_summary or call.summary
    return bool(summary) and len(untrusted_line(summary or "", summary_chars + 1)) > summary_chars


def call_row(call: Call, *, summary_chars: int = SUMMARY_CHARS) -> str:
    """``<id> · 2026-11-03T10:00:00Z · 123s · hangup · agent Support Bot · “summary…”``"""
    duration = call_duration_seconds(call)
    parts = [plain(call.call_id) or "?", iso(call.created) or "created ?"]
    if call.is_live:
        parts.append("live")
    elif duration is not None:
        parts.append(f"{round(duration)}s")
    if call.end_reason:
        parts.append(plain(call.end_reason, 40) or "?")
    parts.append(f"agent {_agent(call)}")
    summary = call.short_summary or call.summary
    if summary:
        # Curly quotes inside are flattened so the summary cannot seem to close early.
        text = untrusted_line(summary, summary_chars).replace("“", '"').replace("”", '"')
        parts.append(f"“{text}”")
    return " · ".join(parts)


def _timing(call: Call) -> str:
    moments = (("created", call.created), ("joined", call.joined), ("ended", call.ended))
    parts = [f"{name} {iso(moment)}" for name, moment in moments if moment is not None]
    duration = call_duration_seconds(call)
    if duration is not None:
        parts.append(f"duration {duration:.1f}s")
    elif call.is_live:
        parts.append("duration: live")
    return " · ".join(parts)


def _billing(call: Call) -> str | None:
    parts = []
    status = short_enum(call.billing_status, "BILLING_STATUS_")
    if status:
        parts.append(status)
    billed = parse_seconds(call.billed_duration)
    if billed is not None:
        parts.append(f"billed {billed:.1f}s")
    tokens = [
        f"{side} {number(count)}"
        for side, count in (
            ("in", call.billed_side_input_tokens),
            ("out", call.billed_side_output_tokens),
        )
        if count is not None
    ]
    if tokens:
        parts.append("side tokens " + " / ".join(tokens))
    return f"billing: {' · '.join(parts)}" if parts else None


def _settings(call: Call, voice_names: Mapping[str, str] | None) -> list[str]:
    pairs = [
        ("model", plain(call.model, 80)),
        ("voice", voice_label(call.voice, call.external_voice, voice_names)),
        ("voice overrides", provider_names(call.voice_overrides)),
        ("temperature", temperature(call.temperature)),
        ("first speaker", _first_speaker(call)),
        ("language", plain(call.language_hint, 20)),
        ("recording", None if call.recording_enabled is None else _on(call.recording_enabled)),
        ("max duration", plain(call.max_duration, 20)),
        ("initial output", short_enum(call.initial_output_medium, "MESSAGE_MEDIUM_")),
        ("client", plain(call.client_version, 60)),
    ]
    shown = [f"{name}: {value}" for name, value in pairs if value]
    # Three to a line keeps the view short without packing unrelated facts together.
    return [" · ".join(shown[i : i + 3]) for i in range(0, len(shown), 3)]


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _first_speaker(call: Call) -> str | None:
    if call.first_speaker_settings:
        kinds = provider_names(call.first_speaker_settings)
        return kinds.upper() if kinds else None
    return short_enum(call.first_speaker, "FIRST_SPEAKER_")


def _extras(call: Call) -> list[str]:
    lines = []
    if call.callbacks:
        events = provider_names({k: v for k, v in call.callbacks.items() if v})
        if events:
            lines.append(f"callbacks: {events} (urls and secrets not shown)")
    if call.data_connection_config:
        lines.append("data connection: configured (url and headers not shown)")
    if call.inactivity_messages:
        lines.append(f"inactivity messages: {len(call.inactivity_messages)}")
    if call.initial_state:
        lines.append(f"initial state: {len(call.initial_state)} keys")
    # "retain" is the default and tells nothing; auto-delete explains data gone later.
    if call.retention_policy == "auto_delete":
        lines.append("retention: auto-delete after billing (messages and recording go then)")
    elif call.retention_policy and call.retention_policy != "retain":
        lines.append(f"retention: {plain(call.retention_policy, 40)}")
    return lines


def call_detail_lines(
    call: Call,
    *,
    prompt_read_hint: str,
    read_metadata: MetadataRead,
    voice_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Everything worth knowing about one call, in compact lines; never the join URL.

    The call's id is the caller's header, not repeated here. ``read_metadata`` renders
    the exact read of the metadata cut from the overview; ``voice_names`` names voices.
    """
    lines = [LIVE_NOTE] if call.is_live else []
    timing = _timing(call)
    if timing:
        lines.append(timing)
    if call.end_reason:
        lines.append(f"end reason: {plain(call.end_reason, 60)}")
    billing = _billing(call)
    if billing:
        lines.append(billing)
    lines.append(f"agent: {_agent(call)}")
    lines.extend(medium_lines(call.medium, call.sip_details))
    lines.extend(_settings(call, voice_names))
    lines.extend(_extras(call))
    summary = call.summary or call.short_summary
    if summary and summary.strip():
        lines.append("summary:")
        lines.extend(fence(untrusted_block(summary), "summary").split("\n"))
    lines.extend(metadata_overview_lines(call.metadata or {}, read_metadata))
    lines.extend(prompt_digest(call.system_prompt, read_hint=prompt_read_hint))
    return lines
