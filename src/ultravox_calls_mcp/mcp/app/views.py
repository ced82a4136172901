"""What the call viewer's model-facing and timeline tools compute, loaded on their first
call (the metrics and timeline code stay out of the server's start-up): ``show_call``'s
text and the timeline JSON pages."""

from __future__ import annotations

import anyio
from mcp.types import CallToolResult, TextContent

from ultravox_calls_mcp.api.models import CallStage
from ultravox_calls_mcp.mcp.app import timeline as tl
from ultravox_calls_mcp.mcp.app.call_data import (
    Messages,
    read_messages,
    read_stages,
    read_whole_call,
)
from ultravox_calls_mcp.mcp.app.contract import TIMELINE_TOOL
from ultravox_calls_mcp.mcp.results import cursors
from ultravox_calls_mcp.mcp.state import AppState
from ultravox_calls_mcp.mcp.tools.metrics import thresholds_for
from ultravox_calls_mcp.metrics import compute_metrics, split_by_stage, timeline_from_stages
from ultravox_calls_mcp.render.viewer import show_call_text

__all__ = ["SHOW_CALL_CHARS", "show_call", "timeline_page"]

SHOW_CALL_CHARS = 2_000
_CURSOR_KIND = "timeline"


def _binding(call_id: str) -> cursors.Binding:
    return cursors.Binding.of("call_id", {"call": call_id.strip().lower()})


async def show_call(state: AppState, call_id: str) -> CallToolResult:
    """The overview line and timing text, and ``{"callId"}`` for the page."""
    whole = await read_whole_call(
        state.client, call_id, max_pages=state.settings.max_pages, events=None
    )
    groups = split_by_stage(whole.stages, whole.messages.messages)
    metrics = compute_metrics(timeline_from_stages(groups), thresholds_for(state, None, None))
    cid = whole.call.call_id or call_id
    text = show_call_text(
        whole.call,
        metrics,
        call_id=cid,
        stage_count=len(whole.stages),
        max_chars=SHOW_CALL_CHARS,
    )
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content={"callId": cid}
    )


async def timeline_page(state: AppState, call_id: str, cursor: str | None) -> CallToolResult:
    """The first page (no cursor): the whole call read, its metrics, stages, events and first
    250 messages. A later page: the stage list (for stage numbers) and the next 250
    messages from where the cursor points, nothing else."""
    client = state.client
    binding = _binding(call_id)
    start = cursors.decode(_CURSOR_KIND, cursor, tool=TIMELINE_TOOL, binding=binding)

    def token(position: cursors.Position | None) -> str | None:
        return None if position is None else cursors.encode(_CURSOR_KIND, position, binding)

    max_pages = state.settings.max_pages
    if start == cursors.Position():
        whole = await read_whole_call(client, call_id, max_pages=max_pages, events=tl.MAX_EVENTS)
        read = whole.messages
        cid = whole.call.call_id or call_id
        groups = split_by_stage(whole.stages, read.messages)
        timeline = timeline_from_stages(groups)
        shown = read.messages[: tl.PAGE_MESSAGES]
        more = len(read.messages) > tl.PAGE_MESSAGES
        next_cursor = token(read.positions[tl.PAGE_MESSAGES] if more else None)
        page = tl.first_page(
            cid,
            live=whole.call.is_live,
            metrics=compute_metrics(timeline, thresholds_for(state, None, None)),
            messages=tl.message_rows(timeline, shown),
            events=tl.event_rows(whole.events),
            events_total=whole.events_total,
            next_cursor=next_cursor,
        )
        total: int | None = len(read.messages) if read.total is None else read.total
    else:
        stages, read = await _stages_and_messages(state, call_id, start)
        cid = call_id.strip().lower()
        shown = read.messages
        timeline = timeline_from_stages(split_by_stage(stages, shown))
        next_cursor = token(read.after)
        page = tl.later_page(cid, tl.message_rows(timeline, shown), next_cursor)
        total = read.total
    note = tl.page_note(cid, start.before, len(shown), total, next_cursor)
    return CallToolResult(content=[TextContent(type="text", text=note)], structured_content=page)


async def _stages_and_messages(
    state: AppState, call_id: str, start: cursors.Position
) -> tuple[list[CallStage], Messages]:
    client = state.client
    stages: list[CallStage] = []
    found: list[Messages] = []

    async def stage_list() -> None:
        stages.extend(await read_stages(client, call_id))

    async def messages() -> None:
        found.append(
            await read_messages(
                client, call_id, start, limit=tl.PAGE_MESSAGES, max_pages=state.settings.max_pages
            )
        )

    async with anyio.create_task_group() as group:
        group.start_soon(stage_list)
        group.start_soon(messages)
    return stages, found[0]
