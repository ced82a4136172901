"""Read messages across upstream pages until the budget is full, remembering where each
message sits so the result can stop after any line and resume exactly there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.cursors import Position

# Rendered size of a message: its text (clipped like the transcript clips it) plus
# the index/time/role prefix. Used only to stop fetching pages that could not fit.
_LINE_OVERHEAD = 24
_TEXT_CAP = 2_000


@dataclass(frozen=True)
class Located:
    """A message and the position to resume from if it is not shown."""

    message: Message
    before: Position


@dataclass(frozen=True)
class Batch:
    messages: list[Located]
    # Where the row after the last fetched message starts (None: nothing after it).
    after: Position | None
    total: int | None


async def read_messages(
    fetch: Callable[[str | None], Awaitable[Page[Message]]],
    start: Position,
    *,
    budget: int,
    max_pages: int,
) -> Batch:
    """Fetch pages from ``start`` until they hold more than ``budget`` could show."""
    located: list[Located] = []
    upstream, skip, shown = start.upstream, start.skip, start.extra
    total: int | None = None
    estimate = 0
    for _ in range(max_pages):
        page = await fetch(upstream)
        total = page.total if page.total is not None else total
        for offset, message in enumerate(page.results[skip:], start=skip):
            located.append(Located(message, Position(upstream=upstream, skip=offset, extra=shown)))
            shown += 1
            estimate += _LINE_OVERHEAD + min(len(message.text or ""), _TEXT_CAP)
        if page.next_cursor is None:
            return Batch(located, None, total)
        upstream, skip = page.next_cursor, 0
        if estimate > budget:
            break
    return Batch(located, Position(upstream=upstream, skip=0, extra=shown), total)
