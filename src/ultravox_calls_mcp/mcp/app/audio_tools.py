"""The viewer's audio tools (app-only): one message's audio, and a window of the call's
recording cut server-side (read by byte range: see recording_window.py). Both answer
with MCP audio content (base64), which the page plays from a data: URL; a short text
block says what it is."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Annotated, Final

import anyio
from mcp.server.apps import Apps
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import AudioContent, CallToolResult, TextContent
from pydantic import Field

from ultravox_calls_mcp.mcp.app.contract import (
    APP_ONLY,
    MESSAGE_AUDIO_TOOL,
    RECORDING_MAX_SECONDS,
    RECORDING_TOOL,
    RECORDING_WINDOW_SECONDS,
    VIEWER_URI,
)
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, StageId
from ultravox_calls_mcp.mcp.state import app_state

if TYPE_CHECKING:
    from ultravox_calls_mcp.api.media import Audio
    from ultravox_calls_mcp.mcp.app.wav import Clip

__all__ = ["AUDIO_MAX_BYTES", "register"]

# Audio bytes per answer: base64 makes ~1.93 MB of them, so a 60 s window stays under
# 2 MB on the wire (WAV that would not fit is mixed down and resampled, see wav.py).
AUDIO_MAX_BYTES: Final = 1_450_000

MessageIndex = Annotated[
    int,
    Field(
        description="The message's index within its stage (callStageMessageIndex).",
        ge=0,
        strict=True,
    ),
]
StartSeconds = Annotated[
    float,
    Field(
        description="Where the window starts, in seconds from the call's start.",
        ge=0,
        le=86_400,  # a day: longer than any call can last (maxDuration caps at hours)
        allow_inf_nan=False,
    ),
]
DurationSeconds = Annotated[
    float,
    Field(
        description=f"The window's length in seconds, at most {RECORDING_MAX_SECONDS:g}.",
        gt=0,
        le=RECORDING_MAX_SECONDS,
    ),
]


def _result(media_type: str, data: bytes, note: str) -> CallToolResult:
    encoded = base64.b64encode(data).decode("ascii")
    return CallToolResult(
        content=[
            AudioContent(type="audio", data=encoded, mime_type=media_type),
            TextContent(type="text", text=note),
        ]
    )


async def _fitted(
    audio: Audio, start: float, seconds: float | None, what: str
) -> tuple[bytes, str]:
    """WAV cut to the window (off the event loop); other audio passed whole if small."""
    from ultravox_calls_mcp.mcp.app.wav import WavError, cut  # on first use, not at start-up

    if audio.media_type != "audio/wav":
        if len(audio.data) > AUDIO_MAX_BYTES:
            raise ToolError(
                f"{what} is {audio.media_type} of {len(audio.data):,} bytes: only WAV is cut "
                f"here, and other audio is passed on whole only up to {AUDIO_MAX_BYTES:,} bytes."
            )
        return audio.data, f"the whole audio ({audio.media_type}: not WAV, so not cut)"
    try:
        clip = await anyio.to_thread.run_sync(cut, audio.data, start, seconds, AUDIO_MAX_BYTES)
    except WavError as exc:
        raise ToolError(f"Cannot cut {what}: {exc}.") from None
    return _described(clip)


def _described(clip: Clip) -> tuple[bytes, str]:
    """The clip and where it sits in the whole audio."""
    end = clip.start + clip.seconds
    note = (
        f"{clip.start:.1f}–{end:.1f} s ({clip.seconds:.1f} s of {clip.source_seconds:.1f} s), WAV"
    )
    if clip.reduced:
        note += f", {clip.reduced} to fit {AUDIO_MAX_BYTES:,} bytes"
    return clip.data, note


@tool_errors
async def get_message_audio(
    ctx: Context, call_id: CallId, stage_id: StageId, message_index: MessageIndex
) -> CallToolResult:
    """For the call viewer: one spoken message's audio (agent or caller), as audio content.
    Called by the viewer page, not by the model."""
    audio = await app_state(ctx).client.get_message_audio(call_id, stage_id, message_index)
    what = f"the audio of message {message_index} of stage {stage_id}"
    data, note = await _fitted(audio, 0.0, None, what)
    return _result(audio.media_type, data, f"{what}: {note}")


@tool_errors
async def get_recording_window(
    ctx: Context,
    call_id: CallId,
    start_seconds: StartSeconds,
    duration_seconds: DurationSeconds = RECORDING_WINDOW_SECONDS,
) -> CallToolResult:
    """For the call viewer: a window of the call's recording (at most 60 s), cut on the
    server, as audio content. Called by the viewer page, not by the model."""
    from ultravox_calls_mcp.mcp.app.recording_window import read_window  # on first use
    from ultravox_calls_mcp.mcp.app.wav import Clip, WavError

    client = app_state(ctx).client
    what = f"the recording of call {call_id.strip().lower()}"
    try:
        window = await read_window(
            client, call_id, start_seconds, duration_seconds, max_bytes=AUDIO_MAX_BYTES
        )
    except WavError as exc:
        raise ToolError(f"Cannot cut {what}: {exc}.") from None
    if isinstance(window, Clip):
        data, note = _described(window)
        return _result("audio/wav", data, f"{what}: {note}")
    data, note = await _fitted(window, start_seconds, duration_seconds, what)
    return _result(window.media_type, data, f"{what}: {note}")


def register(apps: Apps) -> None:
    for fn, name, title in (
        (get_message_audio, MESSAGE_AUDIO_TOOL, "Message audio (viewer)"),
        (get_recording_window, RECORDING_TOOL, "Recording window (viewer)"),
    ):
        apps.tool(
            resource_uri=VIEWER_URI,
            visibility=APP_ONLY,
            name=name,
            title=title,
            annotations=READ_ONLY,
        )(fn)
