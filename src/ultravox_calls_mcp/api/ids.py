"""Validation of identifiers and small request parameters, before anything is sent.

Ids end up in URL paths, so only canonical UUIDs (lowercase, hyphenated) may
pass: nothing a caller types can add a path segment or a query parameter.
"""

from __future__ import annotations

import re
from typing import Literal
from uuid import UUID

from ..config import MAX_PAGE_SIZE
from .errors import InvalidRequestError

_MAX_CURSOR_CHARS = 2_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# The identifiers requests take; an error about one carries its name (``about``), so the
# layer above can say where valid ones come from.
IdName = Literal["call_id", "call_stage_id", "agent_id", "agent_ids", "voice_id"]
# What an event type may hold; the tool schema uses the same pattern.
EVENT_TYPE_PATTERN = r"^[A-Za-z0-9_.\-]{1,100}$"


def canonical_uuid(value: object, *, name: IdName) -> str:
    """Return ``value`` as a lowercase hyphenated UUID, or raise InvalidRequestError."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        # UUID() also accepts braces, "urn:uuid:" and bare hex; we insist on the
        # 36-character form only after parsing so those spellings still work.
        try:
            return str(UUID(text))
        except ValueError:
            pass
    raise InvalidRequestError(
        f"{name} must be a UUID like 3f2c0a4e-8b1d-4c6e-9a7f-1d2e3f4a5b6c, got {_preview(value)}.",
        about=name,
    )


def check_page_size(page_size: int | None, default: int) -> int:
    size = default if page_size is None else page_size
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}, got {_preview(size)}."
        )
    return size


def check_cursor(cursor: str | None) -> str | None:
    """Cursors are opaque; we only refuse what no server would have issued."""
    if cursor is None:
        return None
    if (
        not isinstance(cursor, str)
        or not cursor
        or len(cursor) > _MAX_CURSOR_CHARS
        or _CONTROL.search(cursor)
    ):
        raise InvalidRequestError(
            "cursor must be the next_cursor value of a previous page, passed unchanged."
        )
    return cursor


def check_choice(value: str, *, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidRequestError(
            f"{name} must be one of {', '.join(choices)}; got {_preview(value)}."
        )
    return value


def check_token(value: str | None, *, name: str, pattern: re.Pattern[str]) -> str | None:
    """A free-form but short and plain parameter (an event type, a sort field)."""
    if value is None:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidRequestError(
            f"{name} may hold only letters, digits, '_', '-' and '.' (at most 100 "
            f"characters); got {_preview(value)}."
        )
    return value


def _preview(value: object) -> str:
    # Short values are echoed to help the caller see the slip; long ones are not,
    # because a long string in the wrong argument may be a pasted API key.
    text = repr(value)
    if len(text) <= 24:
        return text
    return f"a {type(value).__name__} of {len(str(value))} characters"
