"""Call events (warnings, errors, tool timings) as one line each."""

from __future__ import annotations

from collections.abc import Sequence

from ultravox_calls_mcp.api.models import CallEvent
from ultravox_calls_mcp.render.fmt import compact_json, parse_seconds, plain, untrusted_line

__all__ = ["event_line", "event_lines"]

_TEXT_CHARS = 500
_EXTRAS_CHARS = 300


def event_line(event: CallEvent, *, text_chars: int = _TEXT_CHARS) -> str:
    """``12.3s WARNING audio_underflow: text {"extra":1}``"""
    at = parse_seconds(event.call_timestamp)
    head = [
        f"{at:.1f}s" if at is not None else (plain(event.call_timestamp, 40) or "?s"),
        (plain(event.severity, 20) or "?").upper(),
        f"{plain(event.type, 60) or 'event'}:",
    ]
    if event.text:
        head.append(untrusted_line(event.text, text_chars))
    if event.extras:
        head.append(compact_json(event.extras, _EXTRAS_CHARS))
    return " ".join(head)


def event_lines(events: Sequence[CallEvent]) -> list[str]:
    return [event_line(event) for event in events]
