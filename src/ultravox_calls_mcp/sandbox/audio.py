"""Sound for sandbox calls: WAV that follows the message timespans.

Each speaker gets a steady tone (agent 400 Hz, caller 250 Hz) while they speak and the
gaps stay silent, so a person listening *hears* a slow reply as a long silence and a
barge-in as two tones at once. 8 kHz, 16-bit mono keeps a minute under 1 MB. Built with
the standard library only (``wave``, ``array``), deterministic: same call, same bytes.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SAMPLE_RATE = 8_000
AGENT_HZ = 400  # both divide the sample rate, so one period repeats without drift
USER_HZ = 250
AMPLITUDE = 0.3  # of full scale: two voices at once still never clip
_FADE = SAMPLE_RATE // 100  # 10 ms in and out, so tones start and stop without a click
_FULL_SCALE = 32_767


@dataclass(frozen=True)
class Speech:
    """One stretch of speech on the call's audio clock (seconds from join)."""

    role: str  # "AGENT" or "USER"
    start: float
    end: float


def speech_of(message: dict[str, Any]) -> Speech | None:
    """The stretch a message was spoken in, or None for tool messages, typed text and
    messages without timing (a stage's carried-over history)."""
    role = str(message.get("role", "")).removeprefix("MESSAGE_ROLE_")
    if role not in ("AGENT", "USER") or message.get("medium") == "MESSAGE_MEDIUM_TEXT":
        return None
    span = message.get("timespan")
    if not isinstance(span, dict) or "start" not in span or "end" not in span:
        return None
    start, end = _seconds(span["start"]), _seconds(span["end"])
    return Speech(role, start, end) if end > start else None


def _seconds(value: str) -> float:
    return float(value.removesuffix("s"))


def _period(hz: int) -> array[int]:
    samples = SAMPLE_RATE // hz
    peak = AMPLITUDE * _FULL_SCALE
    return array("h", (round(peak * math.sin(2 * math.pi * i / samples)) for i in range(samples)))


_PERIODS = {"AGENT": _period(AGENT_HZ), "USER": _period(USER_HZ)}


def tone(role: str, frames: int) -> array[int]:
    """``frames`` samples of the speaker's tone, faded in and out."""
    period = _PERIODS[role]
    samples = (period * (frames // len(period) + 1))[:frames]
    fade = min(_FADE, frames // 2)
    for i in range(fade):
        scale = i / fade
        samples[i] = round(samples[i] * scale)
        samples[frames - 1 - i] = round(samples[frames - 1 - i] * scale)
    return samples


def mix(speech: Iterable[Speech], seconds: float) -> array[int]:
    """The call's sound from 0 to ``seconds``: every stretch of speech as its tone."""
    total = max(0, round(seconds * SAMPLE_RATE))
    buffer = array("h", bytes(2 * total))
    for part in speech:
        first = max(0, round(part.start * SAMPLE_RATE))
        last = min(total, round(part.end * SAMPLE_RATE))
        if last <= first:
            continue
        sound = tone(part.role, last - first)
        if buffer[first:last].count(0) == last - first:
            buffer[first:last] = sound
        else:  # two people at once (a barge-in): add them
            for i, sample in enumerate(sound, start=first):
                buffer[i] = max(-_FULL_SCALE, min(_FULL_SCALE, buffer[i] + sample))
    return buffer


def wav_bytes(samples: array[int]) -> bytes:
    if sys.byteorder == "big":  # WAV is little-endian
        samples = array("h", samples)
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(samples.tobytes())
    return out.getvalue()


def recording_wav(messages: Sequence[dict[str, Any]], seconds: float) -> bytes:
    """A call's recording: ``seconds`` long (join to end), speech where messages were."""
    return wav_bytes(mix(filter(None, map(speech_of, messages)), seconds))


def message_wav(speech: Speech) -> bytes:
    """One message's own audio: its speaker's tone for as long as it was spoken."""
    frames = max(1, round((speech.end - speech.start) * SAMPLE_RATE))
    return wav_bytes(tone(speech.role, frames))
