"""Calls: one-line rows for lists, and a detail view with no empty sections and no secrets."""

from __future__ import annotations

from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.render.digest import prompt_digest
from ultravox_calls_mcp.render.fmt import (
    compact_json,
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
from ultravox_calls_mcp.render.redact import redact_json
from ultravox_calls_mcp.render.text import fence

__all__ = ["call_detail_lines", "call_duration_seconds", "call_row"]

METADATA_KEYS_SHOWN = 40
_METADATA_VALUE_CHARS = 200
_MEDIUM_FACTS_CHARS = 300
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


def call_row(call: Call, *, summary_chars: int = 140) -> str:
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


def _medium(call: Call) -> list[str]:
    lines = []
    kinds = provider_names(call.medium)
    if kinds and isinstance(call.medium, dict):
        facts = [v for v in call.medium.values() if v]
        shown = compact_json(facts[0], _MEDIUM_FACTS_CHARS) if len(facts) == 1 else ""
        lines.append(f"medium: {kinds} {shown}".rstrip())
    if call.sip_details:
        reason = call.sip_details.get("terminationReason")
        billed = parse_seconds(str(call.sip_details.get("billedDuration") or ""))
        sip = [f"termination {plain(str(reason), 60)}" if reason else None]
        sip.append(f"billed {billed:.1f}s" if billed is not None else None)
        if any(sip):
            lines.append("sip: " + " · ".join(s for s in sip if s))
    return lines


def _settings(call: Call) -> list[str]:
    pairs = [
        ("model", plain(call.model, 80)),
        ("voice", voice_label(call.voice, call.external_voice)),
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
    if call.retention_policy:
        lines.append(f"retention: {plain(call.retention_policy, 40)}")
    return lines


def _metadata(call: Call) -> list[str]:
    if not call.metadata:
        return []
    redacted = redact_json(call.metadata)
    assert isinstance(redacted, dict)
    items = list(redacted.items())
    body = [
        f"{plain(str(key), 80)}: {untrusted_line(str(value), _METADATA_VALUE_CHARS)}"
        for key, value in items[:METADATA_KEYS_SHOWN]
    ]
    lines = [f"metadata ({len(items)} keys):", *fence("\n".join(body), "metadata").split("\n")]
    if len(items) > METADATA_KEYS_SHOWN:
        lines.append(f"… {len(items) - METADATA_KEYS_SHOWN} more keys not shown")
    return lines


def call_detail_lines(call: Call, *, prompt_read_hint: str) -> list[str]:
    """Everything worth knowing about one call, in compact lines; never the join URL."""
    lines = [f"call {plain(call.call_id)}"]
    if call.is_live:
        lines.append(LIVE_NOTE)
    timing = _timing(call)
    if timing:
        lines.append(timing)
    if call.end_reason:
        lines.append(f"end reason: {plain(call.end_reason, 60)}")
    billing = _billing(call)
    if billing:
        lines.append(billing)
    lines.append(f"agent: {_agent(call)}")
    lines.extend(_medium(call))
    lines.extend(_settings(call))
    lines.extend(_extras(call))
    summary = call.summary or call.short_summary
    if summary and summary.strip():
        lines.append("summary:")
        lines.extend(fence(untrusted_block(summary), "summary").split("\n"))
    lines.extend(_metadata(call))
    lines.extend(prompt_digest(call.system_prompt, read_hint=prompt_read_hint))
    return lines
