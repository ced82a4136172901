"""Aggregates over many calls: find_problem_calls and summarize_calls.

Thin: arguments → CallFilters → ``audit.scan`` → pure analysis of the scanned window →
lines composed within the budget, with a cursor to scan the calls after the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Final

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from ultravox_calls_mcp.audit.fetch import Part
from ultravox_calls_mcp.audit.problems import find_problems
from ultravox_calls_mcp.audit.summary import GroupBy, summarize
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import (
    READ_ONLY,
    AgentIds,
    Cursor,
    FromDate,
    MaxChars,
    Metadata,
    ToDate,
    call_filters,
    max_calls_field,
)
from ultravox_calls_mcp.mcp.results.audit_compose import compose_aggregate
from ultravox_calls_mcp.mcp.results.audit_cursors import ScanCursors
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.mcp.tools.audit_runner import run_scan
from ultravox_calls_mcp.mcp.tools.metrics import DeadAir, SlowResponse, thresholds_for
from ultravox_calls_mcp.render import audit as report

# What each tool reads of a call. ``timing``: the voice-timing facts, cached with an ended
# call, so a warm audit builds no time line (audit/timing_facts).
PROBLEM_PARTS: Final[frozenset[Part]] = frozenset({"messages", "events", "timing"})
SUMMARY_PARTS: Final[frozenset[Part]] = frozenset({"messages", "timing"})


@tool_errors
async def find_problem_calls(
    ctx: Context,
    from_date: FromDate = None,
    to_date: ToDate = None,
    agent_ids: AgentIds = None,
    metadata: Metadata = None,
    examples: Annotated[
        int, Field(description="Example call ids shown per problem kind.", ge=1, le=50)
    ] = 5,
    slow_response_seconds: SlowResponse = None,
    dead_air_seconds: DeadAir = None,
    max_calls: Annotated[int, max_calls_field(500)] = 500,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """Calls that went wrong over a date range (and agents), grouped by problem kind with
    counts and example call ids: failed tool calls (errorDetails); voice timing — slow
    responses, barge-ins / talk-over, dead air (see get_call_metrics); end reasons
    system_error / connection_error / timeout / unjoined; error and warning events by
    type; unusually long or short durations. Follow up with get_call_metrics, get_call,
    list_call_events or get_call_transcript on the examples."""
    state = app_state(ctx)
    filters = call_filters(
        from_date=from_date, to_date=to_date, agent_ids=agent_ids, metadata=metadata
    )
    # Only the filters: ``examples`` just says how many ids of each kind to print, a
    # display knob like max_chars.
    scan_cursors = ScanCursors.bound("problems", "find_problem_calls", filters)
    result, note = await run_scan(
        ctx,
        state,
        filters,
        PROBLEM_PARTS,
        scan_cursors=scan_cursors,
        cursor=cursor,
        max_calls=max_calls,
    )
    loaded = [item.data for item in result.items if item.data is not None]
    found = find_problems(loaded, thresholds_for(state, slow_response_seconds, dead_air_seconds))
    header = [
        f"find_problem_calls over {report.numbered(result.items)}; "
        f"call filters: {report.filters_text(filters)}",
        report.scan_line(result, note),
        *report.failure_lines(result),
        report.problem_header(found),
    ]
    lines = [report.problem_line(group, examples) for group in found.groups]
    hint = (
        "look closer: get_call_metrics(call_id=…), list_call_events(call_id=…, "
        'minimum_severity="warning"), get_call_transcript(call_id=…)'
    )
    return compose_aggregate(
        header,
        lines,
        result,
        scan_cursors=scan_cursors,
        how="find_problem_calls with the same arguments",
        hint=hint if lines else None,
        budget=max_chars or state.settings.max_chars,
    )


@tool_errors
async def summarize_calls(
    ctx: Context,
    group_by: Annotated[
        GroupBy, Field(description="Group the calls by 'agent', 'end_reason' or 'day' (UTC).")
    ] = "agent",
    slow_response_seconds: SlowResponse = None,
    dead_air_seconds: DeadAir = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
    agent_ids: AgentIds = None,
    metadata: Metadata = None,
    max_calls: Annotated[int, max_calls_field(500)] = 500,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """Aggregates over calls grouped by agent, end reason or day: call counts, duration
    percentiles (p50/p90/max), the end-reason mix, the tool failure rate, and voice timing
    (response latency p50/p90 over every turn, barge-ins and dead air per call), plus a
    line for all calls together."""
    state = app_state(ctx)
    filters = call_filters(
        from_date=from_date, to_date=to_date, agent_ids=agent_ids, metadata=metadata
    )
    # group_by is bound too: it decides what the rows are, and windows summarized by
    # different groupings cannot be read together as one report.
    scan_cursors = ScanCursors.bound("summary", "summarize_calls", filters, group_by=group_by)
    result, note = await run_scan(
        ctx,
        state,
        filters,
        SUMMARY_PARTS,
        scan_cursors=scan_cursors,
        cursor=cursor,
        max_calls=max_calls,
    )
    overall, groups = summarize(
        [item.data for item in result.items if item.data is not None],
        group_by,
        thresholds_for(state, slow_response_seconds, dead_air_seconds),
    )
    header = [
        f"summarize_calls by {group_by} over {report.numbered(result.items)}; "
        f"call filters: {report.filters_text(filters)}",
        report.scan_line(result, note),
        *report.failure_lines(result),
        report.SUMMARY_COLUMNS,
        report.summary_line(overall),
    ]
    lines = [report.summary_line(group) for group in groups]
    return compose_aggregate(
        header,
        lines,
        result,
        scan_cursors=scan_cursors,
        how=f'summarize_calls(group_by="{group_by}", …same filters)',
        hint=None,
        budget=max_chars or state.settings.max_chars,
    )


def register(server: MCPServer[AppState]) -> None:
    tools: Sequence[tuple[Callable[..., object], str]] = (
        (find_problem_calls, "Find problem calls"),
        (summarize_calls, "Summarize calls"),
    )
    for fn, title in tools:
        server.add_tool(fn, title=title, annotations=READ_ONLY, structured_output=False)
