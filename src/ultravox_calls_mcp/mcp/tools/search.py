"""search_transcripts: a text or regex across the transcripts of every call matching list filters.

Thin: arguments → CallFilters → ``audit.scan`` (bounded concurrency, cache of ended
calls, progress), matching each call as it loads → hit lines composed within the budget,
with a cursor whenever the scan or the text stopped before the list's end.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.scan import Resume
from ultravox_calls_mcp.audit.search import SCAN_CHARS, CallHits, Query, QueryError, search_messages
from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import (
    READ_ONLY,
    AgentIds,
    CallSearch,
    Cursor,
    FromDate,
    MaxChars,
    MaxDuration,
    Metadata,
    MinDuration,
    Role,
    ToDate,
    call_filters,
    max_calls_field,
)
from ultravox_calls_mcp.mcp.results.audit_compose import compose_per_call
from ultravox_calls_mcp.mcp.results.audit_cursors import ScanCursors
from ultravox_calls_mcp.mcp.state import AppState, app_state
from ultravox_calls_mcp.mcp.tools.audit_runner import run_scan
from ultravox_calls_mcp.render import audit as report


@tool_errors
async def search_transcripts(
    ctx: Context,
    query: Annotated[
        str,
        Field(description="Text to find (or a regular expression with regex=true).", min_length=1),
    ],
    regex: Annotated[
        bool,
        Field(
            description="Treat query as a regular expression in Python syntax, run in linear "
            "time (RE2): no backreferences or lookaround; \\b sees ASCII word characters "
            "only; $ is the very end (use (?m) for line ends)."
        ),
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
    max_calls: Annotated[int, max_calls_field(200)] = 200,
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
        if regex:
            # In a worker thread: the first \w, \d or \s a process meets works out its
            # Unicode ranges (~40 ms each), which on the event loop would hold up every
            # other session's requests meanwhile.
            compiled = await anyio.to_thread.run_sync(
                lambda: Query.build(query, regex=True, case_sensitive=case_sensitive)
            )
        else:
            compiled = Query.build(query, regex=False, case_sensitive=case_sensitive)
    except QueryError as exc:
        raise ToolError(str(exc)) from None
    filters = call_filters(
        from_date=from_date,
        to_date=to_date,
        agent_ids=agent_ids,
        metadata=metadata,
        call_search=call_search,
        min_duration_seconds=min_duration_seconds,
        max_duration_seconds=max_duration_seconds,
    )
    wanted = set(roles) if roles else None
    # Everything that decides which messages match; a cursor from another search would
    # skip calls this one never read.
    scan_cursors = ScanCursors.bound(
        "search",
        "search_transcripts",
        filters,
        query=query,
        regex=regex,
        case_sensitive=case_sensitive,
        roles=sorted(wanted) if wanted else None,
    )
    found: dict[str, CallHits] = {}

    def match(data: CallData) -> None:
        messages = data.messages or []
        found[data.call.call_id] = search_messages(messages, compiled, roles=wanted, max_hits=5)

    result, note = await run_scan(
        ctx,
        state,
        filters,
        frozenset({"messages"}),
        scan_cursors=scan_cursors,
        cursor=cursor,
        max_calls=max_calls,
        on_loaded=match,
    )
    entries: list[tuple[str, Resume]] = []
    matched = matches = partly = 0
    for item in result.items:
        hits = found.get(item.call.call_id)
        if hits is None or not (hits.total or hits.long_messages):
            continue
        lines = report.partly_searched_lines(item.call.call_id, hits)
        partly += len(lines)
        if hits.total:
            matched += 1
            matches += hits.total
            lines = [report.call_heading(item, hits), *report.hit_lines(hits), *lines]
        entries += [(line, item.at) for line in lines]
    role_note = ", ".join(roles) if roles else "all roles"
    header = [
        f"search_transcripts: {compiled.describe()} in {role_note}; "
        f"call filters: {report.filters_text(filters)}",
        report.scan_line(result, note),
        f"{matched:,} of {len(result.items):,} calls matched, {matches:,} matching messages.",
        *(
            [
                f"{partly:,} messages are longer than {SCAN_CHARS:,} characters: only their "
                "first part was searched (each is listed with where to read the rest)."
            ]
            if partly
            else []
        ),
        *report.failure_lines(result),
    ]
    hint = (
        "read a whole message: get_stage_messages(call_id=…, call_stage_id=<stage id>, "
        "message_index=<n>); whole transcript: get_call_transcript(call_id=…)"
    )
    return compose_per_call(
        header,
        entries,
        result,
        scan_cursors=scan_cursors,
        how="search_transcripts with the same arguments",
        hint=hint if entries else None,
        label="transcript snippets",
        budget=max_chars or state.settings.max_chars,
    )


def register(server: MCPServer[AppState]) -> None:
    server.add_tool(
        search_transcripts,
        title="Search transcripts across calls",
        annotations=READ_ONLY,
        structured_output=False,
    )
