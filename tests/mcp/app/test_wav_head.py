"""A WAV's frames located from its head alone, as ``wave`` locates them in the whole file."""

from __future__ import annotations

import io
import struct
import wave

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ultravox_calls_mcp.mcp.app.wav import WavError
from ultravox_calls_mcp.mcp.app.wav_head import WavLayout, layout_of


def _chunk(kind: bytes, body: bytes, size: int | None = None) -> bytes:
    told = len(body) if size is None else size
    return kind + struct.pack("<I", told) + body + (b"\0" if len(body) % 2 else b"")


def _fmt(channels: int = 1, width: int = 2, rate: int = 8_000, tag: int = 1) -> bytes:
    align = channels * width
    return _chunk(
        b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, 8 * width)
    )


def _riff(*chunks: bytes) -> bytes:
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


@given(
    channels=st.integers(1, 3),
    width=st.integers(1, 4),
    rate=st.integers(1, 48_000),
    frames=st.integers(0, 300),
    extra=st.binary(max_size=41),  # an odd size tests the pad byte
)
def test_the_layout_is_where_wave_finds_the_frames(
    channels: int, width: int, rate: int, frames: int, extra: bytes
) -> None:
    data = bytes(range(256)) * (frames * channels * width // 256 + 1)
    data = data[: frames * channels * width]
    whole = _riff(_fmt(channels, width, rate), _chunk(b"LIST", extra), _chunk(b"data", data))
    layout = layout_of(whole[:200], len(whole))
    assert layout is not None
    with wave.open(io.BytesIO(whole)) as reader:
        assert (layout.channels, layout.width, layout.rate) == (channels, width, rate)
        assert layout.frames == reader.getnframes()
        first = layout.data_offset
        assert whole[first : first + len(data)] == reader.readframes(frames) == data


def test_an_unsized_data_chunk_runs_to_the_end_of_the_file() -> None:
    for told in (0, 0xFFFF_FFFF):
        whole = _riff(_fmt(channels=2), _chunk(b"data", bytes(400), size=told))
        assert layout_of(whole[:100], len(whole)) == WavLayout(2, 2, 8_000, 44, 100)
        assert layout_of(whole[:100], None) is None  # length unknown: read it whole
    shorter = _riff(_fmt(), _chunk(b"data", bytes(400), size=10_000))
    layout = layout_of(shorter[:100], len(shorter))
    assert layout is not None
    assert layout.frames == 200  # a data chunk said to run past the file ends with it


def test_what_the_head_cannot_tell_is_left_to_a_whole_read() -> None:
    assert layout_of(b"ID3\x04" + bytes(100), 10_000) is None  # not WAV
    big_list = _riff(_fmt(), _chunk(b"LIST", bytes(70_000)), _chunk(b"data", bytes(8)))
    assert layout_of(big_list[:65_536], len(big_list)) is None  # data lies past the head


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (_riff(_chunk(b"data", bytes(8)), _fmt()), "the data chunk comes before the fmt chunk"),
        (_riff(_chunk(b"fmt ", bytes(8)), _chunk(b"data", bytes(8))), "the fmt chunk is cut short"),
        (_riff(_fmt(), _chunk(b"LIST", bytes(8))), "no data chunk"),
        (_riff(_fmt(channels=0), _chunk(b"data", bytes(8))), "no channels"),
        (_riff(_fmt(tag=3), _chunk(b"data", bytes(8))), "not WAV this server can read"),
        (_riff(_fmt(rate=0), _chunk(b"data", bytes(8))), "no sample rate"),
    ],
)
def test_a_malformed_or_unplayable_head_is_an_error_that_says_why(
    head: bytes, message: str
) -> None:
    with pytest.raises(WavError, match=message):
        layout_of(head, len(head))
