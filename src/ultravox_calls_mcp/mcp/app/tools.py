"""The call viewer's tools, bound to its ``ui://`` page: ``show_call`` for the model and
``get_call_timeline`` for the page (app-only, ``_meta.ui.visibility: ["app"]``). The MCP
Apps spec puts the visibility filter on the host: ``tools/list`` carries app-only tools,
marked, and hosts keep them out of the model's list. Thin: the work is in ``views.py``
(loaded on first use) and ``audio_tools.py``."""

from __future__ import annotations

from mcp.server.apps import APP_MIME_TYPE, Apps
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resources import FunctionResource
from mcp.types import CallToolResult

from ultravox_calls_mcp.mcp.app import audio_tools
from ultravox_calls_mcp.mcp.app.contract import (
    APP_ONLY,
    SHOW_CALL_TOOL,
    TIMELINE_TOOL,
    VIEWER_URI,
)
from ultravox_calls_mcp.mcp.app.page import viewer_html
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, Cursor
from ultravox_calls_mcp.mcp.state import app_state

__all__ = ["build_apps"]


@tool_errors
async def show_call(ctx: Context, call_id: CallId) -> CallToolResult:
    """Show one call in the call viewer: who spoke when across all stages, slow replies,
    barge-ins, talk-over, dead air and tool calls (failed ones marked), and each
    message's audio. Answers with the call's overview line and its voice-timing summary
    (useful on its own); hosts that render MCP Apps also draw the viewer."""
    from ultravox_calls_mcp.mcp.app import views

    return await views.show_call(app_state(ctx), call_id)


@tool_errors
async def get_call_timeline(ctx: Context, call_id: CallId, cursor: Cursor = None) -> CallToolResult:
    """For the call viewer: one page of a call's timeline data (stages, timed messages
    per speaker, tool calls with failures, events, timing metrics), 250 messages a page.
    Called by the viewer page, not by the model."""
    from ultravox_calls_mcp.mcp.app import views

    return await views.timeline_page(app_state(ctx), call_id, cursor)


def build_apps() -> Apps:
    """The viewer's page and tools, for ``MCPServer(extensions=[...])``."""
    apps = Apps()
    # Built on first read, not at start-up: a session that never opens the viewer pays nothing.
    apps.add_resource(
        FunctionResource(
            uri=VIEWER_URI,
            name="call-viewer",
            title="Call viewer",
            description="The call viewer (MCP App): a call's timeline, transcript and audio.",
            mime_type=APP_MIME_TYPE,
            fn=viewer_html,
        )
    )
    apps.tool(
        resource_uri=VIEWER_URI,
        name=SHOW_CALL_TOOL,
        title="Show a call in the viewer",
        annotations=READ_ONLY,
    )(show_call)
    apps.tool(
        resource_uri=VIEWER_URI,
        visibility=APP_ONLY,
        name=TIMELINE_TOOL,
        title="Call timeline data (viewer)",
        annotations=READ_ONLY,
    )(get_call_timeline)
    audio_tools.register(apps)
    return apps
