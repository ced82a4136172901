"""Properties: literal search finds what plain substring search finds, and regex search
finds what Python's re finds, for ordinary patterns over random ASCII texts."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.search import Query, search_messages, snippet
from ultravox_calls_mcp.render.transcript import message_text

ASCII_TEXT = "abAB019 _-.()*\n\t\x0b\x1c"
# Not empty: Python before 3.14 has \B fail on an empty text (3.14 and RE2 match there).
_texts = st.text(alphabet=ASCII_TEXT, min_size=1, max_size=12)


def _first_hit(text: str, query: Query) -> tuple[int, str] | None:
    message = Message(
        role="MESSAGE_ROLE_USER", text=text, call_stage_id="s", call_stage_message_index=0
    )
    found = search_messages([message], query, roles=None, max_hits=1)
    return (found.total, found.hits[0].snippet) if found.hits else None


@given(st.text(min_size=1, max_size=6), st.text(max_size=40))
def test_a_case_sensitive_literal_is_found_where_the_substring_is(query: str, text: str) -> None:
    shown = message_text(Message(text=text))
    at = shown.find(query)
    expected = None if at < 0 else (1, snippet(shown, at, at + len(query)))
    assert _first_hit(text, Query.build(query, regex=False, case_sensitive=True)) == expected


@given(
    st.text(alphabet=ASCII_TEXT, min_size=1, max_size=4), st.text(alphabet=ASCII_TEXT, max_size=40)
)
def test_a_case_insensitive_literal_is_found_where_the_folded_substring_is(
    query: str, text: str
) -> None:
    shown = message_text(Message(text=text))
    at = shown.lower().find(query.lower())
    expected = None if at < 0 else (1, snippet(shown, at, at + len(query)))
    assert _first_hit(text, Query.build(query, regex=False, case_sensitive=False)) == expected


# Patterns as pairs: (what the model sends, the same meaning for Python's re). They differ
# only in "$", documented to match at the very end (Python's \Z), not before a final "\n".
_ATOMS = st.sampled_from(
    [
        *(re.escape(c) for c in "abA1 -.("),
        ".",
        "[ab]",
        "[^a ]",
        "[a-c0-9]",
        "[\\w.]",
        "[^\\s]",
        *("\\" + c for c in "wWdDsS"),
    ]
).map(lambda atom: (atom, atom))
_ANCHORS = st.sampled_from(["^", "\\b", "\\B", "\\A", "\\Z", "$"]).map(
    lambda anchor: (anchor, "\\Z" if anchor == "$" else anchor)
)
_QUANTIFIERS = st.sampled_from(["*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0,2}?", "{,2}"])


def _extend(inner: st.SearchStrategy[tuple[str, str]]) -> st.SearchStrategy[tuple[str, str]]:
    def join(parts: list[tuple[str, str]], sep: str) -> tuple[str, str]:
        return sep.join(p for p, _ in parts), sep.join(r for _, r in parts)

    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: join(parts, "")),
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: join(parts, "|")),
        st.tuples(st.sampled_from(["(", "(?:"]), inner).map(
            lambda g: (f"{g[0]}{g[1][0]})", f"{g[0]}{g[1][1]})")
        ),
        st.tuples(st.sampled_from(["(", "(?:"]), inner, _QUANTIFIERS).map(
            lambda g: (f"{g[0]}{g[1][0]}){g[2]}", f"{g[0]}{g[1][1]}){g[2]}")
        ),
        st.tuples(_ATOMS, _QUANTIFIERS).map(lambda a: (a[0][0] + a[1], a[0][1] + a[1])),
    )


_PATTERNS = st.recursive(_ATOMS | _ANCHORS, _extend, max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(_PATTERNS, _texts, st.booleans())
def test_a_regex_finds_what_python_re_finds(
    pattern: tuple[str, str], text: str, case_sensitive: bool
) -> None:
    ours, reference = pattern
    python = re.search(reference, text, 0 if case_sensitive else re.IGNORECASE)
    found = Query.build(ours, regex=True, case_sensitive=case_sensitive).find(text)
    assert found == (python.span() if python else None)
