"""Tools over agents: list_agents and get_agent."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from ultravox_calls_mcp.api.models import Agent
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import (
    READ_ONLY,
    AgentId,
    Cursor,
    MaxChars,
    Offset,
    PageSize,
)
from ultravox_calls_mcp.mcp.results.compose import compose_whole, read_window
from ultravox_calls_mcp.mcp.results.list_pages import compose_page, read_page
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.agents import agent_detail_lines, agent_row
from ultravox_calls_mcp.render.redact import redact_text
from ultravox_calls_mcp.render.text import FROM_AGENT_CONFIG, FROM_AGENTS, clean


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
    return compose_page(
        header,
        rows,
        view,
        label="agents",
        budget=max_chars or state.settings.max_chars,
        how=how,
        source=FROM_AGENTS,
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
            source=FROM_AGENT_CONFIG,
        )
    voice = (agent.call_template or {}).get("voice")
    voices = await state.client.voice_names.resolve([voice if isinstance(voice, str) else None])
    lines = agent_detail_lines(
        agent,
        prompt_read_hint=f'get_agent(agent_id="{aid}", field="system_prompt")',
        voice_names=voices,
    )
    calls_hint = f'its calls: list_calls(agent_ids=["{aid}"])'
    return compose_whole([f"Agent {aid}"], lines, label=None, max_chars=budget, tail=[calls_hint])


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        list_agents, title="List agents", annotations=READ_ONLY, structured_output=False
    )
    server.add_tool(get_agent, title="Get agent", annotations=READ_ONLY, structured_output=False)
