"""Resource templates: a call summary and transcripts, addressable by URI, with id completion."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)

from ultravox_calls_mcp.api.errors import UltravoxError
from ultravox_calls_mcp.mcp.state import AppState, StateHolder
from ultravox_calls_mcp.mcp.tools import calls, transcript

CALL_URI = "ultravox://calls/{call_id}"
TRANSCRIPT_URI = "ultravox://calls/{call_id}/transcript"
STAGE_TRANSCRIPT_URI = "ultravox://calls/{call_id}/stages/{call_stage_id}/transcript"
# Completion offers ids from this many of the most recent calls.
_RECENT_CALLS = 50


async def call_summary(call_id: str, ctx: Context) -> str:
    try:
        return await calls.get_call(ctx, call_id)
    except ToolError as exc:
        raise ResourceError(str(exc)) from None


async def call_transcript(call_id: str, ctx: Context) -> str:
    try:
        return await transcript.get_call_transcript(ctx, call_id)
    except ToolError as exc:
        raise ResourceError(str(exc)) from None


async def stage_transcript(call_id: str, call_stage_id: str, ctx: Context) -> str:
    try:
        return await transcript.get_stage_messages(ctx, call_id, call_stage_id)
    except ToolError as exc:
        raise ResourceError(str(exc)) from None


async def complete_ids(
    state: AppState | None, argument: CompletionArgument, context: CompletionContext | None
) -> Completion | None:
    """Offer call ids from recent calls, and stage ids of the call already chosen."""
    if state is None:
        return None
    prefix = argument.value.strip().lower()
    try:
        if argument.name == "call_id":
            page = await state.client.list_calls(None, page_size=_RECENT_CALLS)
            ids = [call.call_id for call in page.results]
        elif argument.name == "call_stage_id":
            call_id = (context.arguments or {}).get("call_id") if context else None
            if not call_id:
                return None
            stages = state.client.iter_items(
                lambda c: state.client.list_call_stages(call_id, cursor=c)
            )
            ids = [s.call_stage_id async for s in stages]
        else:
            return None
    except UltravoxError:
        # Completion is a convenience: an upstream hiccup offers nothing rather than failing.
        return Completion(values=[])
    matches = [i for i in ids if i.lower().startswith(prefix)]
    return Completion(values=matches[:100], total=len(matches), has_more=len(matches) > 100)


def register(server: MCPServer[AppState], holder: StateHolder) -> None:
    server.resource(
        CALL_URI,
        name="call",
        title="Call summary",
        description="One Ultravox call in compact text: timing, end reason, summary, settings.",
        mime_type="text/plain",
    )(call_summary)
    server.resource(
        TRANSCRIPT_URI,
        name="call_transcript",
        title="Call transcript (all stages)",
        description="The whole call's transcript across every stage, in order.",
        mime_type="text/plain",
    )(call_transcript)
    server.resource(
        STAGE_TRANSCRIPT_URI,
        name="stage_transcript",
        title="Stage transcript",
        description="The messages of one call stage.",
        mime_type="text/plain",
    )(stage_transcript)

    # The SDK's completion decorator carries no type hints; the handler itself is typed.
    @server.completion()  # type: ignore[untyped-decorator, no-untyped-call]
    async def complete(
        ref: ResourceTemplateReference | PromptReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        return await complete_ids(holder.current, argument, context)
