"""Messages → one compact line each, with tool calls and results paired by invocation id.

Every message is folded onto one line (``one_line``), so speech cannot fake a new message,
a stage marker or a fence; the tool layer fences the whole block as untrusted data.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from ultravox_calls_mcp.api.models import CallStage, Message
from ultravox_calls_mcp.render.budget import window
from ultravox_calls_mcp.render.fmt import (
    compact_json,
    iso,
    parse_seconds,
    plain,
    seconds,
    short_enum,
    temperature,
    untrusted_block,
    untrusted_line,
    voice_label,
)
from ultravox_calls_mcp.render.text import clip, one_line

__all__ = [
    "ERROR_DETAILS_CHARS",
    "message_read_text",
    "message_text",
    "role_of",
    "short_invocation",
    "stage_boundary",
    "time_span",
    "transcript_lines",
]

TOOL_CALL = "TOOL_CALL"
TOOL_RESULT = "TOOL_RESULT"
ERROR_DETAILS_CHARS = 500

MoreHint = Callable[[Message, int], str]


# The roles the API documents, looked up rather than cleaned: a page asks for each
# message's role several times.
_KNOWN_ROLES = {
    f"MESSAGE_ROLE_{name}": name for name in ("USER", "AGENT", "TOOL_CALL", "TOOL_RESULT")
}


def role_of(message: Message) -> str:
    """``MESSAGE_ROLE_USER`` → ``USER``; an unknown role is shown as sent (cleaned)."""
    role = message.role
    known = _KNOWN_ROLES.get(role) if role else None
    return known or short_enum(role, "MESSAGE_ROLE_") or "UNKNOWN"


def time_span(message: Message) -> str | None:
    """``12.3–15.1s`` from the API's ``"12.340s"`` offsets; None when there are none."""
    span = message.timespan
    if span is None:
        return None
    start, end = parse_seconds(span.start), parse_seconds(span.end)
    if start is not None and end is not None:
        return f"{seconds(start)}–{seconds(end)}s"
    if start is not None:
        return f"{seconds(start)}s"
    if end is not None:
        return f"–{seconds(end)}s"
    return None


def short_invocation(invocation_id: str | None) -> str | None:
    """The invocation id that pairs a call with its result. Shown whole: a prefix can
    collide (ids need not be random), and a wrong pairing is worse than a longer line."""
    return plain(invocation_id, 64) or None


def _tool_label(name: str | None, invocation_id: str | None) -> str:
    label = plain(name, 80) or "?"
    short = short_invocation(invocation_id)
    return f"{label}#{short}" if short else label


def message_text(message: Message) -> str:
    """A message's text as offsets count it: cleaned and redacted, newlines kept.

    ``transcript_lines`` clips this text (not the raw one), so a key cut in half at the
    clip point was already redacted whole; a reader that continues at ``shown`` must
    window this same text.
    """
    return _cleaned(message.text or "")


def message_read_text(message: Message) -> str:
    """What reading one message whole shows: its text, then a failed tool's error details
    whole (after the text, so offsets into the text are the same as ``message_text``'s)."""
    text = message_text(message)
    if message.error_details:
        text += f"\n\n[error details]\n{_cleaned(message.error_details)}"
    return text


# A clipped message is cleaned once for its line and again for its cut note's total;
# on a ~100 KB utterance each pass costs tens of milliseconds.
@lru_cache(maxsize=4)
def _cleaned(text: str) -> str:
    return untrusted_block(text)


def _body(message: Message, max_text_chars: int, more_hint: MoreHint, *, as_json: bool) -> str:
    text = message_text(message)
    if not text.strip():
        return "(empty)"
    if len(text) > max_text_chars:
        part, _ = window(text, 0, max_text_chars)
        return f"{one_line(part)}… {more_hint(message, len(part))}"
    if as_json:
        # Tool arguments and results are usually JSON: compact it and redact by field name.
        try:
            return compact_json(json.loads(text))
        except ValueError:
            pass
    return one_line(text)


def _head(message: Message) -> str:
    index = message.call_stage_message_index
    span = time_span(message)
    if index is None:
        return span or ""
    return f"[{index}] {span}" if span else f"[{index}]"


def transcript_lines(
    messages: Sequence[Message],
    *,
    max_text_chars: int = 2_000,
    more_hint: MoreHint,
) -> list[str]:
    """One line per message: ``[7] 12.3–15.1s USER: text``.

    Tool calls read ``TOOL_CALL name#inv12345: {"args":…}``; their results carry the call's
    tool name, ``FAILED: …`` when the tool reported an error, and either side says when its
    partner is not among these messages.
    """
    roles = [role_of(m) for m in messages]  # once per message: asked three times below
    calls = {
        m.invocation_id: m
        for m, role in zip(messages, roles, strict=True)
        if role == TOOL_CALL and m.invocation_id
    }
    results = {
        m.invocation_id
        for m, role in zip(messages, roles, strict=True)
        if role == TOOL_RESULT and m.invocation_id
    }
    lines: list[str] = []
    for message, role in zip(messages, roles, strict=True):
        head = _head(message)
        prefix = f"{head} {role}" if head else role
        if role == TOOL_CALL:
            label = _tool_label(message.tool_name, message.invocation_id)
            note = "" if message.invocation_id in results else " (no result seen)"
            body = _body(message, max_text_chars, more_hint, as_json=True)
            lines.append(f"{prefix} {label}{note}: {body}")
        elif role == TOOL_RESULT:
            call = calls.get(message.invocation_id) if message.invocation_id else None
            name = (call.tool_name if call else None) or message.tool_name
            label = _tool_label(name, message.invocation_id)
            note = "" if call else " (call not seen)"
            failed = ""
            if message.error_details:
                details = untrusted_line(message.error_details, sys.maxsize)
                failed = f" FAILED: {clip(details, ERROR_DETAILS_CHARS)}"
                if len(details) > ERROR_DETAILS_CHARS:
                    # The line's index and stage name the one-message read.
                    failed += (
                        f" (error details: {len(details):,} characters, whole in "
                        "get_stage_messages with this message_index)"
                    )
            body = _body(message, max_text_chars, more_hint, as_json=True)
            if failed and body == "(empty)":
                lines.append(f"{prefix} {label}{note}{failed}")
            else:
                lines.append(f"{prefix} {label}{note}{failed}: {body}")
        else:
            body = _body(message, max_text_chars, more_hint, as_json=False)
            lines.append(f"{prefix}: {body}")
    return lines


def stage_boundary(
    index: int,
    stage: CallStage | None,
    stage_id: str,
    first_message_index: int | None,
    *,
    total: int | None = None,
    voice_names: Mapping[str, str] | None = None,
) -> str:
    """``=== stage 2 of 3 · <id> · started … · voice Mark (<id>) · temperature 0.4 ===``.

    ``index`` counts from 1. ``first_message_index`` > 0 says the stage is shown from a
    later message (its earlier lines were on a previous page).
    """
    parts = [f"stage {index} of {total}" if total else f"stage {index}", plain(stage_id) or "?"]
    if stage is not None:
        started = iso(stage.created)
        facts = [
            f"started {started}" if started else None,
            f"model {plain(stage.model, 80)}" if stage.model else None,
            _prefixed("voice", voice_label(stage.voice, stage.external_voice, voice_names)),
            _prefixed("temperature", temperature(stage.temperature)),
        ]
        parts.extend(fact for fact in facts if fact)
    else:
        parts.append("stage details not loaded")
    if first_message_index:
        parts.append(f"continuing at message [{first_message_index}]")
    return f"=== {' · '.join(parts)} ==="


def _prefixed(name: str, value: str | None) -> str | None:
    return f"{name} {value}" if value else None
