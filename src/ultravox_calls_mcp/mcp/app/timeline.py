"""The timeline JSON the viewer page draws, one page at a time (shape: ``contract.py``).

Pure: messages, stages, events and metrics in, JSON out. Every string from the call
(speech, tool arguments and results, event text, names) is cleaned and redacted here as in
any text we show; the page then sets it as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from ultravox_calls_mcp.api.models import CallEvent, Message
from ultravox_calls_mcp.metrics import CallMetrics, TimedMessage, Timeline, viewer_json
from ultravox_calls_mcp.render.fmt import parse_seconds, plain, untrusted_line
from ultravox_calls_mcp.render.text import clip
from ultravox_calls_mcp.render.transcript import message_text

Json = dict[str, Any]

# Messages per timeline page: a 2,500-message call arrives in 10 answers.
PAGE_MESSAGES: Final = 250
# A message's text as the transcript list shows it (the page clips longer text anyway).
TEXT_CHARS: Final = 2_000
ERROR_CHARS: Final = 500
EVENT_TEXT_CHARS: Final = 500
MAX_EVENTS: Final = 1_000
_SEVERITIES: Final = {"error": "error", "warning": "warning", "info": "info", "debug": "info"}


def _s(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _text(message: Message) -> str:
    text = clip(message_text(message), TEXT_CHARS)
    if message.error_details:
        failure = untrusted_line(message.error_details, ERROR_CHARS)
        text = f"{text}\nerror: {failure}" if text.strip() else f"error: {failure}"
    return text


def message_rows(timeline: Timeline, order: Sequence[Message]) -> list[Json]:
    """``order``'s messages as the page's rows. ``timeline``: built from them (or more)
    grouped by stage, every stage of the call in order (empty ones too), so stage numbers
    are the call's."""
    placed = {id(p.message): p for p in (*timeline.timed, *timeline.untimed)}
    rows: list[Json] = []
    for message in order:
        where = placed[id(message)]
        start, end = (where.start, where.end) if isinstance(where, TimedMessage) else (None, None)
        rows.append(
            {
                "stage": where.stage,
                "index": where.index,
                "role": where.role,
                "start": _s(start),
                "end": _s(end),
                "text": _text(message),
                "toolName": plain(message.tool_name, 200),
                "invocationId": plain(message.invocation_id, 200),
                "failed": bool(message.error_details),
            }
        )
    return rows


def event_rows(events: Sequence[CallEvent]) -> list[Json]:
    return [
        {
            "time": _s(parse_seconds(event.call_timestamp)),
            "severity": _SEVERITIES.get((event.severity or "").lower(), "info"),
            "type": plain(event.type, 200) or "event",
            "text": untrusted_line(event.text or "", EVENT_TEXT_CHARS),
        }
        for event in events
    ]


def first_page(
    call_id: str,
    *,
    live: bool,
    metrics: CallMetrics,
    messages: list[Json],
    events: list[Json],
    events_total: int,
    next_cursor: str | None,
) -> Json:
    """Stages, tools, events and metrics (of the whole call) and the first messages."""
    page: Json = {
        "callId": call_id,
        "live": live,
        **viewer_json(metrics),
        "events": events,
        "messages": messages,
        "nextCursor": next_cursor,
    }
    if events_total > len(events):
        page["eventsLeftOut"] = events_total - len(events)
    return page


def later_page(call_id: str, messages: list[Json], next_cursor: str | None) -> Json:
    return {"callId": call_id, "messages": messages, "nextCursor": next_cursor}


def page_note(call_id: str, first: int, count: int, total: int | None, cursor: str | None) -> str:
    """The result's text: what this page holds and how to read on (the page reads the
    structured copy; this is for a person or a model looking at the raw result)."""
    of = f" of {total:,}" if total is not None else ""
    span = f"messages {first + 1:,}–{first + count:,}{of}" if count else f"no messages{of}"
    more = f'; next cursor: "{cursor}"' if cursor else "; end of the timeline"
    return f"Timeline data of call {call_id} for the call viewer: {span}{more}."
