"""get_call_metrics: how a call went as speech — latency, interruptions, silence, tool waits.

The call's messages and stages are read through the audit's loader, so an ended call the
audit cache holds costs no request beyond the call itself, and a call read here is cached
for the audits (and the next read) in turn.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.audit.fetch import CallData, Part
from ultravox_calls_mcp.audit.timing import call_metrics, stage_messages
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import READ_ONLY, CallId, MaxChars
from ultravox_calls_mcp.mcp.results.compose import compose_whole
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.metrics import Thresholds
from ultravox_calls_mcp.render.metrics import metrics_lines

# In-call messages come in call order and name their stage: the stage list adds nothing
# to timing, so it is not read (one request fewer; an audit's cache already holds these).
_PARTS: frozenset[Part] = frozenset({"messages"})

SlowResponse = Annotated[
    float | None,
    Field(
        description="A turn whose response latency is over this many seconds counts as slow "
        "(default: the server's, 2.0 unless ULTRAVOX_MCP_SLOW_RESPONSE_SECONDS says).",
        gt=0,
        le=3_600,
    ),
]
DeadAir = Annotated[
    float | None,
    Field(
        description="A silence at least this many seconds long counts as dead air (default: "
        "the server's, 4.0 unless ULTRAVOX_MCP_DEAD_AIR_SECONDS says).",
        gt=0,
        le=3_600,
    ),
]


async def load_call(state: AppState, call_id: str) -> CallData:
    """The call with its in-call messages: from the audit cache when it holds them (an
    ended call), else from Ultravox (then cached once the call has settled)."""
    call = await state.client.get_call(call_id)
    loader = await state.audit.loader()
    cached = await loader.lookup([call], _PARTS)
    data = await loader.load(call, _PARTS, cached.get(call.call_id, {}))
    await loader.remember(data)
    return data


def thresholds_for(
    state: AppState, slow_response_seconds: float | None, dead_air_seconds: float | None
) -> Thresholds:
    settings = state.settings
    try:
        return Thresholds(
            slow_response_seconds=slow_response_seconds or settings.slow_response_seconds,
            dead_air_seconds=dead_air_seconds or settings.dead_air_seconds,
        )
    except ValueError as exc:  # the schema bounds them; this is the last guard
        raise ToolError(str(exc)) from None


@tool_errors
async def get_call_metrics(
    ctx: Context,
    call_id: CallId,
    slow_response_seconds: SlowResponse = None,
    dead_air_seconds: DeadAir = None,
    max_examples: Annotated[
        int,
        Field(description="Examples listed per finding (slowest turns, barge-ins, …).", ge=1),
        Field(le=50),
    ] = 5,
    max_chars: MaxChars = None,
) -> str:
    """How a call went as speech, across all its stages: time to first word; response
    latency per agent turn (p50, p90, max, the slowest turns and the tools between);
    caller barge-ins and agent talk-over; dead air and tool waits; talk share; latency and
    failures per tool. Each finding gives stage and message index, to read with
    get_stage_messages(message_index=…). Definitions: the README's "Call metrics"."""
    state = app_state(ctx)
    thresholds = thresholds_for(state, slow_response_seconds, dead_air_seconds)
    data = await load_call(state, call_id)
    stages = stage_messages(data)
    metrics = call_metrics(data, thresholds)
    lines = metrics_lines(
        metrics,
        call_id=data.call.call_id,
        live=data.call.is_live,
        stage_count=len(stages),
        max_examples=max_examples,
    )
    return compose_whole(
        [],
        lines,
        label=None,
        max_chars=max_chars or state.settings.max_chars,
        tail=_read_on(data.call),
    )


def _read_on(call: Call) -> list[str]:
    return [
        f'read the moments: get_stage_messages(call_id="{call.call_id}", call_stage_id=<stage>, '
        "message_index=<n>) or get_call_transcript"
    ]


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        get_call_metrics,
        title="Get call metrics (voice timing)",
        annotations=READ_ONLY,
        structured_output=False,
    )
