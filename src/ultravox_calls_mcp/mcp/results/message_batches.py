"""Read messages across upstream pages while the next page is predicted to fit the budget,
remembering where each message sits so the result can stop after any line and resume
exactly there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.results.cursors import Position

# Rendered size of a message line, erring large: a page predicted to fit must really
# fit, or reading on has to fetch it again. Text is clipped at 2,000 characters plus a
# cut note; the prefix holds index, time span, role and a tool's name and invocation id.
_LINE_OVERHEAD = 48
_TEXT_CAP = 2_300
# Room for the header, stage markers, fence lines and the footer with its cursor.
_FRAME = 1_500


def _line_estimate(message: Message) -> int:
    text = min(len(message.text or ""), _TEXT_CAP)
    return _LINE_OVERHEAD + len(message.tool_name or "") + len(message.invocation_id or "") + text


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
    """Fetch pages from ``start`` while the next one is predicted to fit in ``budget``.

    A result that ends where a page ends lets the next call start on a fresh page, so no
    page is fetched twice; the next page's size is predicted from the lines so far. The
    first page is always read (the budget then cuts it if it must).
    """
    located: list[Located] = []
    upstream, skip, shown = start.upstream, start.skip, start.before
    total: int | None = None
    estimate = _FRAME
    for _ in range(max_pages):
        page = await fetch(upstream)
        total = page.total if page.total is not None else total
        for offset, message in enumerate(page.results[skip:], start=skip):
            located.append(Located(message, Position(upstream=upstream, skip=offset, before=shown)))
            shown += 1
            estimate += _line_estimate(message)
        if page.next_cursor is None:
            return Batch(located, None, total)
        upstream, skip = page.next_cursor, 0
        per_line = (estimate - _FRAME) / max(len(located), 1)
        if estimate + per_line * len(page.results) > budget:
            break
    return Batch(located, Position(upstream=upstream, skip=0, before=shown), total)
