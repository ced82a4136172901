"""The call viewer: an MCP App page that draws a call's timeline and plays its audio.

``tools.build_apps()`` registers the page (``VIEWER_URI``, ``viewer_html()``), ``show_call``
bound to it and the app-only tools named in ``contract``; ``build_server`` passes it to the
SDK as an extension. This package's top level stays light (names and the page only).
"""

from ultravox_calls_mcp.mcp.app.contract import (
    MESSAGE_AUDIO_TOOL,
    RECORDING_TOOL,
    SHOW_CALL_TOOL,
    TIMELINE_TOOL,
    VIEWER_MIME_TYPE,
    VIEWER_URI,
)
from ultravox_calls_mcp.mcp.app.page import viewer_html

__all__ = [
    "MESSAGE_AUDIO_TOOL",
    "RECORDING_TOOL",
    "SHOW_CALL_TOOL",
    "TIMELINE_TOOL",
    "VIEWER_MIME_TYPE",
    "VIEWER_URI",
    "viewer_html",
]
