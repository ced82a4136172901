"""The call viewer: an MCP App page that draws a call's timeline and plays its audio.

Pure assets and names: no MCP server code lives here. The server registers ``VIEWER_URI``
with ``viewer_html()`` (mimeType ``VIEWER_MIME_TYPE``), binds ``show_call`` to it and serves
the app-only tools named in ``contract``.
"""

from ultravox_calls_mcp.viewer.contract import (
    MESSAGE_AUDIO_TOOL,
    RECORDING_TOOL,
    SHOW_CALL_TOOL,
    TIMELINE_TOOL,
    VIEWER_MIME_TYPE,
    VIEWER_URI,
)
from ultravox_calls_mcp.viewer.page import viewer_html

__all__ = [
    "MESSAGE_AUDIO_TOOL",
    "RECORDING_TOOL",
    "SHOW_CALL_TOOL",
    "TIMELINE_TOOL",
    "VIEWER_MIME_TYPE",
    "VIEWER_URI",
    "viewer_html",
]
