"""Tools over call stages: list_call_stages (with what changed) and get_call_stage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from ultravox_calls_mcp.api.models import CallStage, CallTool
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, MaxChars, Offset, StageId
from ultravox_calls_mcp.mcp.results.compose import compose, compose_whole, read_window
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.render.stages import stage_field_text, stage_summary_lines

StageField = Literal[
    "overview", "system_prompt", "initial_state", "experimental_settings", "inactivity_messages"
]
_LARGE_FIELDS: tuple[StageField, ...] = (
    "system_prompt",
    "initial_state",
    "experimental_settings",
    "inactivity_messages",
)
# Stage tool lists are fetched side by side, but politely.
_TOOL_FETCH_CONCURRENCY = 4


def _prompt_hint(call_id: str) -> Callable[[CallStage], str]:
    def hint(stage: CallStage) -> str:
        return (
            f'get_call_stage(call_id="{call_id}", call_stage_id="{stage.call_stage_id}", '
            'field="system_prompt")'
        )

    return hint


async def _stage_tools(
    state: AppState, call_id: str, stages: list[CallStage]
) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    limiter = anyio.Semaphore(_TOOL_FETCH_CONCURRENCY)

    async def one(stage: CallStage) -> None:
        async with limiter:
            tools: list[CallTool] = await state.client.list_stage_tools(
                call_id, stage.call_stage_id
            )
        names[stage.call_stage_id] = sorted(t.name or "?" for t in tools)

    async with anyio.create_task_group() as group:
        for stage in stages:
            group.start_soon(one, stage)
    return names


@tool_errors
async def list_call_stages(ctx: Context, call_id: CallId, max_chars: MaxChars = None) -> str:
    """Every stage of a call in order: id, created, model, voice, temperature, token
    counts, error count, a digest of its system prompt, and what changed against the
    previous stage (prompt, voice, temperature, language, tools)."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    client = state.client
    stages = [
        s async for s in client.iter_items(lambda c: client.list_call_stages(call_id, cursor=c))
    ]
    tool_names = await _stage_tools(state, call_id, stages)
    voices = await client.voice_names.resolve(stage.voice for stage in stages)
    lines = stage_summary_lines(
        stages,
        tool_names=tool_names,
        prompt_read_hint=_prompt_hint(call_id),
        voice_names=voices,
    )
    header = [f"Call {call_id}: {len(stages)} stage(s), oldest first."]
    detail_hint = (
        f'one stage in full: get_call_stage(call_id="{call_id}", call_stage_id=…); '
        f'its messages: get_stage_messages(call_id="{call_id}", call_stage_id=…)'
    )

    def footer(shown: int) -> list[str]:
        if shown < len(lines):
            return [
                f"[cut: {len(lines) - shown} more lines of stage summaries left out to fit "
                f"the budget; raise max_chars (now {budget:,}) or read stages one by one: "
                f"{detail_hint}]"
            ]
        return [detail_hint]

    text, _ = compose(header, lines, label=None, max_chars=budget, footer=footer)
    return text


@tool_errors
async def get_call_stage(
    ctx: Context,
    call_id: CallId,
    call_stage_id: StageId,
    field: Annotated[
        StageField,
        Field(
            description="'overview' (default) summarises the stage and sizes its large "
            "fields; name a field to read it whole, windowed by offset."
        ),
    ] = "overview",
    offset: Offset = 0,
    max_chars: MaxChars = None,
) -> str:
    """One call stage. The overview lists its settings and the size of each large field
    (systemPrompt, initialState, experimentalSettings, inactivityMessages); ask for a
    field to read it whole, in windows that fit the budget, with the offset to read on."""
    state = app_state(ctx)
    budget = max_chars or state.settings.max_chars
    stage = await state.client.get_call_stage(call_id, call_stage_id)
    where = f'call_id="{call_id}", call_stage_id="{call_stage_id}"'
    if field == "overview":
        voices = await state.client.voice_names.resolve([stage.voice])
        lines = stage_summary_lines(
            [stage], tool_names=None, prompt_read_hint=_prompt_hint(call_id), voice_names=voices
        )
        sizes = []
        for name in _LARGE_FIELDS:
            value = stage_field_text(stage, name)
            size = f"{len(value):,} characters" if value else "empty"
            sizes.append(
                f"- {name}: {size}"
                + (f' → get_call_stage({where}, field="{name}")' if value else "")
            )
        return compose_whole(
            [f"Stage {call_stage_id} of call {call_id}"],
            [*lines, "large fields:", *sizes],
            label=None,
            max_chars=budget,
        )
    return read_window(
        stage_field_text(stage, field) or "",
        offset=offset,
        budget=budget,
        title=f"{field} of stage {call_stage_id} (call {call_id})",
        label=field,
        how=lambda at: f'get_call_stage({where}, field="{field}", offset={at})',
    )


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        list_call_stages, title="List call stages", annotations=READ_ONLY, structured_output=False
    )
    server.add_tool(
        get_call_stage, title="Get call stage", annotations=READ_ONLY, structured_output=False
    )
