"""Cursor extraction and the loop guards of lazy iteration, without HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from ultravox_calls_mcp.api import InvalidResponseError, Page, PagingError
from ultravox_calls_mcp.api.paging import cursor_from_url, iterate_items, iterate_pages

Fetch = Callable[[str | None], Awaitable[Page[int]]]


def test_the_cursor_is_taken_out_of_the_next_url() -> None:
    url = "https://api.ultravox.ai/api/calls?cursor=cD0yMDI2LTA1&pageSize=50"
    assert cursor_from_url(url) == "cD0yMDI2LTA1"
    assert cursor_from_url("https://evil.example/steal?cursor=abc%3D%3D") == "abc=="
    assert cursor_from_url(None) is None
    assert cursor_from_url("") is None


def test_a_next_url_without_a_cursor_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponseError, match="cursor"):
        cursor_from_url("https://api.ultravox.ai/api/calls?page=2")


def _pages(*cursors: str | None) -> tuple[list[str | None], Fetch]:
    asked: list[str | None] = []

    async def fetch(cursor: str | None) -> Page[int]:
        asked.append(cursor)
        index = len(asked) - 1
        return Page(results=[index], next_cursor=cursors[index])

    return asked, fetch


@pytest.mark.anyio
async def test_pages_are_fetched_lazily_until_the_list_ends() -> None:
    asked, fetch = _pages("a", "b", None)
    items = iterate_items(iterate_pages(fetch, max_pages=10))
    assert await items.__anext__() == 0
    assert asked == [None]
    assert [item async for item in items] == [1, 2]
    assert asked == [None, "a", "b"]


@pytest.mark.anyio
async def test_a_repeated_cursor_stops_iteration_instead_of_looping() -> None:
    asked, fetch = _pages("a", "b", "a", "b")
    with pytest.raises(PagingError, match="already given"):
        [page async for page in iterate_pages(fetch, max_pages=10)]
    assert asked == [None, "a", "b"]


@pytest.mark.anyio
async def test_a_cursor_equal_to_the_start_cursor_counts_as_repeated() -> None:
    _asked, fetch = _pages("start")
    with pytest.raises(PagingError):
        [p async for p in iterate_pages(fetch, max_pages=10, start_cursor="start")]


@pytest.mark.anyio
async def test_iteration_stops_with_an_error_past_the_page_limit() -> None:
    asked, fetch = _pages("a", "b", "c", "d")
    seen: list[int] = []

    async def collect() -> None:
        async for page in iterate_pages(fetch, max_pages=3):
            seen.append(page.results[0])

    with pytest.raises(PagingError, match="3 pages"):
        await collect()
    assert seen == [0, 1, 2]
    assert len(asked) == 3
