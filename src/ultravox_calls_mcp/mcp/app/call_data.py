"""What the viewer's tools read of one call, through the client: its stages, its messages
across all stages (``mode=in_call``, the largest pages: ⌈N/200⌉ requests for N messages),
each with the upstream position it was read at, and its events. A first look reads them
all at once (``read_whole_call``)."""

from __future__ import annotations

from dataclasses import dataclass

import anyio

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.api.errors import PagingError
from ultravox_calls_mcp.api.models import Call, CallEvent, CallStage, Message
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.results.cursors import Position


@dataclass(frozen=True)
class Messages:
    """Messages in call order, each with the position that reads on from it; ``after``:
    where the message after the last one starts (None: there is none)."""

    messages: list[Message]
    positions: list[Position]
    after: Position | None
    total: int | None


async def read_stages(client: UltravoxClient, call_id: str) -> list[CallStage]:
    return [
        s
        async for s in client.iter_items(
            lambda c: client.list_call_stages(call_id, cursor=c, page_size=MAX_PAGE_SIZE)
        )
    ]


async def read_events(
    client: UltravoxClient, call_id: str, limit: int
) -> tuple[list[CallEvent], int]:
    """Up to ``limit`` events in call order, and how many there are in all."""
    kept: list[CallEvent] = []
    total = 0
    async for event in client.iter_items(
        lambda c: client.list_call_events(call_id, cursor=c, page_size=MAX_PAGE_SIZE)
    ):
        total += 1
        if len(kept) < limit:
            kept.append(event)
    return kept, total


async def read_messages(
    client: UltravoxClient,
    call_id: str,
    start: Position,
    *,
    limit: int | None,
    max_pages: int,
) -> Messages:
    """From ``start``, every message (``limit`` None) or the next ``limit`` of them."""
    messages: list[Message] = []
    positions: list[Position] = []
    upstream, skip, before = start.upstream, start.skip, start.before
    total: int | None = None
    for _ in range(max_pages):
        page = await client.list_call_messages(
            call_id, mode="in_call", cursor=upstream, page_size=MAX_PAGE_SIZE
        )
        total = page.total if page.total is not None else total
        rows = page.results
        for offset in range(skip, len(rows)):
            if limit is not None and len(messages) == limit:
                after = Position(upstream=upstream, skip=offset, before=before)
                return Messages(messages, positions, after, total)
            messages.append(rows[offset])
            positions.append(Position(upstream=upstream, skip=offset, before=before))
            before += 1
        if page.next_cursor is None:
            return Messages(messages, positions, None, total)
        upstream, skip = page.next_cursor, 0
        if limit is not None and len(messages) == limit:
            return Messages(messages, positions, Position(upstream=upstream, before=before), total)
    raise PagingError(
        f"The call's messages ran past {max_pages} pages; stopped reading to avoid a loop."
    )


@dataclass(frozen=True)
class WholeCall:
    call: Call
    stages: list[CallStage]
    messages: Messages
    events: list[CallEvent]
    events_total: int


async def read_whole_call(
    client: UltravoxClient, call_id: str, *, max_pages: int, events: int | None
) -> WholeCall:
    """The call, its stages and all its messages, read at once; and up to ``events``
    events (None: none read)."""
    calls: list[Call] = []
    stages: list[CallStage] = []
    messages: list[Messages] = []
    found: list[tuple[list[CallEvent], int]] = []

    async def call() -> None:
        calls.append(await client.get_call(call_id))

    async def stage_list() -> None:
        stages.extend(await read_stages(client, call_id))

    async def message_list() -> None:
        whole = await read_messages(client, call_id, Position(), limit=None, max_pages=max_pages)
        messages.append(whole)

    async def event_list(limit: int) -> None:
        found.append(await read_events(client, call_id, limit))

    async with anyio.create_task_group() as group:
        group.start_soon(call)
        group.start_soon(stage_list)
        group.start_soon(message_list)
        if events is not None:
            group.start_soon(event_list, events)
    kept, total = found[0] if found else ([], 0)
    return WholeCall(calls[0], stages, messages[0], kept, total)
