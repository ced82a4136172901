"""Regex search on RE2: hostile patterns answer, unsupported constructs are refused with a
fix, and the meaning is Python's (checked against ``re`` itself)."""

from __future__ import annotations

import array
import re

import pytest

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.regex import MAX_PROGRAM_SIZE, compile_linear
from ultravox_calls_mcp.audit.search import (
    SCAN_CHARS,
    LongMessage,
    Query,
    QueryError,
    search_messages,
)

LONG_RUN = "a" * 30_000  # the long message of repeated letters

# Each backtracks for minutes in Python's re over LONG_RUN.
HOSTILE = [
    r"(a|aa)*b",
    r"(\w|\d)+$",
    r".*.*.*.*x",
    r"(a+)+$",
    r"((a|b|ab)*|(aa|a)*)*c",
    r"(a|a?)+$",
    r"(x+x+)+y",
    r"(\w*\s?)*!",
]


def _message(text: str, index: int = 0, role: str = "USER") -> Message:
    return Message(
        role=f"MESSAGE_ROLE_{role}", text=text, call_stage_id="s1", call_stage_message_index=index
    )


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_hostile_pattern_over_a_30000_char_message_answers_as_python_would(pattern: str) -> None:
    # Python's verdict on a short run of the same letter is safe to compute; the pattern
    # cannot tell a run of 12 from a run of 30,000 (it only sees a's and the end).
    expected = re.search(pattern, "a" * 12) is not None
    found = search_messages(
        [_message(LONG_RUN)],
        Query.build(pattern, regex=True, case_sensitive=False),
        roles=None,
        max_hits=1,
    )
    assert found.total == int(expected)
    assert found.long_messages == [LongMessage("s1", 1, 0, "USER", 30_000)]


def test_a_match_in_a_long_message_is_found_within_the_searched_prefix() -> None:
    query = Query.build(r"(a|aa)*a$", regex=True, case_sensitive=True)
    found = search_messages([_message(LONG_RUN)], query, roles=None, max_hits=1)
    # $ is the end of the searched prefix: the whole prefix matches.
    assert found.total == 1
    assert found.hits[0].snippet.startswith("«")
    assert len(LONG_RUN[:SCAN_CHARS]) == SCAN_CHARS


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"(\w+) \1", "backreference"),
        (r"(?P<w>\w+) (?P=w)", "named backreference"),
        (r"refund(?= request)", "Lookahead"),
        (r"(?!no)\w+", "Lookahead"),
        (r"(?<=order )\d+", "Lookbehind"),
        (r"(?<!not )happy", "Lookbehind"),
        (r"(?>a+)b", "atomic group"),
        (r"a++b", "possessive repeat"),
        (r"a{2}+b", "possessive repeat"),
        (r"(a)?(?(1)b|c)", "conditional group"),
        (r"(?x) a b", "verbose flag"),
        (r"(?a)\w", "ASCII/locale flag"),
    ],
)
def test_a_construct_re2_lacks_is_refused_naming_it_and_an_alternative(
    pattern: str, construct: str
) -> None:
    with pytest.raises(QueryError) as refused:
        Query.build(pattern, regex=True, case_sensitive=False)
    message = str(refused.value)
    assert construct.lower() in message.lower()
    assert "is not supported" in message
    assert message.rstrip().endswith(".")


@pytest.mark.parametrize(
    ("pattern", "fix"),
    [
        ("(unclosed", "not a valid regular expression"),
        ("a{1001}", "over 1,000"),
        (r"\w{20}", f"the limit is {MAX_PROGRAM_SIZE:,}"),
    ],
)
def test_a_broken_or_oversized_pattern_gets_an_actionable_error(pattern: str, fix: str) -> None:
    with pytest.raises(QueryError, match=re.escape(fix)):
        Query.build(pattern, regex=True, case_sensitive=False)


@pytest.mark.parametrize(
    ("pattern", "text", "span"),
    [
        (r"\101\0", "xA\0", (1, 3)),  # octal escapes are characters, not backreferences
        (r"\u00e9t\N{LATIN SMALL LETTER E WITH ACUTE}", "été", (0, 3)),
        (r"a{,2}b", "aaab", (1, 4)),  # Python's {,n} is {0,n}
        (r"[]x]+", "a]x]", (1, 4)),  # "]" first in a set is a member
        (r"[[:a]+", "b[:a", (1, 4)),  # not a POSIX class in Python
        (r"end\Z", "the end", (4, 7)),
        (r"(?P<n>ab)+", "xabab", (1, 5)),
        (r"(?i:AB)c", "abc abC", (0, 3)),
        (r"x(?#a comment)y", "xy", (0, 2)),
        (r"caf\w", "café", (0, 4)),  # \w is Unicode, as in Python
        (r"\d+", "٣4", (0, 2)),  # so is \d
        (r"a\sb", "a\u2003b", (0, 3)),  # and \s
    ],
)
@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
def test_python_syntax_keeps_its_meaning(pattern: str, text: str, span: tuple[int, int]) -> None:
    assert re.search(pattern, text) is not None
    assert re.search(pattern, text).span() == span  # type: ignore[union-attr]
    assert compile_linear(pattern, case_sensitive=True).search(text) == span


def test_a_lone_surrogate_in_a_message_does_not_break_the_search() -> None:
    assert compile_linear("b", case_sensitive=True).search("a\ud800b") == (2, 3)


def _code_points(low: int, high: int) -> str:
    return array.array("I", range(low, high)).tobytes().decode("utf-32-le")


@pytest.mark.parametrize("letter", ["w", "d", "s"])
def test_class_escapes_match_exactly_the_code_points_python_matches(letter: str) -> None:
    # Every code point but the surrogates (UTF-8 cannot carry them), split by Python's re.
    every = _code_points(0, 0xD800) + _code_points(0xE000, 0x110000)
    members = "".join(re.findall(f"\\{letter}", every))
    others = "".join(re.findall(f"\\{letter.upper()}", every))
    assert len(members) + len(others) == len(every)
    for escape, text in ((letter, members), (letter.upper(), others)):
        whole = compile_linear(f"\\A\\{escape}*\\Z", case_sensitive=True)
        assert whole.search(text) == (0, len(text))
    for escape, text in ((letter, others), (letter.upper(), members)):
        assert compile_linear(f"\\{escape}", case_sensitive=True).search(text) is None
        assert compile_linear(f"[\\{escape}]", case_sensitive=True).search(text) is None
