"""Tool over a call's event log: list_call_events."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from ultravox_calls_mcp.api.client import Severity
from ultravox_calls_mcp.api.models import CallEvent
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, Cursor, EventType, MaxChars, PageSize
from ultravox_calls_mcp.mcp.results.list_pages import compose_page, read_page
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.events import event_lines


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
    max_chars: MaxChars = None,
) -> str:
    """A call's event log, oldest first: call time, severity, type and text (errors,
    warnings, tool failures, latency notes). Filter by minimum severity and type."""
    state = app_state(ctx)
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
    rows = event_lines(list(view.rows))
    filters = f"severity ≥ {minimum_severity}" + (f", type = {event_type}" if event_type else "")
    header = [f"Event log of call {call_id} ({filters}) — {view.range_line('events', len(rows))}"]
    type_arg = f', event_type="{event_type}"' if event_type else ""
    how = (
        f'list_call_events with call_id="{call_id}", '
        f'minimum_severity="{minimum_severity}"{type_arg}'
    )
    return compose_page(
        header, rows, view, label="event log", budget=max_chars or state.settings.max_chars, how=how
    )


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        list_call_events, title="List call events", annotations=READ_ONLY, structured_output=False
    )
