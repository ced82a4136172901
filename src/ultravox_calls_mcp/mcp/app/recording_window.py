"""A window of a call's recording read by byte range: the file's head (where its frames
are), then only the window's frames, instead of the whole file each time.

Two reads per window (each the API's 302 and the storage host's 206), each about the size
of what it holds, each under the per-read cap: a recording too long to read whole still
plays. The window is cut from the frames by ``wav.cut`` exactly as it would have been from
the whole file, then placed back in the whole (its start and the recording's length).

The reads of one window share one request deadline, as one whole-file read did.

When ranges cannot be used the whole file is cut as before: the head's answer was the
whole file (the server ignored the range: no second download), or the head cannot tell
where the frames are (not WAV: see ``wav_head``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

import anyio

from ultravox_calls_mcp.api.errors import DeadlineExceededError
from ultravox_calls_mcp.api.media import Audio, sniff_wav
from ultravox_calls_mcp.mcp.app.wav import Clip, WavError, cut, write_wav
from ultravox_calls_mcp.mcp.app.wav_head import layout_of

if TYPE_CHECKING:
    from ultravox_calls_mcp.api.client import UltravoxClient

__all__ = ["HEAD_BYTES", "read_window"]

# Enough for the chunks before ``data`` in any WAV a recorder writes (44 bytes, or a few
# hundred with LIST/fact chunks); small next to a second of audio.
HEAD_BYTES: Final = 65_536


async def read_window(
    client: UltravoxClient,
    call_id: str,
    start: float,
    duration: float,
    *,
    max_bytes: int,
    cap: int | None = None,
) -> Clip | Audio:
    """The window as a Clip placed in the whole recording, or the whole file as Audio when
    ranges cannot be used (the caller cuts it as before). ``max_bytes``: the clip's budget;
    ``cap``: the most bytes one read takes (the client's default when None). Raises
    WavError for a start past the end or a malformed WAV head; DeadlineExceededError when
    the reads together take longer than one request may."""
    seconds = client.request_deadline
    with anyio.move_on_after(seconds):
        return await _read_window(client, call_id, start, duration, max_bytes=max_bytes, cap=cap)
    raise DeadlineExceededError(
        f"The recording window of call {call_id.strip().lower()} did not arrive within "
        f"{seconds:g} s, retries included. Try again shortly."
    )


async def _read_window(
    client: UltravoxClient,
    call_id: str,
    start: float,
    duration: float,
    *,
    max_bytes: int,
    cap: int | None,
) -> Clip | Audio:
    head = await client.get_recording(call_id, byte_range=(0, HEAD_BYTES - 1), cap=cap)
    if not head.partial:
        return head  # ranges ignored: this was the whole file
    layout = layout_of(head.data, head.file_size)
    if layout is None:
        if head.file_size is not None and len(head.data) >= head.file_size:
            return Audio(head.data, head.media_type, file_size=head.file_size)
        if not sniff_wav(head.data) and (head.file_size or 0) > max_bytes:
            # Not WAV: passed on whole only if it fits (audio_tools), so not downloaded
            # just to be refused.
            raise WavError(
                f"it is not WAV ({head.media_type}, {head.file_size:,} bytes): only WAV is "
                f"cut here, and other audio is passed on whole only up to {max_bytes:,} bytes"
            )
        return await client.get_recording(call_id, cap=cap)
    rate, size = layout.rate, layout.frame_size
    # The same frames ``cut`` picks from the whole file (its rounding, its clamping).
    first = round(start * rate)
    if first >= layout.frames:
        raise WavError(
            f"the audio is {layout.seconds:.1f} s long; a window starting at {start:g} s is "
            f"past its end (start below {layout.seconds:.1f} s)"
        )
    count = min(layout.frames - first, max(1, round(duration * rate)))
    low = layout.data_offset + first * size
    high = low + count * size - 1
    if high < len(head.data):
        frames = head.data[low : high + 1]  # a short recording: the head holds it already
    else:
        part = await client.get_recording(call_id, byte_range=(low, high), cap=cap)
        skip = low - part.offset  # 0 for a slice; ``low`` when the whole file came back
        frames = part.data[skip : skip + count * size]
    frames = frames[: len(frames) - len(frames) % size]
    if not frames:
        raise WavError("the recording ended before the window's frames could be read; try again")

    def cut_window() -> Clip:  # CPU-bound on up to the cap's bytes: off the event loop
        wav = write_wav(layout.channels, layout.width, rate, frames)
        return cut(wav, 0.0, duration, max_bytes)

    clip = await anyio.to_thread.run_sync(cut_window)
    return replace(clip, start=first / rate, source_seconds=layout.seconds)
