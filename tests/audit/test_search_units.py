"""The pure search functions: query guards, snippets, stage numbers, the scan cap."""

from __future__ import annotations

import pytest

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.search import (
    SCAN_CHARS,
    Query,
    QueryError,
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


@pytest.mark.parametrize("pattern", ["(a+)+", "(x*y?)*z", "(ab{2,})+", "((a|b)+)*"])
def test_nested_quantifiers_are_refused(pattern: str) -> None:
    with pytest.raises(QueryError, match="exponential"):
        Query.build(pattern, regex=True, case_sensitive=False)


@pytest.mark.parametrize("pattern", [r"(ab)+c\d{3}", r"(?:ab)+", r"(a+)b", r"[(a+)]+", r"\(a+\)+"])
def test_groups_repeated_without_an_inner_repetition_are_allowed(pattern: str) -> None:
    Query.build(pattern, regex=True, case_sensitive=True)


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
