"""Find a text or a regular expression in call transcripts: pure functions over messages.

Matching runs on the text a transcript shows (cleaned, then redacted): a query can
neither find a planted key nor tell, by matching or not, what a redacted part held.

Python's ``re`` has no timeout, so a pattern is bounded up front instead: at most
``MAX_PATTERN_CHARS`` characters, no quantified group that itself holds a quantifier
(the shape behind catastrophic backtracking, e.g. ``(a+)+``; see ``nests_quantifiers``), and at most
``SCAN_CHARS`` characters of each message are searched.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.render.fmt import untrusted_line
from ultravox_calls_mcp.render.text import clip, one_line
from ultravox_calls_mcp.render.transcript import message_text, role_of

MAX_PATTERN_CHARS: Final = 200
SCAN_CHARS: Final = 20_000
SNIPPET_CONTEXT: Final = 60
_MATCH_CHARS: Final = 120

_BRACES = re.compile(r"\{\d*,?\d*\}")


class QueryError(ValueError):
    """A query we will not run; the message says how to fix it."""


@dataclass(frozen=True)
class Query:
    pattern: re.Pattern[str]
    source: str
    regex: bool
    case_sensitive: bool

    @classmethod
    def build(cls, text: str, *, regex: bool, case_sensitive: bool) -> Query:
        if not text:
            raise QueryError("query is empty; pass the words or the pattern to look for.")
        if len(text) > MAX_PATTERN_CHARS:
            raise QueryError(
                f"query is {len(text)} characters; the limit is {MAX_PATTERN_CHARS}. "
                "Search for a shorter, distinctive part."
            )
        flags = 0 if case_sensitive else re.IGNORECASE
        if not regex:
            return cls(re.compile(re.escape(text), flags), text, regex, case_sensitive)
        if nests_quantifiers(text):
            raise QueryError(
                "this regex repeats a group that itself holds a repetition (like (a+)+), "
                "which can take exponential time. Drop the inner or the outer quantifier."
            )
        try:
            pattern = re.compile(text, flags)
        except re.error as exc:
            raise QueryError(
                f"query is not a valid regular expression ({exc.msg} at position {exc.pos}). "
                "Fix the pattern, or pass regex=false to search for the text literally."
            ) from None
        return cls(pattern, text, regex, case_sensitive)

    def describe(self) -> str:
        kind = "regex" if self.regex else "text"
        case = "case-sensitive" if self.case_sensitive else "case-insensitive"
        return f"{kind} {untrusted_line(self.source, 80)!r} ({case})"


def nests_quantifiers(pattern: str) -> bool:
    """Whether a repeated group (``*``, ``+``, ``{…}``) holds a quantifier anywhere inside:
    (x+)+, (\\w*\\s?)*, ((a|b)+)*. Errs towards refusing; the fix is easy to state."""
    outer: list[bool] = []  # for each open group: had the enclosing level a quantifier?
    holds = False  # the current level holds a quantifier
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            outer.append(holds)
            holds = False
            if pattern.startswith("?", i + 1):
                i += 1  # (?:…), (?P<…>…), (?=…): that "?" is syntax, not a quantifier
        elif char == ")":
            inner = holds
            holds = outer.pop() if outer else False
            after = pattern[i + 1 : i + 2]
            repeated = after in ("*", "+") or bool(_BRACES.match(pattern, i + 1))
            if repeated and inner:
                return True
            holds = holds or inner
        elif char in "*+?" or (char == "{" and _BRACES.match(pattern, i)):
            holds = True
        i += 1
    return False


@dataclass(frozen=True)
class Hit:
    """One message that matched: where it sits and a one-line snippet around the match."""

    stage_id: str | None
    stage_number: int
    index: int | None
    role: str
    snippet: str


@dataclass(frozen=True)
class CallHits:
    hits: list[Hit]  # the first ones, up to the cap asked for
    total: int  # every matching message of the call


def stage_numbers(messages: Sequence[Message]) -> dict[str, int]:
    """Stage id → 1-based number, by first appearance (in_call lists stages in order)."""
    numbers: dict[str, int] = {}
    for message in messages:
        sid = message.call_stage_id
        if sid and sid not in numbers:
            numbers[sid] = len(numbers) + 1
    return numbers


def search_messages(
    messages: Sequence[Message],
    query: Query,
    *,
    roles: Collection[str] | None,
    max_hits: int,
) -> CallHits:
    """``roles``: short lower-case role names (``user``, ``agent``, ``tool_call``, ...)."""
    numbers = stage_numbers(messages)
    hits: list[Hit] = []
    total = 0
    for message in messages:
        role = role_of(message)
        if roles is not None and role.lower() not in roles:
            continue
        text = message_text(message)[:SCAN_CHARS]
        found = query.pattern.search(text)
        if found is None:
            continue
        total += 1
        if len(hits) < max_hits:
            sid = message.call_stage_id
            hits.append(
                Hit(
                    stage_id=sid,
                    stage_number=numbers.get(sid, 0) if sid else 0,
                    index=message.call_stage_message_index,
                    role=role,
                    snippet=snippet(text, found.start(), found.end()),
                )
            )
    return CallHits(hits, total)


def snippet(text: str, start: int, end: int, context: int = SNIPPET_CONTEXT) -> str:
    """``…before «match» after…`` on one line."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    # one_line trims its ends; keep the space that separated the match from its context.
    before = one_line(text[left:start]) + (" " if text[start - 1 : start].isspace() else "")
    matched = clip(one_line(text[start:end]), _MATCH_CHARS)
    after = (" " if text[end : end + 1].isspace() else "") + one_line(text[end:right])
    head = "…" if left > 0 else ""
    tail = "…" if right < len(text) else ""
    return f"{head}{before}«{matched}»{after}{tail}"
