"""Call events (warnings, errors, tool timings) as one line each, and one event whole."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from ultravox_calls_mcp.api.models import CallEvent
from ultravox_calls_mcp.render.fmt import (
    compact_json,
    parse_seconds,
    plain,
    untrusted_block,
    untrusted_line,
)
from ultravox_calls_mcp.render.redact import redact_json
from ultravox_calls_mcp.render.text import clip

__all__ = ["event_is_clipped", "event_line", "event_lines", "event_whole_text"]

TEXT_CHARS = 500
EXTRAS_CHARS = 300


def _parts(event: CallEvent) -> tuple[str | None, str | None]:
    """The text and the extras as a row shows them, unclipped."""
    text = untrusted_line(event.text, sys.maxsize) if event.text else None
    extras = compact_json(event.extras) if event.extras else None
    return text, extras


def event_is_clipped(event: CallEvent) -> bool:
    text, extras = _parts(event)
    return len(text or "") > TEXT_CHARS or len(extras or "") > EXTRAS_CHARS


def event_line(event: CallEvent, *, number: int | None = None) -> str:
    """``12.3s WARNING audio_underflow: text {"extra":1}``; a clipped row ends with its
    number in the list (``(event #7 clipped)``), which reads it whole."""
    at = parse_seconds(event.call_timestamp)
    head = [
        f"{at:.1f}s" if at is not None else (plain(event.call_timestamp, 40) or "?s"),
        (plain(event.severity, 20) or "?").upper(),
        f"{plain(event.type, 60) or 'event'}:",
    ]
    text, extras = _parts(event)
    if text:
        head.append(clip(text, TEXT_CHARS))
    if extras:
        head.append(clip(extras, EXTRAS_CHARS))
    if number is not None and event_is_clipped(event):
        head.append(f"(event #{number} clipped)")
    return " ".join(head)


def event_lines(events: Sequence[CallEvent], *, first_number: int | None = None) -> list[str]:
    """One line per event; ``first_number`` numbers them as the list does (from 1)."""
    return [
        event_line(event, number=None if first_number is None else first_number + i)
        for i, event in enumerate(events)
    ]


def event_whole_text(event: CallEvent) -> str:
    """One event whole: its line's head, its text (line breaks kept) and its extras as
    indented JSON, cleaned and redacted."""
    lines = [event_line(event.model_copy(update={"text": None, "extras": None}))]
    if event.text:
        lines += ["text:", untrusted_block(event.text)]
    if event.extras:
        extras = json.dumps(redact_json(event.extras), ensure_ascii=False, indent=1, default=str)
        lines += ["extras (JSON):", untrusted_block(extras)]
    return "\n".join(lines)
