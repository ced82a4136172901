"""Run an audit tool's scan from its cursor, reporting progress to the client.

Shared by the audit tool families (search, aggregates); the server's one audit runtime
(``AppState.audit``) gives the cache, the back-off gate and the client that pauses
through it.
"""

from __future__ import annotations

from collections.abc import Callable

from mcp.server.mcpserver import Context

from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.audit.fetch import CallData, Part
from ultravox_calls_mcp.audit.scan import ScanResult, scan_calls
from ultravox_calls_mcp.mcp.results.audit_cursors import ScanCursors
from ultravox_calls_mcp.mcp.state import AppState

# Progress notifications per scan, roughly, whatever its length.
_PROGRESS_STEPS = 50


async def run_scan(
    ctx: Context,
    state: AppState,
    filters: CallFilters,
    parts: frozenset[Part],
    *,
    scan_cursors: ScanCursors,
    cursor: str | None,
    max_calls: int,
    on_loaded: Callable[[CallData], None] | None = None,
) -> tuple[ScanResult, str]:
    """The scan's result and the cache's note for the header."""
    start = scan_cursors.start(cursor)
    runtime = state.audit
    loader = await runtime.loader()
    tool = scan_cursors.tool

    async def progress(done: int, total: int | None) -> None:
        step = max(1, (total or max_calls) // _PROGRESS_STEPS)
        if done % step == 0 or done == total:
            of = f" of {total}" if total is not None else ""
            await ctx.report_progress(done, total, f"{tool}: read {done}{of} calls")

    result = await scan_calls(
        runtime.client,
        loader,
        runtime.gate,
        filters,
        parts,
        start=start,
        max_calls=max_calls,
        concurrency=state.settings.audit_concurrency,
        progress=progress,
        on_loaded=on_loaded,
    )
    return result, runtime.cache_note
