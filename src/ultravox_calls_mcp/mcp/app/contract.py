"""The names the call viewer page uses to talk to the server, in one place.

The page calls these app-only tools (``_meta.ui.visibility: ["app"]``) through the host; the
server must register them under exactly these names and argument names. ``page.py`` writes
this mapping into the page as JSON, so the page and the server cannot drift apart.

Results the page reads:

- ``show_call`` (model-visible, bound to ``VIEWER_URI``): text for every client, and
  ``structuredContent: {"callId": "…"}``. The page also accepts the tool input's ``call_id``.
- ``get_call_timeline``: ``structuredContent`` is one page of the timeline JSON of the metrics
  contract (``callId``, ``span``, ``stages``, ``events``, ``metrics`` on the first page;
  ``messages`` on every page; ``nextCursor`` null on the last).
- ``get_message_audio(call_id, stage_id, message_index)``: ``stage_id`` is a ``stages[].stageId``
  and ``message_index`` a message's ``index`` from the timeline JSON.
  ``get_recording_window(call_id, start_seconds, duration_seconds)``: seconds on the timeline's
  clock (from the call's start), ``duration_seconds`` at most ``RECORDING_MAX_SECONDS``. Both
  answer with an ``{"type": "audio", "data": base64, "mimeType": "audio/wav"}`` content block
  (any ``audio/*`` type plays if the browser can); other blocks are ignored.
- Any of them with ``isError: true`` and a text block: the page shows that text.
"""

from __future__ import annotations

from typing import Final

VIEWER_URI: Final = "ui://ultravox-calls/call-viewer.html"
VIEWER_MIME_TYPE: Final = "text/html;profile=mcp-app"

# Where an app-only tool is surfaced (``_meta.ui.visibility``): to the page, not the model.
APP_ONLY: Final = ("app",)

SHOW_CALL_TOOL: Final = "show_call"
TIMELINE_TOOL: Final = "get_call_timeline"
MESSAGE_AUDIO_TOOL: Final = "get_message_audio"
RECORDING_TOOL: Final = "get_recording_window"

# The recording window the page asks for around a chosen moment (the server caps it at 60 s).
RECORDING_LEAD_SECONDS: Final = 5.0
RECORDING_WINDOW_SECONDS: Final = 30.0
RECORDING_MAX_SECONDS: Final = 60.0

# A server that never ends its cursor chain must not keep the page fetching forever.
MAX_TIMELINE_PAGES: Final = 1000


def page_contract() -> dict[str, object]:
    """What the page's script needs to know, as the JSON object it is handed."""
    return {
        "tools": {
            "timeline": TIMELINE_TOOL,
            "messageAudio": MESSAGE_AUDIO_TOOL,
            "recording": RECORDING_TOOL,
        },
        "recordingLeadSeconds": RECORDING_LEAD_SECONDS,
        "recordingWindowSeconds": RECORDING_WINDOW_SECONDS,
        "recordingMaxSeconds": RECORDING_MAX_SECONDS,
        "maxTimelinePages": MAX_TIMELINE_PAGES,
    }
