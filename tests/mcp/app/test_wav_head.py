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
    whole = _riff(_fmt(channels=2), _chunk(b"data", bytes(400), size=0xFFFF_FFFF))
    assert layout_of(whole[:100], len(whole)) == WavLayout(2, 2, 8_000, 44, 100)
    assert layout_of(whole[:100], None) is None  # length unknown: read it whole


def test_a_data_chunk_of_size_0_is_empty_as_wave_reads_it() -> None:
    # Not "to the end": the bytes after it (here a LIST chunk) are not audio.
    whole = _riff(_fmt(), _chunk(b"data", b"", size=0), _chunk(b"LIST", bytes(200)))
    assert layout_of(whole[:100], len(whole)) == WavLayout(1, 2, 8_000, 44, 0)
    with wave.open(io.BytesIO(whole)) as reader:
        assert reader.getnframes() == 0


def test_a_fmt_chunk_cut_by_the_head_means_read_the_file_whole() -> None:
    whole = _riff(_chunk(b"LIST", bytes(65_500)), _fmt(), _chunk(b"data", bytes(800)))
    head = whole[:65_536]  # the fmt chunk's header is in, its body is not
    assert layout_of(head, len(whole)) is None
    assert layout_of(head, None) is None
    with pytest.raises(WavError, match="the fmt chunk is cut short"):
        layout_of(head, len(head))  # the whole file: truly cut short
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


def test_extensible_pcm_is_pcm_and_extensible_float_is_not() -> None:
    def extensible(sub_tag: int) -> bytes:
        plain = struct.pack("<HHIIHH", 0xFFFE, 2, 16_000, 64_000, 4, 16)
        guid = (
            struct.pack("<H", sub_tag) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        )
        return _chunk(b"fmt ", plain + struct.pack("<HHI", 22, 16, 3) + guid)

    whole = _riff(extensible(1), _chunk(b"data", bytes(4_000)))
    assert layout_of(whole[:200], len(whole)) == WavLayout(2, 2, 16_000, 68, 1_000)
    with pytest.raises(WavError, match="format tag 0x0003"):
        layout_of(_riff(extensible(3), _chunk(b"data", bytes(40)))[:200], None)
