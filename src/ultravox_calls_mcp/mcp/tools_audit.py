"""Tools across many calls: search_transcripts, find_problem_calls, summarize_calls.

Thin: arguments → CallFilters → ``audit.scan`` (bounded concurrency, cache of ended
calls, progress) → pure analysis → lines composed within the budget, with a cursor
whenever the scan or the text stopped before the list's end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.audit import report
from ultravox_calls_mcp.audit.fetch import CallData, Part
from ultravox_calls_mcp.audit.problems import find_problems
from ultravox_calls_mcp.audit.runtime import runtime_for
from ultravox_calls_mcp.audit.scan import Resume, ScanResult, scan_calls
from ultravox_calls_mcp.audit.search import CallHits, Query, QueryError, search_messages
from ultravox_calls_mcp.audit.summary import GroupBy, summarize
from ultravox_calls_mcp.mcp import cursors
from ultravox_calls_mcp.mcp.args import Cursor, MaxChars
from ultravox_calls_mcp.mcp.compose import compose
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.server import AppState, app_state
from ultravox_calls_mcp.mcp.tool_meta import READ_ONLY

Role = Literal["user", "agent", "tool_call", "tool_result"]

FromDate = Annotated[
    str | None,
    Field(
        description="Earliest creation time, ISO 8601 ('2026-11-01' or '2026-11-01T09:00:00Z').",
        max_length=40,
    ),
]
ToDate = Annotated[
    str | None,
    Field(
        description="Latest creation time, ISO 8601; a bare date includes that day.", max_length=40
    ),
]
AgentIds = Annotated[
    list[str] | None,
    Field(description="Only calls of these agents (UUIDs, from list_agents).", max_length=50),
]
Metadata = Annotated[
    dict[str, str] | None,
    Field(description='Only calls whose metadata has all these pairs, e.g. {"campaign": "nps"}.'),
]
CallSearch = Annotated[
    str | None,
    Field(
        description="Narrow the calls first with Ultravox's own call search (as list_calls' "
        "search), before reading any transcript.",
        max_length=500,
    ),
]
MinDuration = Annotated[
    float | None, Field(description="Only calls lasting at least this many seconds.", ge=0)
]
MaxDuration = Annotated[
    float | None, Field(description="Only calls lasting at most this many seconds.", ge=0)
]


def _max_calls(default: int) -> object:
    return Field(
        description=f"Calls to read at most in this run (default {default}); the result ends "
        "with a cursor to scan the rest.",
        ge=1,
        le=2_000,
    )


def _filters(**values: object) -> CallFilters:
    raw = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    renames = {
        "min_duration_seconds": "duration_min",
        "max_duration_seconds": "duration_max",
        "call_search": "search",
    }
    return CallFilters.parse(**{renames.get(k, k): v for k, v in raw.items()})


async def _scan(
    ctx: Context,
    state: AppState,
    filters: CallFilters,
    parts: frozenset[Part],
    *,
    kind: str,
    tool: str,
    cursor: str | None,
    max_calls: int,
    on_loaded: Callable[[CallData], None] | None = None,
) -> tuple[ScanResult, str]:
    start = cursors.decode(kind, cursor, tool=tool)
    runtime = runtime_for(state.settings, state.client)
    loader = await runtime.loader()

    async def progress(done: int, total: int | None) -> None:
        # Roughly fifty notifications per scan, whatever its length.
        step = max(1, (total or max_calls) // 50)
        if done % step == 0 or done == total:
            of = f" of {total}" if total is not None else ""
            await ctx.report_progress(done, total, f"{tool}: read {done}{of} calls")

    result = await scan_calls(
        state.client,
        loader,
        runtime.gate,
        filters,
        parts,
        start=Resume(start.upstream, start.skip, start.extra),
        max_calls=max_calls,
        concurrency=state.settings.audit_concurrency,
        progress=progress,
        on_loaded=on_loaded,
    )
    return result, runtime.cache_note


def _token(kind: str, at: Resume) -> str:
    return cursors.encode(
        kind, cursors.Position(upstream=at.upstream, skip=at.skip, extra=at.before)
    )


def _scan_footer(result: ScanResult, kind: str, how: str) -> list[str]:
    if result.resume is None:
        return ["(end of calls: every call matching the filters was read)"]
    token = _token(kind, result.resume)
    left = ""
    if result.total is not None:
        left = f"{max(result.total - result.resume.before, 0):,} more calls · "
    return [f'[stopped: {left}next cursor: "{token}" — call {how} and cursor="{token}" to read on]']


def _described(filters: CallFilters) -> str:
    values = filters.model_dump(exclude_none=True, exclude_defaults=True)
    return ", ".join(f"{k}={v}" for k, v in values.items() if v not in ([], {})) or "none"


@tool_errors
async def search_transcripts(
    ctx: Context,
    query: Annotated[
        str,
        Field(description="Text to find (or a regular expression with regex=true).", min_length=1),
    ],
    regex: Annotated[
        bool, Field(description="Treat query as a Python regular expression.")
    ] = False,
    case_sensitive: Annotated[bool, Field(description="Match letter case exactly.")] = False,
    roles: Annotated[
        list[Role] | None,
        Field(description='Only messages of these roles, e.g. ["user"]. Default: all.'),
    ] = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
    agent_ids: AgentIds = None,
    metadata: Metadata = None,
    call_search: CallSearch = None,
    min_duration_seconds: MinDuration = None,
    max_duration_seconds: MaxDuration = None,
    max_calls: Annotated[int, _max_calls(200)] = 200,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """Search the transcripts (every stage) of all calls matching list filters for a text
    or regex. Returns matches grouped by call: stage, message index, role and a snippet
    around the match; says how many calls were read and matched, and gives a cursor when
    it stopped at max_calls or the budget. Ended calls are cached, so repeating or
    refining a search is fast. The first 20,000 characters of each message are searched."""
    state = app_state(ctx)
    try:
        compiled = Query.build(query, regex=regex, case_sensitive=case_sensitive)
    except QueryError as exc:
        raise ToolError(str(exc)) from None
    filters = _filters(
        from_date=from_date,
        to_date=to_date,
        agent_ids=agent_ids,
        metadata=metadata,
        call_search=call_search,
        min_duration_seconds=min_duration_seconds,
        max_duration_seconds=max_duration_seconds,
    )
    wanted = set(roles) if roles else None
    found: dict[str, CallHits] = {}

    def match(data: CallData) -> None:
        messages = data.messages or []
        found[data.call.call_id] = search_messages(messages, compiled, roles=wanted, max_hits=5)

    result, note = await _scan(
        ctx,
        state,
        filters,
        frozenset({"messages"}),
        kind="search",
        tool="search_transcripts",
        cursor=cursor,
        max_calls=max_calls,
        on_loaded=match,
    )
    entries: list[tuple[str, Resume]] = []
    matched = matches = 0
    for item in result.items:
        hits = found.get(item.call.call_id)
        if hits is None or not hits.total:
            continue
        matched += 1
        matches += hits.total
        entries += [
            (line, item.at) for line in [report.call_heading(item, hits), *report.hit_lines(hits)]
        ]
    role_note = ", ".join(roles) if roles else "all roles"
    header = [
        f"search_transcripts: {compiled.describe()} in {role_note}; "
        f"call filters: {_described(filters)}",
        report.scan_line(result, note),
        f"{matched:,} of {len(result.items):,} calls matched, {matches:,} matching messages.",
        *report.failure_lines(result),
    ]
    how = "search_transcripts with the same arguments"
    hint = (
        "read a whole message: get_stage_messages(call_id=…, call_stage_id=<stage id>, "
        "message_index=<n>); whole transcript: get_call_transcript(call_id=…)"
    )
    return _compose(
        header,
        entries,
        result,
        kind="search",
        how=how,
        hint=hint if entries else None,
        label="transcript snippets",
        budget=max_chars or state.settings.max_chars,
    )


def _compose(
    header: list[str],
    entries: Sequence[tuple[str, Resume]],
    result: ScanResult,
    *,
    kind: str,
    how: str,
    hint: str | None,
    label: str | None,
    budget: int,
) -> str:
    def footer(shown: int) -> list[str]:
        if shown < len(entries):
            at = entries[shown][1]
            token = _token(kind, at)
            lines = [
                f"[cut to fit the budget: results from call {at.before + 1:,} on not shown — "
                f'next cursor: "{token}" — call {how} and cursor="{token}" to read on]'
            ]
        else:
            lines = _scan_footer(result, kind, how)
        return [*lines, hint] if hint else lines

    text, _ = compose(
        header, [line for line, _ in entries], label=label, max_chars=budget, footer=footer
    )
    return text


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
    max_calls: Annotated[int, _max_calls(500)] = 500,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """Calls that went wrong over a date range (and agents), grouped by problem kind with
    counts and example call ids: failed tool calls (errorDetails), error and warning
    events by type, end reasons system_error / connection_error / timeout / unjoined, and
    unusually long or short durations. Follow up with get_call, list_call_events or
    get_call_transcript on the examples."""
    state = app_state(ctx)
    filters = _filters(from_date=from_date, to_date=to_date, agent_ids=agent_ids, metadata=metadata)
    result, note = await _scan(
        ctx,
        state,
        filters,
        frozenset({"messages", "events"}),
        kind="problems",
        tool="find_problem_calls",
        cursor=cursor,
        max_calls=max_calls,
    )
    found = find_problems([item.data for item in result.items if item.data is not None])
    header = [
        f"find_problem_calls over {report.numbered(result.items)}; "
        f"call filters: {_described(filters)}",
        report.scan_line(result, note),
        *report.failure_lines(result),
        report.problem_header(found),
    ]
    lines = [report.problem_line(group, examples) for group in found.groups]
    hint = (
        'look closer: list_call_events(call_id=…, minimum_severity="warning"), '
        "get_call_transcript(call_id=…), get_call(call_id=…)"
    )
    return _whole(
        header,
        lines,
        result,
        kind="problems",
        how="find_problem_calls with the same arguments",
        hint=hint if lines else None,
        budget=max_chars or state.settings.max_chars,
    )


def _whole(
    header: list[str],
    lines: list[str],
    result: ScanResult,
    *,
    kind: str,
    how: str,
    hint: str | None,
    budget: int,
) -> str:
    """Aggregates cannot be resumed line by line: a cut says how to see the rest."""

    def footer(shown: int) -> list[str]:
        tail = _scan_footer(result, kind, how)
        if shown < len(lines):
            tail = [f"[cut: {len(lines) - shown} more lines; raise max_chars to see them]", *tail]
        return [*tail, hint] if hint else tail

    text, _ = compose(header, lines, label=None, max_chars=budget, footer=footer)
    return text


@tool_errors
async def summarize_calls(
    ctx: Context,
    group_by: Annotated[
        GroupBy, Field(description="Group the calls by 'agent', 'end_reason' or 'day' (UTC).")
    ] = "agent",
    from_date: FromDate = None,
    to_date: ToDate = None,
    agent_ids: AgentIds = None,
    metadata: Metadata = None,
    max_calls: Annotated[int, _max_calls(500)] = 500,
    cursor: Cursor = None,
    max_chars: MaxChars = None,
) -> str:
    """Aggregates over calls grouped by agent, end reason or day: call counts, duration
    percentiles (p50/p90/max), the end-reason mix and the tool failure rate, plus a line
    for all calls together."""
    state = app_state(ctx)
    filters = _filters(from_date=from_date, to_date=to_date, agent_ids=agent_ids, metadata=metadata)
    result, note = await _scan(
        ctx,
        state,
        filters,
        frozenset({"messages"}),
        kind="summary",
        tool="summarize_calls",
        cursor=cursor,
        max_calls=max_calls,
    )
    overall, groups = summarize(
        [item.data for item in result.items if item.data is not None], group_by
    )
    header = [
        f"summarize_calls by {group_by} over {report.numbered(result.items)}; "
        f"call filters: {_described(filters)}",
        report.scan_line(result, note),
        *report.failure_lines(result),
        report.SUMMARY_COLUMNS,
        report.summary_line(overall),
    ]
    lines = [report.summary_line(group) for group in groups]
    how = f'summarize_calls(group_by="{group_by}", …same filters)'
    return _whole(
        header,
        lines,
        result,
        kind="summary",
        how=how,
        hint=None,
        budget=max_chars or state.settings.max_chars,
    )


def register(server: MCPServer[AppState]) -> None:
    tools: Sequence[tuple[Callable[..., object], str]] = (
        (search_transcripts, "Search transcripts across calls"),
        (find_problem_calls, "Find problem calls"),
        (summarize_calls, "Summarize calls"),
    )
    for fn, title in tools:
        server.add_tool(fn, title=title, annotations=READ_ONLY, structured_output=False)
