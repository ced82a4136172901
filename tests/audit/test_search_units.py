"""The pure search functions: literal queries, snippets, stage numbers, the scan cap."""

from __future__ import annotations

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.search import (
    SCAN_CHARS,
    LongMessage,
    Query,
    search_messages,
    snippet,
)


def _message(text: str, stage: str = "s1", index: int = 0, role: str = "USER") -> Message:
    return Message(
        role=f"MESSAGE_ROLE_{role}",
        text=text,
        call_stage_id=stage,
        call_stage_message_index=index,
    )


def test_a_literal_query_treats_regex_characters_as_text() -> None:
    query = Query.build("a.b(", regex=False, case_sensitive=False)
    found = search_messages([_message("xa.b(y"), _message("aXb(")], query, roles=None, max_hits=5)
    assert found.total == 1


def test_the_snippet_marks_the_match_keeps_spaces_and_folds_lines() -> None:
    text = "first line\nsecond has the word here and more text after it"
    start = text.index("word")
    assert snippet(text, start, start + 4, context=10) == "…d has the «word» here and…"
    assert snippet("word", 0, 4) == "«word»"


def test_stages_are_numbered_in_order_of_appearance_and_hits_capped_per_call() -> None:
    messages = [_message("hit", "s1", 0), _message("miss", "s1", 1)]
    messages += [_message("hit", "s2", 2, "AGENT"), _message("hit", "s2", 3, "TOOL_RESULT")]
    query = Query.build("hit", regex=False, case_sensitive=True)
    found = search_messages(messages, query, roles=None, max_hits=2)
    assert found.total == 3
    assert [(h.stage_number, h.index, h.role) for h in found.hits] == [
        (1, 0, "USER"),
        (2, 2, "AGENT"),
    ]
    agents = search_messages(messages, query, roles={"agent"}, max_hits=5)
    assert agents.total == 1


def test_only_the_first_scan_chars_of_a_message_are_searched() -> None:
    query = Query.build("needle", regex=False, case_sensitive=False)
    late = _message("x" * SCAN_CHARS + "needle")
    early = _message("x" * (SCAN_CHARS - 10) + "needle")
    assert search_messages([late], query, roles=None, max_hits=1).total == 0
    assert search_messages([early], query, roles=None, max_hits=1).total == 1


def test_every_searched_message_longer_than_the_scan_cap_is_reported_matched_or_not() -> None:
    query = Query.build("needle", regex=False, case_sensitive=False)
    messages = [
        _message("needle " + "x" * SCAN_CHARS, "s1", 0),
        _message("x" * SCAN_CHARS, "s1", 1),  # exactly the cap: all of it was searched
        _message("y" * (SCAN_CHARS + 5), "s2", 2, "AGENT"),
        _message("z" * (SCAN_CHARS + 9), "s2", 3, "TOOL_RESULT"),
    ]
    found = search_messages(messages, query, roles={"user", "agent"}, max_hits=5)
    assert found.total == 1
    assert found.long_messages == [
        LongMessage("s1", 1, 0, "USER", SCAN_CHARS + 7),
        LongMessage("s2", 2, 2, "AGENT", SCAN_CHARS + 5),
    ]
    short = search_messages([_message("needle")], query, roles=None, max_hits=5)
    assert short.long_messages == []
