from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ultravox_calls_mcp.render.budget import TextBuilder, cut_note, window


def test_text_builder_refuses_a_line_that_would_eat_into_the_reserve() -> None:
    builder = TextBuilder(20, reserve=10)
    assert builder.add("abcd")
    assert not builder.add("efghij")
    assert builder.text() == "abcd\n"
    assert (builder.used, builder.remaining) == (5, 5)


def test_text_builder_forced_note_uses_the_reserve_and_is_clipped_to_fit() -> None:
    builder = TextBuilder(20, reserve=10)
    assert builder.add("012345678")
    assert not builder.add_forced("[cut: far too long a note]")
    assert builder.text() == "012345678\n[cut: far "
    assert len(builder.text()) == 20


@given(
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=300),
    st.lists(st.tuples(st.booleans(), st.text(max_size=60))),
)
def test_text_builder_never_exceeds_max_chars(
    max_chars: int, reserve: int, lines: list[tuple[bool, str]]
) -> None:
    builder = TextBuilder(max_chars, reserve=reserve)
    for forced, line in lines:
        if forced:
            builder.add_forced(line)
        else:
            builder.add(line)
        assert len(builder.text()) == builder.used <= max_chars


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
