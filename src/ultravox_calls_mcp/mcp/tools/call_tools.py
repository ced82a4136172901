"""Tool over the tools an agent had in a call: list_call_tools."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, MaxChars
from ultravox_calls_mcp.mcp.results.compose import compose_whole
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.tools import call_tool_lines


@tool_errors
async def list_call_tools(
    ctx: Context,
    call_id: CallId,
    call_stage_id: Annotated[
        str | None,
        Field(
            description="Only the tools of this stage (UUID). Default: the call's tools.",
            max_length=64,
        ),
    ] = None,
    max_chars: MaxChars = None,
) -> str:
    """Tools available to the agent in a call (or in one stage): name, a clipped
    description, kind, the target host of HTTP tools (never full URLs) and parameters."""
    state = app_state(ctx)
    if call_stage_id:
        tools = await state.client.list_stage_tools(call_id, call_stage_id)
        scope = f"stage {call_stage_id} of call {call_id}"
    else:
        tools = await state.client.list_call_tools(call_id)
        scope = f"call {call_id}"
    lines = call_tool_lines(tools)
    header = [f"Tools of {scope}: {len(tools)}."]
    return compose_whole(
        header, lines, label="tool definitions", max_chars=max_chars or state.settings.max_chars
    )


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        list_call_tools, title="List call tools", annotations=READ_ONLY, structured_output=False
    )
