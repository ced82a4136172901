"""Tools over messages: the whole-call transcript and one stage's messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Annotated, NamedTuple

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from ultravox_calls_mcp.api.errors import InvalidRequestError, NotFoundError
from ultravox_calls_mcp.api.ids import canonical_uuid
from ultravox_calls_mcp.api.models import CallStage, Message
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import (
    READ_ONLY,
    CallId,
    Cursor,
    MaxChars,
    PageSize,
    Role,
    StageId,
)
from ultravox_calls_mcp.mcp.results import cursors
from ultravox_calls_mcp.mcp.results.compose import compose, read_window
from ultravox_calls_mcp.mcp.results.message_batches import Batch, read_messages
from ultravox_calls_mcp.mcp.results.stage_pages import find_message, stage_key
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.budget import cut_note
from ultravox_calls_mcp.render.transcript import (
    MoreHint,
    message_read_text,
    message_text,
    stage_boundary,
    transcript_lines,
)

_WIRE_ROLES: dict[str, str] = {
    "user": "MESSAGE_ROLE_USER",
    "agent": "MESSAGE_ROLE_AGENT",
    "tool_call": "MESSAGE_ROLE_TOOL_CALL",
    "tool_result": "MESSAGE_ROLE_TOOL_RESULT",
}
# One message's text is shown up to this many characters in a transcript line;
# the rest is one call away (message_index + text_offset).
MESSAGE_TEXT_CHARS = 2_000


def _more_hint(call_id: str, stage_id: str | None) -> MoreHint:
    def hint(message: Message, shown: int) -> str:
        total = len(message_text(message))
        return cut_note(
            "this message",
            shown,
            total,
            f'get_stage_messages(call_id="{call_id}", '
            f'call_stage_id="{stage_id or message.call_stage_id}", '
            f"message_index={message.call_stage_message_index}, text_offset={shown})",
        )

    return hint


@tool_errors
async def get_call_transcript(
    ctx: Context,
    call_id: CallId,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """The whole call's transcript across ALL stages, in order, with each stage boundary
    marked (a call that changed stage mid-way keeps its earlier stages here). Tool calls
    are paired with their results; failed tools show their error. Long transcripts end
    with a cursor to read on."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    client = state.client
    # A bad cursor is refused before any request is spent on it.
    start = cursors.decode("transcript", cursor, tool="get_call_transcript")
    stages: list[CallStage] = []

    async def fetch_stages() -> None:
        stages.extend(
            [
                s
                async for s in client.iter_items(
                    lambda c: client.list_call_stages(call_id, cursor=c)
                )
            ]
        )

    async def fetch(upstream: str | None) -> Page[Message]:
        return await client.list_call_messages(
            call_id, mode="in_call", cursor=upstream, page_size=state.settings.page_size
        )

    # The stages (for the boundary lines) load alongside the messages, not before them.
    async with anyio.create_task_group() as group:
        group.start_soon(fetch_stages)
        batch = await read_messages(fetch, start, budget=budget, max_pages=state.settings.max_pages)
    voices = await client.voice_names.resolve(stage.voice for stage in stages)
    entries = _entries(batch, stages, start, hint=_more_hint(call_id, None), voice_names=voices)
    header = [
        f"Transcript of call {call_id}: {len(stages)} stage(s), "
        f"{_count(batch.total)} messages across all stages, in order."
    ]
    if start.before:
        header.append(f"(continuing from message {start.before + 1:,})")
    how = f'get_call_transcript(call_id="{call_id}")'
    return _finish(header, entries, batch, budget, kind="transcript", how=how, noun="messages")


def _count(total: int | None) -> str:
    return f"{total:,}" if total is not None else "an unknown number of"


class _Entry(NamedTuple):
    """A line to show and where to resume if the result is cut just before it."""

    line: str
    before: cursors.Position
    stage: str | None  # the stage shown last once this line is (see Position.last_stage)

    def resume(self) -> cursors.Position:
        # Built only for the one line a result is cut at, not for every line.
        return replace(self.before, last_stage=self.stage)


def _entries(
    batch: Batch,
    stages: Sequence[CallStage] | None,
    start: cursors.Position,
    *,
    hint: MoreHint,
    roles: set[str] | None = None,
    voice_names: Mapping[str, str] | None = None,
) -> list[_Entry]:
    """Lines to show, each with the position to resume from if it is cut.

    With ``stages`` (a whole-call view), each stage's first line is preceded by its
    boundary line; ``None`` shows one stage's lines alone."""
    numbers = {stage.call_stage_id: n for n, stage in enumerate(stages or [], start=1)}
    by_id = {stage.call_stage_id: stage for stage in stages or []}
    kept = [loc for loc in batch.messages if roles is None or (loc.message.role or "") in roles]
    lines = transcript_lines(
        [loc.message for loc in kept], max_text_chars=MESSAGE_TEXT_CHARS, more_hint=hint
    )
    entries: list[_Entry] = []
    current = start.last_stage
    first = True
    for loc, line in zip(kept, lines, strict=True):
        sid = loc.message.call_stage_id
        mark = current  # a cut here resumes in the stage of the lines before it
        if stages is not None and sid and (sid != current or (first and start.before)):
            continuing = sid == current
            marker = stage_boundary(
                numbers.get(sid, 0),
                by_id.get(sid),
                sid,
                loc.message.call_stage_message_index if continuing else None,
                total=len(stages) or None,
                voice_names=voice_names,
            )
            entries.append(_Entry(marker, loc.before, mark))
            current = sid
        first = False
        entries.append(_Entry(line, loc.before, mark))
    return entries


def _finish(
    header: list[str],
    entries: list[_Entry],
    batch: Batch,
    budget: int,
    *,
    kind: str,
    how: str,
    noun: str,
) -> str:
    def footer(shown: int) -> list[str]:
        if shown < len(entries):
            resume = entries[shown].resume()
        elif batch.after is not None:
            resume = batch.after
        else:
            return [f"(end of {noun})"]
        token = cursors.encode(kind, resume)
        left = ""
        if batch.total is not None:
            left = f"{max(batch.total - resume.before, 0):,} more {noun} · "
        return [f'[cut: {left}next cursor: "{token}" — pass it as cursor to {how} to read on]']

    text, _ = compose(
        header,
        [entry.line for entry in entries],
        label="transcript",
        max_chars=budget,
        footer=footer,
    )
    return text


@tool_errors
async def get_stage_messages(
    ctx: Context,
    call_id: CallId,
    call_stage_id: StageId,
    roles: Annotated[
        list[Role] | None,
        Field(description='Only these roles, e.g. ["user"] for what callers said. Default: all.'),
    ] = None,
    message_index: Annotated[
        int | None,
        Field(
            description="Read ONE message whole (its callStageMessageIndex, the [n] of a "
            "transcript line), windowed by text_offset; takes no roles, cursor or page_size.",
            ge=0,
        ),
    ] = None,
    text_offset: Annotated[
        int, Field(description="With message_index: character offset to start reading at.", ge=0)
    ] = 0,
    page_size: PageSize = None,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """One stage's messages as compact transcript lines: [index] time role: text. Tool calls
    show their arguments and are paired with their results by invocation id; failed tool
    calls show errorDetails. Filter by role; read one long message whole with
    message_index and text_offset."""
    _check_one_message_arguments(
        message_index, text_offset, roles=roles, cursor=cursor, page_size=page_size
    )
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    client = state.client
    if message_index is not None:
        return await _one_message(state, call_id, call_stage_id, message_index, text_offset, budget)
    start = cursors.decode("stage-messages", cursor, tool="get_stage_messages")
    size = page_size or state.settings.page_size

    # Pages read here are noted, so a message of them read whole later costs one request.
    key = stage_key(call_id, call_stage_id)
    fetch = state.stage_pages.noting(
        key,
        lambda upstream: client.list_stage_messages(
            call_id, call_stage_id, cursor=upstream, page_size=size
        ),
    )

    # An explicit page_size asks for pages of that many rows: one upstream page per result.
    pages = 1 if page_size else state.settings.max_pages
    batch = await read_messages(fetch, start, budget=budget, max_pages=pages)
    wanted = {_WIRE_ROLES[r] for r in roles} if roles else None
    entries = _entries(
        batch,
        None,  # one stage, named in the header: no boundary lines, no stage request
        replace(start, last_stage=call_stage_id),
        hint=_more_hint(call_id, call_stage_id),
        roles=wanted,
    )
    header = [f"Messages of stage {call_stage_id} (call {call_id}): {_count(batch.total)} in all."]
    if roles:
        header.append(f"showing roles: {', '.join(roles)} (other messages skipped, not lost)")
    if start.before:
        header.append(f"(continuing from message {start.before + 1:,})")
    role_arg = f", roles={list(roles)!r}".replace("'", '"') if roles else ""
    how = f'get_stage_messages(call_id="{call_id}", call_stage_id="{call_stage_id}"{role_arg})'
    return _finish(header, entries, batch, budget, kind="stage-messages", how=how, noun="messages")


def _check_one_message_arguments(
    index: int | None,
    offset: int,
    *,
    roles: list[Role] | None,
    cursor: str | None,
    page_size: int | None,
) -> None:
    """message_index reads one message; the listing's arguments would be ignored there,
    and text_offset without it has no message to window: both refused, not dropped."""
    if index is None:
        if offset:
            raise ToolError(
                "text_offset windows one message: pass it with message_index (the [n] of a "
                "transcript line), or leave it out to list the stage's messages."
            )
        return
    given = [
        name
        for name, value in (("roles", roles), ("cursor", cursor), ("page_size", page_size))
        if value is not None
    ]
    if given:
        raise ToolError(
            f"message_index reads one message whole and takes no {', '.join(given)} "
            "(they page through the stage's list). Call again with call_id, call_stage_id, "
            "message_index and, to read on in a long message, text_offset; or leave out "
            "message_index to list messages."
        )


async def _one_message(
    state: AppState, call_id: str, stage_id: str, index: int, offset: int, budget: int
) -> str:
    found = await _find_message(state, call_id, stage_id, index)
    if found is None:
        raise ToolError(
            f"Stage {stage_id} has no message with index {index}; "
            f'get_stage_messages(call_id="{call_id}", call_stage_id="{stage_id}") lists them.'
        )
    role = (found.role or "").removeprefix("MESSAGE_ROLE_")
    where = f'call_id="{call_id}", call_stage_id="{stage_id}", message_index={index}'
    return read_window(
        # The same cleaned, redacted text transcript lines clip, so offsets agree; a
        # failed tool's error details follow it whole.
        message_read_text(found),
        offset=offset,
        budget=budget,
        title=f"Message [{index}] of stage {stage_id} ({role})",
        label="message",
        how=lambda at: f"get_stage_messages({where}, text_offset={at})",
    )


async def _find_message(state: AppState, call_id: str, stage_id: str, index: int) -> Message | None:
    """From the audit cache (an ended call: no request), else from the page noted to hold
    it (one request), else walking on from the last noted page before it, at the
    largest page size: ceil((index + 1) / 200) requests from the stage's start."""
    key = stage_key(
        canonical_uuid(call_id, name="call_id"), canonical_uuid(stage_id, name="call_stage_id")
    )
    cached = await state.audit.cached_message(key[0], key[1], index)
    if cached is not None:
        return cached
    client, notes = state.client, state.stage_pages
    fetch = notes.noting(
        key,
        lambda c: client.list_stage_messages(call_id, stage_id, cursor=c, page_size=MAX_PAGE_SIZE),
    )
    start = notes.start(key, index)
    try:
        return await find_message(client.iter_pages(fetch, start_cursor=start), index)
    except (NotFoundError, InvalidRequestError):
        if start is None:
            raise
    # A noted cursor the API no longer takes: forget the stage's notes, walk from its start.
    notes.forget(key)
    return await find_message(client.iter_pages(fetch), index)


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        get_call_transcript,
        title="Whole-call transcript",
        annotations=READ_ONLY,
        structured_output=False,
    )
    server.add_tool(
        get_stage_messages, title="Stage messages", annotations=READ_ONLY, structured_output=False
    )
