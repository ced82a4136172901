"""App-only tools exist only for clients that can render the call viewer.

The MCP Apps spec leaves hiding ``visibility: ["app"]`` tools from the model to the host;
a client that never negotiated the extension does not know the field, so it would offer
the page's tools to the model — and their results (the timeline's JSON, base64 audio) are
what the viewer keeps out of the model's context. For such a client this middleware
leaves them out of ``tools/list`` and answers a call to one with a pointer to the tools
meant for it. A client whose capabilities are unknown (stateless HTTP) is not refused.
"""

from __future__ import annotations

from typing import Any, Final

from mcp.server.apps import client_supports_apps
from mcp.server.context import CallNext, HandlerResult, ServerMiddleware, ServerRequestContext
from mcp.types import CallToolResult, ListToolsResult, TextContent

from ultravox_calls_mcp.mcp.app.contract import MESSAGE_AUDIO_TOOL, RECORDING_TOOL, TIMELINE_TOOL

APP_ONLY_TOOLS: Final = frozenset({TIMELINE_TOOL, MESSAGE_AUDIO_TOOL, RECORDING_TOOL})


class HideAppOnlyTools(ServerMiddleware[Any]):
    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method not in ("tools/list", "tools/call") or not _declined_apps(ctx):
            return await call_next(ctx)
        if ctx.method == "tools/call":
            name = (ctx.params or {}).get("name")
            if name in APP_ONLY_TOOLS:
                return _for_the_viewer_only(str(name))
            return await call_next(ctx)
        result = await call_next(ctx)
        # The SDK hands results on as models or as their wire dicts.
        if isinstance(result, ListToolsResult):
            kept = [tool for tool in result.tools if tool.name not in APP_ONLY_TOOLS]
            return result.model_copy(update={"tools": kept})
        if isinstance(result, dict) and isinstance(result.get("tools"), list):
            tools = [t for t in result["tools"] if _name(t) not in APP_ONLY_TOOLS]
            return {**result, "tools": tools}
        return result


def _name(tool: object) -> object:
    return tool.get("name") if isinstance(tool, dict) else getattr(tool, "name", None)


def _declined_apps(ctx: ServerRequestContext[Any, Any]) -> bool:
    """The client said what it supports, and MCP Apps was not among it. Unknown is not
    "no": a stateless HTTP server keeps no initialize, so a legacy (2025-11-25) host that
    renders the viewer arrives with no capabilities at all, and its page must still work."""
    known = getattr(ctx.session, "client_capabilities", None) is not None
    return known and not client_supports_apps(ctx)


def _for_the_viewer_only(name: str) -> CallToolResult:
    text = (
        f"{name} feeds the call viewer, which this client cannot show (it did not negotiate "
        "MCP Apps). For the same facts as text: get_call_metrics(call_id=…) for timing, "
        "get_call_transcript(call_id=…) for the words, show_call(call_id=…) for an overview."
    )
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
