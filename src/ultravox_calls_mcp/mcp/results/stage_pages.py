"""Where the pages of a stage's messages begin, remembered per stage, and finding message N.

The API pages a stage's messages from its start with opaque cursors, so reading message N
cold walks ceil((N + 1) / page size) pages. Every page fetched for a stage (by the
listing or by a single-message read) is noted here: the cursor that fetched it, the first
and last message index on it and the cursor after it. A later read of a message on a
noted page then costs one request, and one past the last noted page walks on from there,
not from the start. One per server (``AppState``), shared by its sessions; bounded by a
total number of notes, least recently used stages dropped first. Cursors name positions
in one account's data, which every session of a server reads with the same key.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.api.paging import Page

StageKey = tuple[str, str]  # (call id, stage id), lowercase
Fetch = Callable[[str | None], Awaitable[Page[Message]]]

# About 200 bytes each: ~1 MB at most, 80 pages of 200 rows for each of 50 stages.
MAX_NOTES = 4_096


@dataclass(frozen=True, slots=True)
class PageNote:
    cursor: str | None  # what fetched the page (None: the stage's first page)
    first: int  # smallest and largest callStageMessageIndex on the page
    last: int
    next_cursor: str | None


def stage_key(call_id: str, stage_id: str) -> StageKey:
    return (call_id.strip().lower(), stage_id.strip().lower())


class StagePages:
    def __init__(self, *, max_notes: int = MAX_NOTES) -> None:
        self._max_notes = max_notes
        self._stages: OrderedDict[StageKey, dict[str | None, PageNote]] = OrderedDict()
        self._count = 0

    def __len__(self) -> int:
        """Notes held, over every stage."""
        return self._count

    def noting(self, key: StageKey, fetch: Fetch) -> Fetch:
        """``fetch``, noting each page it returns under ``key``."""

        async def noted(cursor: str | None) -> Page[Message]:
            page = await fetch(cursor)
            self.note(key, cursor, page)
            return page

        return noted

    def note(self, key: StageKey, cursor: str | None, page: Page[Message]) -> None:
        indices = [m.call_stage_message_index for m in page.results]
        known = [i for i in indices if i is not None]
        if not known or len(known) < len(indices):
            return  # a page without indices cannot be placed
        notes = self._stages.pop(key, {})
        if cursor not in notes:
            self._count += 1
        notes[cursor] = PageNote(cursor, min(known), max(known), page.next_cursor)
        self._stages[key] = notes
        while self._count > self._max_notes:
            if len(self._stages) > 1:
                _, dropped = self._stages.popitem(last=False)
                self._count -= len(dropped)
            else:  # one stage read in tiny pages: its oldest notes go
                del notes[next(iter(notes))]
                self._count -= 1

    def forget(self, key: StageKey) -> None:
        self._count -= len(self._stages.pop(key, {}))

    def start(self, key: StageKey, index: int) -> str | None:
        """The cursor to read from to reach message ``index`` in the fewest requests: the
        page noted to hold it, else the cursor after the last noted page before it, else
        None (the stage's start)."""
        notes = self._stages.get(key)
        if not notes:
            return None
        self._stages.move_to_end(key)
        best: PageNote | None = None
        for note in notes.values():
            if note.first <= index <= note.last:
                return note.cursor
            if note.last < index and (best is None or note.last > best.last):
                best = note
        if best is None:
            return None
        # No page after it when noted: read it again, the stage may have grown since.
        return best.next_cursor if best.next_cursor is not None else best.cursor


async def find_message(pages: AsyncIterator[Page[Message]], index: int) -> Message | None:
    """Message ``index`` from pages in index order, stopping at the first page that holds
    it or passes it (then it is not there)."""
    async for page in pages:
        for message in page.results:
            if message.call_stage_message_index == index:
                return message
        if any((m.call_stage_message_index or 0) > index for m in page.results):
            return None
    return None
