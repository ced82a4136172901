"""Cut a window out of WAV audio with the standard library's ``wave``, within a size budget.

A window that would not fit is made smaller the way a listener minds least: channels mixed
to one, then the sample rate divided by a whole number (each new sample the mean of the
ones it replaces, a crude low-pass that keeps speech clear). Only 16-bit PCM is reduced;
other sample widths are cut but never reduced, and a window too large for the budget is
refused with the length that would fit. Pure and CPU-bound: callers run it off the event
loop.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass, field
from typing import Final

__all__ = ["MIN_RATE", "Clip", "WavError", "cut", "write_wav"]

# Below this a voice stops being intelligible: refuse rather than go lower.
MIN_RATE: Final = 4_000
_HEADER: Final = 44


class WavError(ValueError):
    """The audio cannot be cut as asked; the message says why in words a caller can act on."""


@dataclass(frozen=True)
class Clip:
    data: bytes = field(repr=False)
    start: float  # seconds into the source
    seconds: float  # the clip's length
    source_seconds: float  # the whole source's length
    reduced: str | None = None  # how it was made smaller, when it was


def _frames_of(data: bytes) -> tuple[int, int, int, bytes]:
    """Channels, sample width, frame rate and the frames."""
    try:
        with wave.open(io.BytesIO(data)) as reader:
            params = reader.getparams()
            frames = reader.readframes(params.nframes)
            return params.nchannels, params.sampwidth, params.framerate, frames
    except (wave.Error, EOFError) as exc:
        raise WavError(
            f"the audio is not WAV this server can read ({str(exc)[:80] or 'no detail'}); "
            "only plain PCM WAV is cut"
        ) from None


def write_wav(channels: int, width: int, rate: int, frames: bytes) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return out.getvalue()


def _reduce(frames: bytes, channels: int, rate: int, max_bytes: int) -> tuple[bytes, int, str]:
    """16-bit frames as mono at ``rate // k``, the smallest whole ``k`` that fits."""
    count = len(frames) // (2 * channels)
    factor = max(1, math.ceil(2 * count / max(1, max_bytes - _HEADER)))
    new_rate = round(rate / factor)
    if new_rate < MIN_RATE:
        raise WavError("too large")
    samples = array("h", frames[: count * 2 * channels])
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    block = factor * channels
    if block == 1:
        mono = samples
    else:
        mono = array(
            "h", (sum(samples[i : i + block]) // block for i in range(0, len(samples), block))
        )
    if sys.byteorder == "big":
        mono.byteswap()
    how = "mixed to mono" if channels > 1 else ""
    if factor > 1:
        how = f"{how}, " if how else ""
        how += f"resampled {rate} → {new_rate} Hz"
    return mono.tobytes(), new_rate, how


def cut(data: bytes, start: float, duration: float | None, max_bytes: int) -> Clip:
    """``duration`` seconds from ``start`` (clamped at the end; None: to the end), as a WAV
    of at most ``max_bytes``. Raises WavError when the audio is not PCM WAV, ``start`` is past the
    end, or the window cannot be made to fit."""
    channels, width, rate, frames = _frames_of(data)
    frame_size = channels * width
    if rate <= 0 or frame_size <= 0:
        raise WavError("the WAV header names no sample rate or sample size")
    total = len(frames) // frame_size
    source_seconds = total / rate
    first = round(start * rate)
    if first >= total:
        raise WavError(
            f"the audio is {source_seconds:.1f} s long; a window starting at {start:g} s is past "
            f"its end (start below {source_seconds:.1f} s)"
        )
    left = total - first
    count = left if duration is None else min(left, max(1, round(duration * rate)))
    window = frames[first * frame_size : (first + count) * frame_size]
    seconds = count / rate
    if len(window) + _HEADER <= max_bytes:
        return Clip(write_wav(channels, width, rate, window), first / rate, seconds, source_seconds)
    # What would fit: as it is, or (16-bit) reduced as far as this module goes.
    per_second = 2 * MIN_RATE if width == 2 else frame_size * rate
    fits = (max_bytes - _HEADER) / per_second
    too_large = WavError(
        f"{seconds:.1f} s of this audio ({channels} channel(s), {rate} Hz, {8 * width}-bit) "
        f"would not fit in {max_bytes:,} bytes; ask for at most {max(fits, 0.1):.1f} s"
    )
    if width != 2:
        raise too_large
    try:
        mono, new_rate, how = _reduce(window, channels, rate, max_bytes)
    except WavError:
        raise too_large from None
    return Clip(write_wav(1, 2, new_rate, mono), first / rate, seconds, source_seconds, how)
