from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ultravox_calls_mcp.render.budget import cut_note, window


def test_window_returns_the_next_offset_until_the_end() -> None:
    assert window("abcdefgh", 0, 3) == ("abc", 3)
    assert window("abcdefgh", 6, 3) == ("gh", None)


def test_window_clamps_an_offset_past_either_end() -> None:
    assert window("abc", 10, 5) == ("", None)
    assert window("abc", -4, 2) == ("ab", 2)


def test_window_does_not_split_a_zero_width_joined_emoji() -> None:
    family = "👩\u200d👧"
    chunk, next_offset = window(f"ab{family}", 0, 3)
    assert (chunk, next_offset) == ("ab", 2)


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_window_pages_cover_the_text_exactly_once(text: str, length: int) -> None:
    pieces, offset = [], 0
    next_offset: int | None = 0
    while next_offset is not None:
        piece, next_offset = window(text, offset, length)
        pieces.append(piece)
        assert next_offset is None or next_offset > offset
        offset = next_offset or 0
    assert "".join(pieces) == text


def test_window_with_break_after_ends_after_its_last_whole_line() -> None:
    text = "k1: v1\nk2: v2\nk3: a long value\n"
    assert window(text, 0, 16, break_after="\n") == ("k1: v1\nk2: v2\n", 14)
    # A line longer than the window is split: progress beats whole lines.
    assert window(text, 14, 6, break_after="\n") == ("k3: a ", 20)


@given(st.text(alphabet="ab\n"), st.integers(min_value=1, max_value=20))
def test_line_windows_cover_the_text_exactly_once(text: str, length: int) -> None:
    pieces, offset = [], 0
    next_offset: int | None = 0
    while next_offset is not None:
        piece, next_offset = window(text, offset, length, break_after="\n")
        pieces.append(piece)
        assert next_offset is None or next_offset > offset
        offset = next_offset or 0
    assert "".join(pieces) == text


def test_cut_note_says_what_was_cut_and_how_to_read_on() -> None:
    how = 'to read on: get_call_stage(call_id="c1", call_stage_id="s1", offset=24000)'
    assert cut_note("system_prompt", 24_000, 1_048_576, how) == (
        "[cut: showing 24,000 of 1,048,576 characters of system_prompt — to read on: "
        'get_call_stage(call_id="c1", call_stage_id="s1", offset=24000)]'
    )


def test_cut_note_can_count_items_instead_of_characters() -> None:
    assert cut_note("calls", 50, 1_234, "next: cursor=abc", unit="") == (
        "[cut: showing 50 of 1,234 calls — next: cursor=abc]"
    )
