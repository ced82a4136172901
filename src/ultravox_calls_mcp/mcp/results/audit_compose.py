"""Fit an audit result into its budget and end it with where to read on.

Two shapes. Per-call lines (search hits) can stop after any line: the cursor then
resumes at the first call not wholly shown. Aggregates (problem kinds, summary rows)
describe the whole scanned window, so a cut cannot be resumed line by line: it says how
to see the rest, and the cursor only continues the scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from ultravox_calls_mcp.audit.scan import Resume, ScanResult
from ultravox_calls_mcp.mcp.results.audit_cursors import ScanCursors
from ultravox_calls_mcp.mcp.results.compose import compose
from ultravox_calls_mcp.render.text import FROM_CALLS


def compose_per_call(
    header: list[str],
    entries: Sequence[tuple[str, Resume]],
    result: ScanResult,
    *,
    scan_cursors: ScanCursors,
    how: str,
    hint: str | None,
    label: str | None,
    budget: int,
) -> str:
    """``entries``: each line with the place of the call it belongs to."""

    def footer(shown: int) -> list[str]:
        if shown < len(entries):
            at = entries[shown][1]
            token = scan_cursors.token(at)
            lines = [
                f"[cut to fit the budget: results from call {at.before + 1:,} on not shown — "
                f'next cursor: "{token}" — pass it as cursor to {how} to read on]'
            ]
        else:
            lines = _scan_footer(result, scan_cursors, how)
        return [*lines, hint] if hint else lines

    # Hits quote many calls: the fence says so.
    text, _ = compose(
        header,
        [line for line, _ in entries],
        label=label,
        max_chars=budget,
        footer=footer,
        source=FROM_CALLS,
    )
    return text


def compose_aggregate(
    header: list[str],
    lines: list[str],
    result: ScanResult,
    *,
    scan_cursors: ScanCursors,
    how: str,
    hint: str | None,
    budget: int,
) -> str:
    def footer(shown: int) -> list[str]:
        tail = _scan_footer(result, scan_cursors, how)
        if shown < len(lines):
            tail = [f"[cut: {len(lines) - shown} more lines; raise max_chars to see them]", *tail]
        return [*tail, hint] if hint else tail

    text, _ = compose(header, lines, label=None, max_chars=budget, footer=footer)
    return text


def _scan_footer(result: ScanResult, scan_cursors: ScanCursors, how: str) -> list[str]:
    if result.resume is None:
        return ["(end of calls: every call matching the filters was read)"]
    token = scan_cursors.token(result.resume)
    left = ""
    if result.total is not None:
        left = f"{max(result.total - result.resume.before, 0):,} more calls · "
    return [f'[stopped: {left}next cursor: "{token}" — pass it as cursor to {how} to read on]']
