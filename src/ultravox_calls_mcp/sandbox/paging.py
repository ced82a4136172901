"""DRF-style cursor pagination: ``{next, previous, results, total}`` with opaque cursors.

The cursor is urlsafe base64 of a tagged offset. It is deliberately not a bare integer so
clients must treat it as opaque (take it out of ``next``), and a tampered one answers
404 ``Invalid cursor`` exactly as Django REST Framework's CursorPagination does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

_TAG = "sbx1:o="


class PagingError(Exception):
    """A paging parameter was unusable; carries the HTTP status and JSON body to send."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_TAG}{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise PagingError(404, {"detail": "Invalid cursor"}) from exc
    if not text.startswith(_TAG) or not text[len(_TAG) :].isdigit():
        raise PagingError(404, {"detail": "Invalid cursor"})
    return int(text[len(_TAG) :])


def page_size(request: Request, default: int, maximum: int) -> int:
    raw = request.query_params.get("pageSize")
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError as exc:
        raise PagingError(400, {"pageSize": ["A valid integer is required."]}) from exc
    if size <= 0:
        raise PagingError(400, {"pageSize": ["Ensure this value is greater than or equal to 1."]})
    return min(size, maximum)  # the real API clamps silently rather than refusing


def _url(request: Request, offset: int | None) -> str:
    """This request's URL with every parameter kept and only the cursor swapped."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    if offset is not None:
        params.append(("cursor", encode_cursor(offset)))
    return str(request.url.replace(query=urlencode(params)))


def paginate(
    request: Request, items: Sequence[Any], *, default: int, maximum: int
) -> dict[str, Any]:
    """One page of ``items`` for this request, with full-URL ``next``/``previous`` links."""
    size = page_size(request, default, maximum)
    cursor = request.query_params.get("cursor")
    offset = decode_cursor(cursor) if cursor else 0
    total = len(items)
    results = list(items[offset : offset + size])
    next_url = _url(request, offset + size) if offset + size < total else None
    previous_url: str | None = None
    if offset > 0:
        back = max(offset - size, 0)
        # DRF drops the cursor for the first page rather than encoding offset zero.
        previous_url = _url(request, back if back else None)
    return {"next": next_url, "previous": previous_url, "results": results, "total": total}
