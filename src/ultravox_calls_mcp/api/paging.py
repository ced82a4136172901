"""Cursor pages: the ``Page`` object, cursor extraction, and guarded lazy iteration.

Ultravox lists answer ``{next, previous, results, total}`` where ``next`` is a
full URL. We take only its ``cursor`` query parameter and send it to our own
base URL: following the URL would let a response steer us to another host.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict

from .errors import InvalidResponseError, PagingError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` to get the next one."""

    results: list[T]
    next_cursor: str | None = None
    # Not every list reports it.
    total: int | None = None


class WirePage(BaseModel, Generic[T]):
    """A paginated list as it arrives; parsed in one pass straight from the JSON bytes."""

    # Built on first use, like the wire models (see models.py).
    model_config = ConfigDict(extra="ignore", defer_build=True)

    results: list[T]
    next: str | None = None
    previous: str | None = None
    total: int | None = None

    def to_page(self) -> Page[T]:
        return Page(
            results=self.results,
            next_cursor=cursor_from_url(self.next),
            total=self.total,
        )


def cursor_from_url(url: str | None) -> str | None:
    """The ``cursor`` query parameter of a page link; ``None`` when there is no link."""
    if not url:
        return None
    values = parse_qs(urlsplit(url).query, keep_blank_values=False).get("cursor")
    if not values or len(values) != 1:
        raise InvalidResponseError(
            "Ultravox sent a page link without a single usable cursor, so the rest of the "
            "list cannot be requested."
        )
    return values[0]


async def iterate_pages(
    fetch: Callable[[str | None], Awaitable[Page[T]]],
    *,
    max_pages: int,
    start_cursor: str | None = None,
) -> AsyncIterator[Page[T]]:
    """Fetch pages lazily, one request per page asked for, until the list ends.

    Stops with PagingError instead of looping when a cursor comes back a second
    time or more than ``max_pages`` pages would be read.
    """
    cursor = start_cursor
    seen: set[str] = set() if cursor is None else {cursor}
    fetched = 0
    while True:
        page = await fetch(cursor)
        fetched += 1
        yield page
        next_cursor = page.next_cursor
        if next_cursor is None:
            return
        if next_cursor in seen:
            raise PagingError(
                f"Ultravox returned a cursor it had already given after {fetched} page(s); "
                "stopped instead of reading the same pages again."
            )
        if fetched >= max_pages:
            raise PagingError(
                f"Stopped after {max_pages} pages (the configured limit); the list goes on. "
                "Resume with the last page's next_cursor, or narrow the request with filters."
            )
        seen.add(next_cursor)
        cursor = next_cursor


async def iterate_items(pages: AsyncIterator[Page[T]]) -> AsyncIterator[T]:
    """Flatten pages into their items, still fetching lazily."""
    async for page in pages:
        for item in page.results:
            yield item
