"""Our continuation cursors: an upstream page cursor plus how far into that page we got.

A result cut by the character budget can stop in the middle of an upstream page;
the cursor we print then says "that page, skipping the first N rows", so reading
on neither repeats nor loses a row. Each tool stamps its own kind so a cursor from
one tool handed to another is refused with a clear message instead of misread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from mcp.server.mcpserver.exceptions import ToolError


@dataclass(frozen=True)
class Position:
    """Where to resume. The same three words as the audit's ``Resume``:
    ``upstream`` the upstream cursor of the page (None: the first page), ``skip`` the rows
    of that page already shown, ``before`` the rows of the whole list already shown
    (numbering: "rows 21–40", "continuing from message 21")."""

    upstream: str | None = None
    skip: int = 0
    before: int = 0
    # The transcript's stage of the last row shown: reading on, a stage marker is printed
    # only when the stage changes, so it must be remembered across results.
    last_stage: str | None = None


@dataclass(frozen=True)
class Binding:
    """The arguments that decide which rows a tool's list holds, as a short digest.

    A position only means something in the list it was taken from: resumed with another
    query or other filters it would silently skip or repeat rows, so such a cursor is
    refused. The cursor carries the digest, never the values: a query may be private (a
    name, a phone number), cursors are echoed in every result, and they stay short. The
    digest is no secret and guards nothing: it only catches a cursor reused by mistake.
    """

    digest: str
    # The bound arguments as the refusal names them, e.g. "query and call filters".
    arguments: str

    @classmethod
    def of(cls, arguments: str, values: Mapping[str, object]) -> Binding:
        """``values``: JSON-able, in a form that is equal exactly when the lists are."""
        canonical = json.dumps(values, sort_keys=True, separators=(",", ":"))
        # 64 bits: a mistaken reuse goes unnoticed with odds of 2**-64.
        digest = hashlib.blake2b(canonical.encode(), digest_size=8).hexdigest()
        return cls(digest, arguments)


def encode(kind: str, position: Position, binding: Binding | None = None) -> str:
    payload = {
        "k": kind,
        "u": position.upstream,
        "s": position.skip,
        "x": position.before,
        "m": position.last_stage,
    }
    if binding is not None:
        payload["b"] = binding.digest
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, token: str | None, *, tool: str, binding: Binding | None = None) -> Position:
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
            and isinstance(payload.get("b"), str | None)
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
    if binding is not None and payload.get("b") != binding.digest:
        raise ToolError(
            f"That cursor belongs to a {tool} call with a different {binding.arguments}: "
            "here it would resume at the wrong place. Either repeat the "
            f"{binding.arguments} of the call that printed it to read on (the other "
            "arguments may change), or omit cursor to start over with these."
        )
    return Position(
        upstream=payload["u"], skip=payload["s"], before=payload["x"], last_stage=payload["m"]
    )
