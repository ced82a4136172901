"""Tool over the tools an agent had in a call: list_call_tools (and one tool whole)."""

from __future__ import annotations

import difflib
import json
from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from ultravox_calls_mcp.api.models import CallTool
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, MaxChars, Offset
from ultravox_calls_mcp.mcp.results.compose import compose_whole, read_window
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.text import FROM_TOOL_CONFIG
from ultravox_calls_mcp.render.tools import (
    DESCRIPTION_CHARS,
    call_tool_lines,
    clipped_tools,
    tool_definition_text,
)
from ultravox_calls_mcp.render.tools import tool_name as name_of


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
    tool_name: Annotated[
        str | None,
        Field(
            description="Read this tool's definition whole (description and settings, "
            "secrets redacted), windowed by offset.",
            min_length=1,
            max_length=200,
        ),
    ] = None,
    offset: Offset = 0,
    max_chars: MaxChars = None,
) -> str:
    """Tools available to the agent in a call (or in one stage): name, kind, the target
    host of HTTP tools (never full URLs), parameters and a description clipped to
    160 characters; tool_name=… reads one tool's definition whole."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    if offset and tool_name is None:
        raise ToolError(
            "offset reads on in one tool's definition: pass it with tool_name=…, as the "
            "cut line printed it. The list itself is not windowed."
        )
    if call_stage_id:
        tools = await state.client.list_stage_tools(call_id, call_stage_id)
        scope = f"stage {call_stage_id} of call {call_id}"
        where = f'call_id="{call_id}", call_stage_id="{call_stage_id}"'
    else:
        tools = await state.client.list_call_tools(call_id)
        scope = f"call {call_id}"
        where = f'call_id="{call_id}"'
    if tool_name is not None:
        return _one_tool(tools, tool_name, where, scope, offset, budget)
    header = [f"Tools of {scope}: {len(tools)}."]
    clipped = clipped_tools(tools)
    tail = []
    if clipped:
        which = _read_call(where, clipped[0] if len(clipped) == 1 else "<name>")
        names = ", ".join(json.dumps(n, ensure_ascii=False) for n in clipped[:5])
        more = f" and {len(clipped) - 5} more" if len(clipped) > 5 else ""
        tail.append(
            f"[cut: {len(clipped)} description(s) clipped to {DESCRIPTION_CHARS} characters "
            f"({names}{more}; each line ends with the whole length) — read one whole: {which}]"
        )
    return compose_whole(
        header,
        call_tool_lines(tools),
        label="tool definitions",
        max_chars=budget,
        tail=tail,
        source=FROM_TOOL_CONFIG,
    )


def _read_call(where: str, name: str) -> str:
    return f"list_call_tools({where}, tool_name={json.dumps(name, ensure_ascii=False)})"


def _one_tool(
    tools: list[CallTool], wanted: str, where: str, scope: str, offset: int, budget: int
) -> str:
    matches = [tool for tool in tools if name_of(tool) == wanted]
    if not matches:
        names = [name_of(tool) or "?" for tool in tools]
        near = difflib.get_close_matches(wanted, names, n=3)
        maybe = f" Close: {', '.join(near)}." if near else ""
        raise ToolError(
            f"No tool named {json.dumps(wanted, ensure_ascii=False)} in {scope}.{maybe} "
            f"list_call_tools({where}) lists its {len(tools)} tools."
        )
    texts = [tool_definition_text(tool) for tool in matches]
    if len(texts) > 1:  # a name offered twice (e.g. with different settings): both, in order
        texts = [f"--- definition {i} of {len(texts)} ---\n{t}" for i, t in enumerate(texts, 1)]
    return read_window(
        "\n\n".join(texts),
        offset=offset,
        budget=budget,
        title=f"definition of tool {json.dumps(wanted, ensure_ascii=False)} in {scope}",
        label="tool definition",
        how=lambda at: f"{_read_call(where, wanted)[:-1]}, offset={at})",
        source=FROM_TOOL_CONFIG,
    )


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        list_call_tools, title="List call tools", annotations=READ_ONLY, structured_output=False
    )
