"""Tool over a call's event log: list_call_events (and one event whole)."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from ultravox_calls_mcp.api.client import Severity
from ultravox_calls_mcp.api.models import CallEvent
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import (
    READ_ONLY,
    CallId,
    Cursor,
    EventType,
    MaxChars,
    Offset,
    PageSize,
)
from ultravox_calls_mcp.mcp.results.compose import compose, read_window
from ultravox_calls_mcp.mcp.results.list_pages import read_page
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.events import (
    EXTRAS_CHARS,
    TEXT_CHARS,
    event_is_clipped,
    event_lines,
    event_whole_text,
)

EventNumber = Annotated[
    int | None,
    Field(
        description="Read one event whole (text and extras), by its number in this list "
        "as a clipped row prints it ('event #7 clipped'); windowed by offset. Keep the "
        "same minimum_severity and event_type: they decide the numbering.",
        ge=1,
        le=1_000_000,
    ),
]


@tool_errors
async def list_call_events(
    ctx: Context,
    call_id: CallId,
    minimum_severity: Annotated[
        Severity,
        Field(description="Lowest severity to include: debug < info (default) < warning < error."),
    ] = "info",
    event_type: EventType = None,
    page_size: PageSize = None,
    cursor: Cursor = None,
    event_number: EventNumber = None,
    offset: Offset = 0,
    max_chars: MaxChars = None,
) -> str:
    """A call's event log, oldest first: call time, severity, type and text (errors,
    warnings, tool failures, latency notes). Filter by minimum severity and type. A row
    whose text or extras are clipped says its number: event_number=… reads it whole."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    type_arg = f', event_type="{event_type}"' if event_type else ""
    where = f'call_id="{call_id}", minimum_severity="{minimum_severity}"{type_arg}'
    if event_number is not None:
        if cursor is not None or page_size is not None:
            raise ToolError(
                "event_number reads one event and takes no cursor or page_size. Call again "
                "with call_id, the same minimum_severity and event_type, event_number and, "
                "to read on in a long event, offset."
            )
        return await _one_event(
            state,
            call_id,
            minimum_severity,
            event_type,
            event_number,
            where=where,
            offset=offset,
            budget=budget,
        )
    if offset:
        raise ToolError(
            "offset reads on in one event: pass it with event_number=…, as the cut line "
            "printed it. The list itself pages by cursor."
        )
    size = page_size or state.settings.page_size

    async def fetch(upstream: str | None) -> Page[CallEvent]:
        return await state.client.list_call_events(
            call_id,
            minimum_severity=minimum_severity,
            event_type=event_type,
            cursor=upstream,
            page_size=size,
        )

    view = await read_page(fetch, kind="events", tool="list_call_events", cursor=cursor)
    rows = event_lines(list(view.rows), first_number=view.first_number)
    clipped = [view.first_number + i for i, e in enumerate(view.rows) if event_is_clipped(e)]
    filters = f"severity ≥ {minimum_severity}" + (f", type = {event_type}" if event_type else "")
    header = [f"Event log of call {call_id} ({filters}) — {view.range_line('events', len(rows))}"]
    how = f"list_call_events with {where}"

    def footer(shown: int) -> list[str]:
        cut = [n for n in clipped if n < view.first_number + shown]
        note = []
        if cut:
            which = cut[0] if len(cut) == 1 else "<n>"
            note.append(
                f"[cut: {len(cut)} event(s) clipped to {TEXT_CHARS} characters of text and "
                f"{EXTRAS_CHARS} of extras (rows marked 'event #n clipped') — read one "
                f"whole: list_call_events({where}, event_number={which})]"
            )
        return [*note, *view.footer(shown, how=how)]

    text, _ = compose(header, rows, label="event log", max_chars=budget, footer=footer)
    return text


async def _one_event(
    state: AppState,
    call_id: str,
    minimum_severity: Severity,
    event_type: str | None,
    number: int,
    *,
    where: str,
    offset: int,
    budget: int,
) -> str:
    """Event ``number`` of the filtered list: pages of the largest size up to it."""
    client = state.client
    seen = 0
    found: CallEvent | None = None
    pages = client.iter_pages(
        lambda c: client.list_call_events(
            call_id,
            minimum_severity=minimum_severity,
            event_type=event_type,
            cursor=c,
            page_size=MAX_PAGE_SIZE,
        )
    )
    async for page in pages:
        if seen + len(page.results) >= number:
            found = page.results[number - seen - 1]
            break
        seen += len(page.results)
    if found is None:
        raise ToolError(
            f"The event log of call {call_id} with these filters has {seen:,} events, so "
            f"no event #{number}; list_call_events({where}) lists them."
        )
    return read_window(
        event_whole_text(found),
        offset=offset,
        budget=budget,
        title=f"event #{number} of call {call_id} ({minimum_severity} and up{_type(event_type)})",
        label="event",
        how=lambda at: f"list_call_events({where}, event_number={number}, offset={at})",
    )


def _type(event_type: str | None) -> str:
    return f", type {event_type}" if event_type else ""


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        list_call_events, title="List call events", annotations=READ_ONLY, structured_output=False
    )
