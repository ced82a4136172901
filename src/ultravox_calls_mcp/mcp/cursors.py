"""Our continuation cursors: an upstream page cursor plus how far into that page we got.

A result cut by the character budget can stop in the middle of an upstream page;
the cursor we print then says "that page, skipping the first N rows", so reading
on neither repeats nor loses a row. Each tool stamps its own kind so a cursor from
one tool handed to another is refused with a clear message instead of misread.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from mcp.server.mcpserver.exceptions import ToolError


@dataclass(frozen=True)
class Position:
    """Where to resume: the upstream cursor of a page (None: first page) and rows to skip."""

    upstream: str | None = None
    skip: int = 0
    # Rows already shown before this point (for "rows 21–40" numbering).
    extra: int = 0
    # A short tag a tool needs to resume, e.g. the stage the last row belonged to.
    mark: str | None = None


def encode(kind: str, position: Position) -> str:
    payload = {
        "k": kind,
        "u": position.upstream,
        "s": position.skip,
        "x": position.extra,
        "m": position.mark,
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, token: str | None, *, tool: str) -> Position:
    if token is None or not token.strip():
        return Position()
    token = token.strip()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        ok = (
            isinstance(payload, dict)
            and payload.get("k") == kind
            and isinstance(payload.get("u"), str | None)
            and isinstance(payload.get("s"), int)
            and isinstance(payload.get("x"), int)
            and isinstance(payload.get("m"), str | None)
            and payload["s"] >= 0
            and payload["x"] >= 0
        )
    except (binascii.Error, ValueError, UnicodeDecodeError):
        ok = False
    if not ok:
        raise ToolError(
            f"That cursor is not one {tool} printed. Pass the 'next cursor' value from the "
            f"previous {tool} result exactly as shown, or omit cursor to start at the beginning."
        )
    return Position(upstream=payload["u"], skip=payload["s"], extra=payload["x"], mark=payload["m"])
