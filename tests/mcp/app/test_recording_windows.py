"""Recording windows read by byte range, through the real server and client over the
sandbox: the same audio and note as the whole-file cut, about the window's bytes read
upstream in a bounded number of requests, the whole file when ranges are ignored, a
recording too large to read whole still playing, and errors in words."""

from __future__ import annotations

import base64
import io
import logging
import random
import wave
from typing import Any

import pytest
from mcp.types import AudioContent, CallToolResult, TextContent
from starlette.applications import Starlette

from tests.mcp.conftest import call_error, connect, text_of
from ultravox_calls_mcp.api.media import MAX_AUDIO_BYTES
from ultravox_calls_mcp.mcp.app.audio_tools import AUDIO_MAX_BYTES
from ultravox_calls_mcp.mcp.app.contract import RECORDING_TOOL
from ultravox_calls_mcp.mcp.app.recording_window import HEAD_BYTES
from ultravox_calls_mcp.mcp.app.wav import cut
from ultravox_calls_mcp.sandbox import SandboxData, create_app

pytestmark = pytest.mark.anyio

STORAGE = "storage.sandbox.invalid"
# (start, duration): the start, the middle, a window running past the end, the last second.
WINDOWS = [(0.0, 60.0), (0.0, 1.5), (75.3, 20.0), (-5.0, 60.0), (-1.0, 1.0)]


def _parts(result: CallToolResult) -> tuple[bytes, str]:
    assert not result.is_error, text_of(result)
    (audio,) = [b for b in result.content if isinstance(b, AudioContent)]
    (note,) = [b.text for b in result.content if isinstance(b, TextContent)]
    return base64.b64decode(audio.data), note


async def _windows(app: Starlette, call_id: str, windows: list[tuple[float, float]]) -> list[Any]:
    """Each window's audio and note, with the upstream requests it cost."""
    out = []
    async with connect(app) as client:
        for start, seconds in windows:
            app.state.requests.clear()
            args = {"call_id": call_id, "start_seconds": start, "duration_seconds": seconds}
            data, note = _parts(await client.call_tool(RECORDING_TOOL, args))
            audio = [r for r in app.state.requests if "/recording" in r.path]
            out.append((data, note, audio))
    return out


def _length(data: SandboxData, call_id: str) -> float:
    record = data.call(call_id)
    assert record is not None
    assert record.duration_s is not None
    return record.duration_s


@pytest.mark.parametrize("redirect", [True, False])
async def test_a_window_read_by_range_is_the_whole_file_cut_and_costs_its_own_bytes(
    redirect: bool, sandbox_data: SandboxData, caplog: pytest.LogCaptureFixture
) -> None:
    call_id = sandbox_data.notable.multi_stage_call_id  # about 3 minutes
    length = _length(sandbox_data, call_id)
    windows = [(start if start >= 0 else length + start, d) for start, d in WINDOWS]
    caplog.set_level(logging.DEBUG)
    ranged = create_app(sandbox_data, recording_redirect=redirect)
    whole = create_app(sandbox_data, recording_redirect=redirect, recording_ranges=False)
    by_range = await _windows(ranged, call_id, windows)
    by_file = await _windows(whole, call_id, windows)
    recording = ranged.state.recordings.wav(sandbox_data.call(call_id))
    for (start, seconds), (data, note, reads), (old_data, old_note, old_reads) in zip(
        windows, by_range, by_file, strict=True
    ):
        assert (data, note) == (old_data, old_note)
        clip = cut(recording, start, seconds, AUDIO_MAX_BYTES)
        assert data == clip.data  # and both are what cutting the whole file gives
        assert f"{clip.start:.1f}–{clip.start + clip.seconds:.1f} s (" in note
        assert f" of {length:.1f} s), WAV" in note
        # Upstream: the head and the window's frames (one read when the head holds them),
        # each the API's answer plus, with the redirect, the storage host's.
        sent = sum(r.body_bytes for r in reads)
        window_bytes = round(clip.seconds * 8_000) * 2
        assert sent <= HEAD_BYTES + window_bytes + 1_000
        assert len(reads) <= (4 if redirect else 2)
        assert all(r.range is not None and r.status in (206, 302) for r in reads)
        assert sum(r.body_bytes for r in old_reads) == len(recording)  # one whole read each
        assert len(old_reads) == (2 if redirect else 1)  # no second download on fallback
        storage = [r for r in reads if r.host == STORAGE]
        assert len(storage) == (len(reads) // 2 if redirect else 0)
        assert not any(r.had_api_key for r in storage)
    token = ranged.state.recordings.token(call_id)
    assert token not in caplog.text


def _planted(seconds: int, rate: int = 48_000, channels: int = 2) -> bytes:
    """A 16-bit WAV of ``seconds`` of noise: every frame differs, so a misplaced byte shows."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(random.Random(seconds).randbytes(seconds * rate * channels * 2))
    return out.getvalue()


async def test_a_recording_too_large_to_read_whole_plays_by_window(
    sandbox_data: SandboxData,
) -> None:
    call_id = sandbox_data.notable.multi_stage_call_id
    big = _planted(300)  # 5 minutes of 48 kHz stereo: 57.6 MB
    assert len(big) > MAX_AUDIO_BYTES
    ranged = create_app(sandbox_data)
    ranged.state.recordings.plant(call_id, big)
    (data, note, reads), (reduced, reduced_note, _) = await _windows(
        ranged, call_id, [(200.0, 5.0), (280.0, 30.0)]
    )
    assert note.endswith("200.0–205.0 s (5.0 s of 300.0 s), WAV")
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getframerate()) == (2, 48_000)
        first = 44 + 200 * 48_000 * 4
        assert reader.readframes(5 * 48_000) == big[first : first + 5 * 48_000 * 4]
    assert sum(r.body_bytes for r in reads) <= HEAD_BYTES + 5 * 48_000 * 4
    # A window running past the end: clamped, mixed down and resampled to fit, as before.
    assert "280.0–300.0 s (20.0 s of 300.0 s), WAV, mixed to mono" in reduced_note
    assert len(reduced) <= AUDIO_MAX_BYTES
    whole = create_app(sandbox_data, recording_ranges=False)
    whole.state.recordings.plant(call_id, big)
    async with connect(whole) as client:
        refused = await call_error(client, RECORDING_TOOL, call_id=call_id, start_seconds=200)
    assert "larger than the 52,428,800 byte limit" in refused


async def test_a_start_past_the_end_or_a_malformed_head_is_told_in_words(
    sandbox_data: SandboxData,
) -> None:
    call_id = sandbox_data.notable.multi_stage_call_id
    length = _length(sandbox_data, call_id)
    app = create_app(sandbox_data)
    async with connect(app) as client:
        past = await call_error(client, RECORDING_TOOL, call_id=call_id, start_seconds=5_000)
        app.state.requests.clear()
        app.state.recordings.plant(
            call_id, b"RIFF\x10\x00\x00\x00WAVEdata\x08\x00\x00\x00" + bytes(8)
        )
        malformed = await call_error(client, RECORDING_TOOL, call_id=call_id, start_seconds=0)
        head_only = len(app.state.requests)
        float_wav = bytearray(_planted(1, rate=8_000, channels=1))
        float_wav[20:22] = (3).to_bytes(2, "little")  # IEEE float, not PCM
        app.state.recordings.plant(call_id, bytes(float_wav))
        unplayable = await call_error(client, RECORDING_TOOL, call_id=call_id, start_seconds=0)
    assert f"the audio is {length:.1f} s long" in past
    assert "past its end (start below" in past
    assert "malformed (the data chunk comes before the fmt chunk)" in malformed
    assert "not WAV this server can read (format tag 0x0003" in unplayable
    for text in (past, malformed, unplayable):
        assert "Traceback" not in text
        assert "sbxcanary" not in text
        assert f"Cannot cut the recording of call {call_id}: " in text
    assert head_only == 2  # the malformed head alone: its 302 and its 206


async def test_frames_the_head_cannot_locate_are_cut_from_one_whole_read(
    sandbox_data: SandboxData,
) -> None:
    call_id = sandbox_data.notable.multi_stage_call_id
    plain = _planted(20, rate=8_000, channels=1)
    # A 70,000-byte LIST chunk puts the data chunk past the 64 KiB head.
    listed = bytearray(plain[:36] + b"LIST" + (70_000).to_bytes(4, "little") + bytes(70_000))
    listed += plain[36:]
    listed[4:8] = (len(listed) - 8).to_bytes(4, "little")
    windows = [(3.0, 10.0)]
    ranged = create_app(sandbox_data)
    ranged.state.recordings.plant(call_id, bytes(listed))
    whole = create_app(sandbox_data, recording_ranges=False)
    whole.state.recordings.plant(call_id, bytes(listed))
    ((data, note, reads),) = await _windows(ranged, call_id, windows)
    ((old_data, old_note, _),) = await _windows(whole, call_id, windows)
    assert (data, note) == (old_data, old_note)
    assert note.endswith("3.0–13.0 s (10.0 s of 20.0 s), WAV")
    assert [r.range for r in reads if r.host == STORAGE] == [f"bytes=0-{HEAD_BYTES - 1}", None]


async def test_other_audio_too_large_to_pass_on_is_refused_from_its_head(
    sandbox_data: SandboxData,
) -> None:
    call_id = sandbox_data.notable.multi_stage_call_id
    app = create_app(sandbox_data)
    app.state.recordings.plant(call_id, b"ID3\x04" + bytes(3_000_000))  # an mp3, say
    async with connect(app) as client:
        app.state.requests.clear()
        refused = await call_error(client, RECORDING_TOOL, call_id=call_id, start_seconds=0)
    assert "only WAV is cut here" in refused
    assert "3,000,004 bytes" in refused
    reads = [r for r in app.state.requests if r.host == STORAGE]
    assert [r.range for r in reads] == [f"bytes=0-{HEAD_BYTES - 1}"]  # the head alone


async def test_the_reads_of_one_window_share_one_deadline(sandbox_data: SandboxData) -> None:
    # Each answer takes 0.6 s: the head alone fits the 1 s deadline, head and frames do not.
    call_id = sandbox_data.notable.multi_stage_call_id
    app = create_app(sandbox_data, recording_redirect=False)
    async with connect(app, request_deadline=1.0) as client:
        app.state.faults.latency = 0.6
        late = await call_error(
            client, RECORDING_TOOL, call_id=call_id, start_seconds=30, duration_seconds=20
        )
    assert f"The recording window of call {call_id} did not arrive within 1 s" in late
    assert "Traceback" not in late
