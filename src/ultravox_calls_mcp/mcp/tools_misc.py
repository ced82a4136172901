"""Tools over a call's event log and tools, and over agents."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from ultravox_calls_mcp.api.models import Agent, CallEvent
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.args import AgentId, CallId, Cursor, MaxChars, Offset, PageSize
from ultravox_calls_mcp.mcp.compose import compose, compose_whole, read_window
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.pages import PageView, read_page
from ultravox_calls_mcp.mcp.server import AppState, app_state
from ultravox_calls_mcp.mcp.tool_meta import READ_ONLY
from ultravox_calls_mcp.render.agents import agent_detail_lines, agent_row
from ultravox_calls_mcp.render.events import event_lines
from ultravox_calls_mcp.render.redact import redact_text
from ultravox_calls_mcp.render.text import clean
from ultravox_calls_mcp.render.tools import call_tool_lines

Severity = Literal["debug", "info", "warning", "error"]


def _compose_page(
    header: list[str],
    rows: list[str],
    view: PageView[Any],
    *,
    label: str | None,
    budget: int,
    how: str,
) -> str:
    text, _ = compose(
        header, rows, label=label, max_chars=budget, footer=lambda n: view.footer(n, how=how)
    )
    return text


@tool_errors
async def list_call_events(
    ctx: Context,
    call_id: CallId,
    minimum_severity: Annotated[
        Severity,
        Field(description="Lowest severity to include: debug < info (default) < warning < error."),
    ] = "info",
    event_type: Annotated[
        str | None,
        Field(
            description="Only events of this type, e.g. 'tool_error'.",
            max_length=50,
            pattern=r"^[A-Za-z0-9_.:-]+$",
        ),
    ] = None,
    page_size: PageSize = None,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """A call's event log, oldest first: call time, severity, type and text (errors,
    warnings, tool failures, latency notes). Filter by minimum severity and type."""
    state = app_state(ctx)
    size = page_size or state.settings.page_size

    async def fetch(upstream: str | None) -> Page[CallEvent]:
        return await state.client.list_call_events(
            call_id,
            minimum_severity=minimum_severity,
            event_type=event_type,
            cursor=upstream,
            page_size=size,
        )

    view = await read_page(fetch, kind="events", tool="list_call_events", cursor=cursor)
    rows = event_lines(list(view.rows))
    filters = f"severity ≥ {minimum_severity}" + (f", type = {event_type}" if event_type else "")
    header = [f"Event log of call {call_id} ({filters}) — {view.range_line('events', len(rows))}"]
    type_arg = f', event_type="{event_type}"' if event_type else ""
    how = (
        f'list_call_events with call_id="{call_id}", '
        f'minimum_severity="{minimum_severity}"{type_arg}'
    )
    return _compose_page(
        header, rows, view, label="event log", budget=max_chars or state.settings.max_chars, how=how
    )


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


@tool_errors
async def list_agents(
    ctx: Context,
    search: Annotated[
        str | None, Field(description="Only agents whose name contains this text.", max_length=200)
    ] = None,
    page_size: PageSize = None,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """Agents of the account, one row each: id, name, created, number of calls and the
    model/voice of its call template. Use an id with list_calls(agent_ids=[…]) or get_agent."""
    state = app_state(ctx)
    size = page_size or state.settings.page_size

    async def fetch(upstream: str | None) -> Page[Agent]:
        return await state.client.list_agents(search=search, cursor=upstream, page_size=size)

    view = await read_page(fetch, kind="agents", tool="list_agents", cursor=cursor)
    rows = [agent_row(agent) for agent in view.rows]
    header = [view.range_line("agents", len(rows))]
    how = "list_agents" + (f' with search="{search}"' if search else "")
    return _compose_page(
        header, rows, view, label="agents", budget=max_chars or state.settings.max_chars, how=how
    )


@tool_errors
async def get_agent(
    ctx: Context,
    agent_id: AgentId,
    field: Annotated[
        Literal["overview", "system_prompt"],
        Field(
            description="'overview' (default), or 'system_prompt' to read the call "
            "template's prompt whole, windowed by offset."
        ),
    ] = "overview",
    offset: Offset = 0,
    max_chars: MaxChars = None,
) -> str:
    """One agent and its call template: model, voice, temperature, first speaker, tools
    and a digest of its system prompt, so a call can be traced to the agent behind it."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    agent = await state.client.get_agent(agent_id)
    aid = agent.agent_id
    if field == "system_prompt":
        prompt = (agent.call_template or {}).get("systemPrompt")
        return read_window(
            redact_text(clean(prompt)) if isinstance(prompt, str) else "",
            offset=offset,
            budget=budget,
            title=f"system prompt of agent {aid}",
            label="system prompt",
            how=lambda at: f'get_agent(agent_id="{aid}", field="system_prompt", offset={at})',
        )
    lines = agent_detail_lines(
        agent, prompt_read_hint=f'get_agent(agent_id="{aid}", field="system_prompt")'
    )
    calls_hint = f'its calls: list_calls(agent_ids=["{aid}"])'
    return compose_whole([f"Agent {aid}"], lines, label=None, max_chars=budget, tail=[calls_hint])


def register(server: MCPServer[AppState]) -> None:
    for fn, title in (
        (list_call_events, "List call events"),
        (list_call_tools, "List call tools"),
        (list_agents, "List agents"),
        (get_agent, "Get agent"),
    ):
        server.add_tool(fn, title=title, annotations=READ_ONLY, structured_output=False)
