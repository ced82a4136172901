"""Tools over calls: list_calls and get_call."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, Field

from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import (
    READ_ONLY,
    AgentIds,
    CallId,
    Cursor,
    FromDate,
    MaxChars,
    MaxDuration,
    Metadata,
    MinDuration,
    Offset,
    PageSize,
    ToDate,
    call_filters,
)
from ultravox_calls_mcp.mcp.results.compose import compose, compose_whole, read_window
from ultravox_calls_mcp.mcp.results.list_pages import PageView, read_page
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.calls import (
    SUMMARY_CHARS,
    call_detail_lines,
    call_duration_seconds,
    call_row,
    summary_clipped,
)
from ultravox_calls_mcp.render.fmt import iso, plain
from ultravox_calls_mcp.render.metadata import (
    METADATA_KEYS_SHOWN,
    METADATA_VALUE_CHARS,
    metadata_listing,
    metadata_value,
)
from ultravox_calls_mcp.render.text import FROM_CALLS

SortOrder = Literal["-created", "created"]


@tool_errors
async def list_calls(
    ctx: Context,
    search: Annotated[
        str | None,
        Field(
            description="Text to look for in calls (as the Ultravox dashboard search does).",
            max_length=500,
        ),
    ] = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
    time_of_day_start: Annotated[
        str | None,
        Field(
            description="Only calls created at or after this time of day (UTC), 'HH:MM' or "
            "'HH:MM:SS', whatever the date.",
            max_length=15,
        ),
    ] = None,
    time_of_day_end: Annotated[
        str | None,
        Field(description="Only calls created at or before this time of day (UTC).", max_length=15),
    ] = None,
    min_duration_seconds: MinDuration = None,
    max_duration_seconds: MaxDuration = None,
    metadata: Metadata = None,
    voice_id: Annotated[
        str | None, Field(description="Only calls using this voice (UUID).", max_length=64)
    ] = None,
    agent_ids: AgentIds = None,
    sort: Annotated[
        SortOrder,
        Field(description="'-created' lists newest first (default); 'created' oldest first."),
    ] = "-created",
    page_size: PageSize = None,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> Annotated[CallToolResult, CallList]:
    """List calls, newest first, one compact row each: id, created, duration, end reason,
    agent and a short summary. Filters narrow by date, time of day, duration, metadata,
    voice, agent or text. Says how many calls match in total and gives a cursor for more."""
    state = app_state(ctx)
    filters = call_filters(
        search=search,
        from_date=from_date,
        to_date=to_date,
        time_of_day_start=time_of_day_start,
        time_of_day_end=time_of_day_end,
        min_duration_seconds=min_duration_seconds,
        max_duration_seconds=max_duration_seconds,
        metadata=metadata,
        voice_id=voice_id,
        agent_ids=agent_ids,
        sort=sort,
    )
    budget = max_chars or state.settings.max_chars
    asked = page_size or state.settings.page_size
    size = min(asked, _rows_that_fit(budget))

    async def fetch(upstream: str | None) -> Page[Call]:
        return await state.client.list_calls(filters, cursor=upstream, page_size=size)

    view = await read_page(fetch, kind="calls", tool="list_calls", cursor=cursor)
    rows = [call_row(call) for call in view.rows]
    order = "newest first" if sort == "-created" else "oldest first"
    described = _describe_filters(filters)
    how = "list_calls with the same filters"

    def header(shown: int) -> list[str]:
        lines = [f"{view.range_line('calls', shown)} ({order})"]
        if described:
            lines.append(f"filters: {described}")
        if any(summary_clipped(call) for call in view.rows[:shown]):
            lines.append(
                f"(summaries longer than {SUMMARY_CHARS} characters end with …; "
                "get_call(call_id) shows one whole)"
            )
        if page_size and size < page_size:  # only a page size the caller chose
            lines.append(
                f"(page_size {asked} asks for more rows than max_chars={budget:,} can show; "
                f"read {size} — raise max_chars to read more per call)"
            )
        return lines

    # Text and its structured copy share the budget: find the most rows whose text fits
    # next to their structured copy (both grow with the row count).
    def attempt(count: int) -> tuple[str, CallList] | None:
        structured = _structured(view, count)
        room = budget - len(structured.model_dump_json(by_alias=True))
        text, shown = compose(
            header(count),
            rows[:count],
            label="call summaries",
            max_chars=room,
            footer=lambda n: view.footer(n, how=how),
            source=FROM_CALLS,
        )
        return (text, structured) if shown == count and len(text) <= room else None

    low, high = 0, len(rows)
    while low < high:
        mid = (low + high + 1) // 2
        if attempt(mid) is None:
            high = mid - 1
        else:
            low = mid
    fitted = attempt(low)
    assert fitted is not None  # zero rows: a header and a cursor always fit
    text, structured = fitted
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=structured.model_dump(mode="json", by_alias=True),
    )


# What one call row costs in a result, its text and structured copy together: ~370
# characters on the sample data, more with long agent names and summaries. The API is
# asked for no more rows than the budget can show: rows fetched and cut would be fetched
# again by the next call (an upstream cursor can only start where a page starts).
_ROW_CHARS = 420
_FRAME_CHARS = 600  # header, fences, the footer with its cursor, the structured envelope


def _rows_that_fit(budget: int) -> int:
    return max(1, (budget - _FRAME_CHARS) // _ROW_CHARS)


class CallListRow(BaseModel):
    """One call, as data for agent workflows (the text rows add the summary)."""

    call_id: str
    created: str | None
    duration_seconds: float | None
    end_reason: str | None
    live: bool
    agent_id: str | None
    agent_name: str | None


class CallList(BaseModel):
    calls: list[CallListRow]
    total: int | None = Field(description="Calls matching the filters, across all pages.")
    next_cursor: str | None = Field(description="Pass as cursor to continue; null at the end.")


def _structured(view: PageView[Call], count: int) -> CallList:
    calls = [
        CallListRow(
            call_id=call.call_id,
            created=iso(call.created),
            duration_seconds=None if call.is_live else _rounded(call_duration_seconds(call)),
            end_reason=plain(call.end_reason, 40),
            live=call.is_live,
            agent_id=plain(call.agent_id or (call.agent.agent_id if call.agent else None), 64),
            agent_name=plain(call.agent.name if call.agent else None, 60),
        )
        for call in view.rows[:count]
    ]
    return CallList(calls=calls, total=view.page.total, next_cursor=view.next_cursor(count))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _describe_filters(filters: CallFilters) -> str:
    parts = []
    for key, value in filters.model_dump(exclude_none=True, exclude_defaults=True).items():
        if value in ([], {}):
            continue
        parts.append(f"{key}={value}")
    return ", ".join(parts)


CallField = Literal["overview", "metadata"]


@tool_errors
async def get_call(
    ctx: Context,
    call_id: CallId,
    field: Annotated[
        CallField,
        Field(
            description="'overview' (default): the call in detail, its metadata capped at "
            f"{METADATA_KEYS_SHOWN} keys and {METADATA_VALUE_CHARS} characters a value. "
            "'metadata': every metadata key and value whole, one per line, windowed by "
            "offset."
        ),
    ] = "overview",
    key: Annotated[
        str | None,
        Field(
            description="One metadata key: read its value whole (line breaks kept, e.g. a "
            "JSON document), windowed by offset. Implies field='metadata'.",
            min_length=1,
            max_length=1_000,
        ),
    ] = None,
    offset: Offset = 0,
    max_chars: MaxChars = None,
) -> str:
    """One call in detail: timing, end reason, billing, how it was connected (secrets
    redacted), model, voice, temperature, first speaker, summary, metadata and a digest of
    the system prompt, with pointers to its transcript, stages, timing, tools and events.
    field='metadata' (or key=…) reads metadata the overview cuts, whole, by offset."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    if field == "overview" and key is None and offset:
        raise ToolError(
            'offset reads on in a windowed read: pass it with field="metadata" or key=…, '
            "as the cut line printed it. The overview is never windowed."
        )
    call = await state.client.get_call(call_id)
    if key is not None or field == "metadata":
        return _read_metadata(call, key, offset, budget)
    names = await state.client.voice_names.resolve([call.voice])
    return render_call(call, budget, names)


def _metadata_call(call_id: str, key: str | None) -> str:
    arg = "" if key is None else f", key={json.dumps(key, ensure_ascii=False)}"
    return f'get_call(call_id="{call_id}", field="metadata"{arg}'


def _read_metadata(call: Call, key: str | None, offset: int, budget: int) -> str:
    cid = call.call_id
    metadata = call.metadata or {}
    if key is None:
        count = f"{len(metadata):,} key{'' if len(metadata) == 1 else 's'}"
        return read_window(
            metadata_listing(metadata),
            offset=offset,
            budget=budget,
            title=f"metadata of call {cid} ({count}, one per line)",
            label="metadata",
            how=lambda at: f"{_metadata_call(cid, None)}, offset={at})",
            lines_whole=True,
        )
    value = metadata_value(metadata, key)
    if value is None:
        near = difflib.get_close_matches(key, [str(k) for k in metadata], n=3)
        maybe = (
            f" Close: {', '.join(json.dumps(k, ensure_ascii=False) for k in near)}." if near else ""
        )
        raise ToolError(
            f"Call {cid} has no metadata key {json.dumps(key, ensure_ascii=False)}.{maybe} "
            f"Its {len(metadata):,} keys: {_metadata_call(cid, None)})."
        )
    return read_window(
        value,
        offset=offset,
        budget=budget,
        title=f"metadata[{json.dumps(key, ensure_ascii=False)}] of call {cid}",
        label="metadata value",
        how=lambda at: f"{_metadata_call(cid, key)}, offset={at})",
    )


def render_call(call: Call, budget: int, voice_names: Mapping[str, str]) -> str:
    """The overview. The call's id is said once, in the header; the reads it points to
    take it as their call_id (only a cut's exact continuation repeats it)."""
    cid = call.call_id
    detail = call_detail_lines(
        call,
        prompt_read_hint=(
            'read whole: get_call_stage(call_id, call_stage_id=<stage>, field="system_prompt") '
            "— list_call_stages gives the stage ids"
        ),
        read_metadata=lambda key: f"{_metadata_call(cid, key)})",
        voice_names=voice_names,
    )
    pointers = [
        "read on, each with this call_id:",
        "- transcript of every stage: get_call_transcript "
        "(or resource ultravox://calls/{call_id}/transcript)",
        "- voice timing (latency, interruptions, dead air): get_call_metrics",
        "- stages and what changed between them: list_call_stages",
        "- event log: list_call_events",
        "- tools available: list_call_tools",
    ]
    # The detail lines fence their upstream parts themselves.
    return compose_whole([f"Call {cid}"], detail, label=None, max_chars=budget, tail=pointers)


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(list_calls, title="List calls", annotations=READ_ONLY)
    server.add_tool(get_call, title="Get call", annotations=READ_ONLY, structured_output=False)
