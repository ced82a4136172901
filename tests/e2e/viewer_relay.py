"""What answers the viewer's ``tools/call`` in the browser tests.

The host page hands each call to ``relay(name, arguments) -> CallToolResult dict``.
``ServerRelay`` passes it to the real server through an MCP client session; ``FixtureRelay``
answers from a fixture timeline JSON, with the same names, arguments and result shapes
(for page behaviour that needs one call holding every feature at once)."""

from __future__ import annotations

import base64
import io
import math
import struct
import wave
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ultravox_calls_mcp.mcp.app.contract import (
    MESSAGE_AUDIO_TOOL,
    RECORDING_MAX_SECONDS,
    RECORDING_TOOL,
    TIMELINE_TOOL,
)

Relay = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


def tone_wav(seconds: float, hertz: float, rate: int = 8000) -> bytes:
    """A mono 16-bit sine tone as a WAV file (a few kB: enough for a player to run)."""
    frames = int(seconds * rate)
    samples = (int(12000 * math.sin(2 * math.pi * hertz * i / rate)) for i in range(frames))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


def _error(text: str) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": True}


def _audio(wav: bytes, note: str) -> dict[str, Any]:
    return {
        "content": [
            {
                "type": "audio",
                "data": base64.b64encode(wav).decode("ascii"),
                "mimeType": "audio/wav",
            },
            {"type": "text", "text": note},
        ]
    }


def timeline_page(timeline: dict[str, Any], offset: int, page_size: int) -> dict[str, Any]:
    """One page: the first carries everything but later messages; others only messages."""
    messages = timeline["messages"]
    end = offset + page_size
    cursor = f"offset:{end}" if end < len(messages) else None
    if offset == 0:
        return {**timeline, "messages": messages[:end], "nextCursor": cursor}
    return {"callId": timeline["callId"], "messages": messages[offset:end], "nextCursor": cursor}


@dataclass
class FixtureRelay:
    """The app-only tools over a fixture timeline, checking arguments as the server will."""

    timeline: dict[str, Any]
    page_size: int = 250
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    wav: bytes = field(default_factory=lambda: tone_wav(2.0, 440.0))

    def count(self, tool: str) -> int:
        return sum(1 for name, _ in self.calls if name == tool)

    async def __call__(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, dict(arguments)))
        if arguments.get("call_id") != self.timeline["callId"]:
            return _error(f"No call with id {arguments.get('call_id')!r}.")
        if name == TIMELINE_TOOL:
            return self._timeline(arguments.get("cursor"))
        if name == MESSAGE_AUDIO_TOOL:
            return self._message_audio(arguments)
        if name == RECORDING_TOOL:
            return self._recording(arguments)
        return _error(f"Unknown tool {name!r}.")

    def _timeline(self, cursor: object) -> dict[str, Any]:
        offset = 0
        if cursor is not None:
            if not isinstance(cursor, str) or not cursor.startswith("offset:"):
                return _error("That cursor is not one this tool gave out.")
            offset = int(cursor.removeprefix("offset:"))
        page = timeline_page(self.timeline, offset, self.page_size)
        text = f"{len(page['messages'])} messages from {offset}"
        return {"content": [{"type": "text", "text": text}], "structuredContent": page}

    def prepared_pages(self) -> dict[str, dict[str, Any]]:
        """Every timeline answer, keyed by the cursor that asks for it ("" for the first)."""
        pages: dict[str, dict[str, Any]] = {}
        cursor: str | None = ""
        while cursor is not None:
            answer = self._timeline(cursor or None)
            pages[cursor] = answer
            cursor = answer["structuredContent"]["nextCursor"]
        return pages

    def _message_audio(self, arguments: dict[str, Any]) -> dict[str, Any]:
        stage_ids = {s["stageId"]: s["number"] for s in self.timeline["stages"]}
        stage = stage_ids.get(arguments.get("stage_id"))
        index = arguments.get("message_index")
        known = any(m["stage"] == stage and m["index"] == index for m in self.timeline["messages"])
        if stage is None or not isinstance(index, int) or not known:
            return _error("No such message in this call.")
        return _audio(self.wav, f"Audio of stage {stage} message {index}.")

    def _recording(self, arguments: dict[str, Any]) -> dict[str, Any]:
        start, duration = arguments.get("start_seconds"), arguments.get("duration_seconds")
        if not isinstance(start, int | float) or not isinstance(duration, int | float):
            return _error("start_seconds and duration_seconds must be numbers.")
        if start < 0 or not 0 < duration <= RECORDING_MAX_SECONDS:
            most = f"{RECORDING_MAX_SECONDS:g} s"
            return _error(f"The window must start at 0 s or later and last at most {most}.")
        return _audio(self.wav, f"Recording from {start:g} s for {duration:g} s.")


@dataclass
class ServerRelay:
    """The real server's tools, through ``call_tool`` of an MCP client, each call logged."""

    call_tool: Callable[[str, dict[str, Any]], Awaitable[Any]]
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def count(self, tool: str) -> int:
        return sum(1 for name, _ in self.calls if name == tool)

    async def __call__(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, dict(arguments)))
        return await client_relay(self.call_tool)(name, arguments)


def client_relay(call_tool: Callable[[str, dict[str, Any]], Awaitable[Any]]) -> Relay:
    """A relay over a real MCP client: ``client_relay(client.call_tool)``.

    The SDK's ``CallToolResult`` goes to the page as the JSON the wire would carry.
    """

    async def relay(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await call_tool(name, arguments)
        dumped: dict[str, Any] = result.model_dump(by_alias=True, exclude_none=True, mode="json")
        return dumped

    return relay
