"""Read one upstream page at one of our cursors, and describe what is left after a cut.

Shared by every listing tool so that paging reads the same everywhere: a header
saying which rows of how many, and a footer with the exact cursor to read on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.results import cursors
from ultravox_calls_mcp.mcp.results.compose import compose
from ultravox_calls_mcp.render.text import FROM_CALL

T = TypeVar("T")


@dataclass(frozen=True)
class PageView(Generic[T]):
    """The rows of one upstream page still to show, and where they sit."""

    rows: Sequence[T]
    page: Page[T]
    position: cursors.Position
    kind: str
    tool: str

    @property
    def first_number(self) -> int:
        """1-based number of the first row shown, counted across pages."""
        return self.position.before + 1

    def range_line(self, noun: str, shown: int) -> str:
        total = self.page.total
        if shown == 0:
            of = f" of {total:,}" if total is not None else ""
            return f"No {noun} to show here{of}."
        last = self.first_number + shown - 1
        of = f" of {total:,}" if total is not None else ""
        return f"{noun.capitalize()} {self.first_number:,}–{last:,}{of}"

    def next_cursor(self, shown: int) -> str | None:
        """Cursor for the row after the last one shown, or None at the end."""
        seen_before = self.position.before + shown
        if shown < len(self.rows):
            pos = cursors.Position(
                upstream=self.position.upstream,
                skip=self.position.skip + shown,
                before=seen_before,
            )
            return cursors.encode(self.kind, pos)
        if self.page.next_cursor:
            pos = cursors.Position(upstream=self.page.next_cursor, skip=0, before=seen_before)
            return cursors.encode(self.kind, pos)
        return None

    def footer(self, shown: int, *, how: str) -> list[str]:
        """``how`` names the call to repeat, e.g. 'list_calls with the same filters'."""
        token = self.next_cursor(shown)
        if token is None:
            return ["(end of list)"]
        total = self.page.total
        left = ""
        if total is not None:
            left = f"{max(total - self.position.before - shown, 0):,} more · "
        return [f'{left}next cursor: "{token}" — pass it as cursor to {how} to read on.']


async def read_page(
    fetch: Callable[[str | None], Awaitable[Page[T]]],
    *,
    kind: str,
    tool: str,
    cursor: str | None,
) -> PageView[T]:
    position = cursors.decode(kind, cursor, tool=tool)
    page = await fetch(position.upstream)
    rows = page.results[position.skip :]
    return PageView(rows=rows, page=page, position=position, kind=kind, tool=tool)


def compose_page(
    header: list[str],
    rows: list[str],
    view: PageView[Any],
    *,
    label: str | None,
    budget: int,
    how: str,
    source: str = FROM_CALL,
) -> str:
    """A page's rows within ``budget``, ending with the cursor after the last row shown."""
    text, _ = compose(
        header,
        rows,
        label=label,
        max_chars=budget,
        footer=lambda n: view.footer(n, how=how),
        source=source,
    )
    return text
