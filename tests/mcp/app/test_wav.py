"""WAV windows cut with the standard library: exact frames, clamping, the size budget."""

from __future__ import annotations

import io
import wave
from array import array

import pytest

from ultravox_calls_mcp.mcp.app.wav import MIN_RATE, WavError, cut


def _wav(samples: list[int], *, rate: int = 8_000, channels: int = 1, width: int = 2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        code = {1: "B", 2: "h"}[width]
        writer.writeframes(array(code, samples).tobytes())
    return out.getvalue()


def _read(data: bytes) -> tuple[wave._wave_params, list[int]]:
    with wave.open(io.BytesIO(data)) as reader:
        params = reader.getparams()
        return params, list(array("h", reader.readframes(params.nframes)))


def test_a_window_holds_exactly_the_frames_of_its_seconds() -> None:
    source = _wav(list(range(-16_000, 16_000)), rate=1_000)  # 32 s, each sample its position
    clip = cut(source, 2.5, 3.0, 1_000_000)
    params, samples = _read(clip.data)
    assert (params.framerate, params.nchannels) == (1_000, 1)
    assert samples == list(range(-16_000 + 2_500, -16_000 + 5_500))
    assert (clip.start, clip.seconds, clip.source_seconds, clip.reduced) == (2.5, 3.0, 32.0, None)


def test_a_window_past_the_end_is_clamped_and_none_starts_after_it() -> None:
    source = _wav([7] * 10_000, rate=1_000)
    clip = cut(source, 8.0, 60.0, 1_000_000)
    assert clip.seconds == 2.0
    assert cut(source, 0.0, None, 1_000_000).seconds == 10.0
    with pytest.raises(WavError, match=r"10\.0 s long; a window starting at 10 s is past its end"):
        cut(source, 10.0, 1.0, 1_000_000)


def test_stereo_that_would_not_fit_is_mixed_to_mono_and_resampled_to_fit() -> None:
    rate = 48_000
    left_right = [1_000, 3_000] * (rate * 10)  # 10 s of stereo: left 1,000, right 3,000
    source = _wav(left_right, rate=rate, channels=2)
    budget = 200_000
    clip = cut(source, 0.0, 10.0, budget)
    params, samples = _read(clip.data)
    assert len(clip.data) <= budget
    assert params.nchannels == 1
    assert MIN_RATE <= params.framerate < rate
    assert params.nframes / params.framerate == pytest.approx(10.0, rel=0.01)
    assert set(samples) == {2_000}  # each sample the mean of the ones it stands for
    assert clip.reduced is not None
    assert "mono" in clip.reduced


def test_a_window_that_cannot_fit_names_the_length_that_would() -> None:
    source = _wav([0] * 80_000)  # 10 s at 8 kHz
    with pytest.raises(WavError, match=r"ask for at most 2\.5 s"):
        cut(source, 0.0, 10.0, 20_044)  # 2.5 s at the lowest rate, 4 kHz
    eight_bit = _wav([128] * 80_000, width=1)
    with pytest.raises(WavError, match="would not fit"):
        cut(eight_bit, 0.0, 10.0, 20_000)  # 8-bit audio is cut but never reduced


def test_audio_that_is_not_wav_is_refused_in_our_words() -> None:
    with pytest.raises(WavError, match="only plain PCM WAV is cut"):
        cut(b"ID3\x04not a wav file at all", 0.0, 1.0, 1_000)
