"""Find a text or a regular expression in call transcripts: pure functions over messages.

Matching runs on the text a transcript shows (cleaned, then redacted): a query can
neither find a planted key nor tell, by matching or not, what a redacted part held.

A literal text is found with Python's ``re`` over the escaped text (fast for any input).
A regex runs on RE2 (``audit.regex``): linear in the text, so no pattern can stall the
server. Each message is searched up to ``SCAN_CHARS`` characters; the messages longer
than that are reported with the hits, so a reader can be told what was not searched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Final

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.regex import QueryError as QueryError
from ultravox_calls_mcp.audit.regex import compile_linear
from ultravox_calls_mcp.render.fmt import untrusted_line
from ultravox_calls_mcp.render.text import clip, one_line
from ultravox_calls_mcp.render.transcript import message_text, role_of

MAX_PATTERN_CHARS: Final = 200
SCAN_CHARS: Final = 20_000
SNIPPET_CONTEXT: Final = 60
_MATCH_CHARS: Final = 120

Finder = Callable[[str], tuple[int, int] | None]


@dataclass(frozen=True)
class Query:
    find: Finder  # the first match's span in a text, or None
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
        find: Finder
        if regex:
            find = compile_linear(text, case_sensitive=case_sensitive).search
        else:
            flags = 0 if case_sensitive else re.IGNORECASE
            find = _span_finder(re.compile(re.escape(text), flags))
        return cls(find, text, regex, case_sensitive)

    def describe(self) -> str:
        kind = "regex" if self.regex else "text"
        case = "case-sensitive" if self.case_sensitive else "case-insensitive"
        return f"{kind} {untrusted_line(self.source, 80)!r} ({case})"


def _span_finder(pattern: re.Pattern[str]) -> Finder:
    def find(text: str) -> tuple[int, int] | None:
        found = pattern.search(text)
        return None if found is None else found.span()

    return find


@dataclass(frozen=True)
class Hit:
    """One message that matched: where it sits and a one-line snippet around the match."""

    stage_id: str | None
    stage_number: int
    index: int | None
    role: str
    snippet: str


@dataclass(frozen=True)
class LongMessage:
    """A searched message longer than ``SCAN_CHARS``: only its first ``SCAN_CHARS``
    characters were searched, whether it matched or not."""

    stage_id: str | None
    stage_number: int
    index: int | None
    role: str
    chars: int  # its whole length, as message_text counts it


@dataclass(frozen=True)
class CallHits:
    hits: list[Hit]  # the first ones, up to the cap asked for
    total: int  # every matching message of the call
    # Every searched message (of the roles asked for) cut at SCAN_CHARS, in message order.
    long_messages: list[LongMessage] = field(default_factory=list)


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
    long_messages: list[LongMessage] = []
    total = 0
    for message in messages:
        role = role_of(message)
        if roles is not None and role.lower() not in roles:
            continue
        whole = message_text(message)
        sid = message.call_stage_id
        stage_number = numbers.get(sid, 0) if sid else 0
        index = message.call_stage_message_index
        if len(whole) > SCAN_CHARS:
            long_messages.append(LongMessage(sid, stage_number, index, role, len(whole)))
        text = whole[:SCAN_CHARS]
        found = query.find(text)
        if found is None:
            continue
        total += 1
        if len(hits) < max_hits:
            hits.append(Hit(sid, stage_number, index, role, snippet(text, *found)))
    return CallHits(hits, total, long_messages)


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
