"""Audit results as compact text lines (the tools assemble them within the budget)."""

from __future__ import annotations

from collections.abc import Sequence

from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.audit.problems import ProblemGroup, ProblemReport
from ultravox_calls_mcp.audit.scan import Scanned, ScanResult
from ultravox_calls_mcp.audit.search import SCAN_CHARS, CallHits
from ultravox_calls_mcp.audit.summary import GroupStats
from ultravox_calls_mcp.render.fmt import iso, plain


def filters_text(filters: CallFilters) -> str:
    """``from_date=2026-11-01, agent_ids=[…]``, or ``none``: the filters a header echoes."""
    values = filters.model_dump(exclude_none=True, exclude_defaults=True)
    return ", ".join(f"{k}={v}" for k, v in values.items() if v not in ([], {})) or "none"


def scan_line(result: ScanResult, cache_note: str) -> str:
    """``Scanned calls 1–64 of 64 · 60 from cache, 4 fetched (1 live: never cached) · …``"""
    items = result.items
    if not items:
        return "No calls match these filters here."
    first = items[0].at.before + 1
    last = items[-1].at.before + 1
    of = f" of {result.total:,}" if result.total is not None else ""
    cached = result.count(lambda s: s.data is not None and not s.data.fetched)
    live = result.count(lambda s: s.call.is_live)
    fetched = result.count(lambda s: s.data is not None and bool(s.data.fetched))
    parts = [f"Scanned calls {first:,}–{last:,}{of}"]
    parts.append(f"{cached:,} wholly from cache, {fetched:,} needed requests to Ultravox")
    if live:
        parts.append(f"{live:,} live (read fresh, never cached)")
    parts.append(f"cache {cache_note}")
    return " · ".join(parts)


def failure_lines(result: ScanResult) -> list[str]:
    lines = [
        f"could not read call {item.call.call_id}: {item.error}"
        for item in result.items
        if item.error is not None
    ]
    if result.stopped_by:
        lines.append(f"stopped early: {result.stopped_by}")
    return lines


def call_heading(item: Scanned, hits: CallHits) -> str:
    call = item.call
    agent = plain(call.agent.name if call.agent else None, 60) or plain(call.agent_id) or "?"
    noun = "message" if hits.total == 1 else "messages"
    shown = (
        ""
        if len(hits.hits) == hits.total
        else f" (first {len(hits.hits)} shown; the rest: get_call_transcript of this call)"
    )
    live = " · live" if call.is_live else ""
    return (
        f"call {call.call_id} · {iso(call.created) or '?'} · agent {agent}{live} · "
        f"{hits.total} matching {noun}{shown}"
    )


def hit_lines(hits: CallHits) -> list[str]:
    lines = []
    for hit in hits.hits:
        where = f"stage {hit.stage_number} {hit.stage_id}" if hit.stage_id else "stage ?"
        index = f"[{hit.index}]" if hit.index is not None else "[?]"
        lines.append(f"  {where} {index} {hit.role}: {hit.snippet}")
    return lines


def partly_searched_lines(call_id: str, hits: CallHits) -> list[str]:
    """One line per message longer than the searched prefix: nothing is cut silently."""
    lines = []
    for long in hits.long_messages:
        where = f"stage {long.stage_number} {long.stage_id}" if long.stage_id else "stage ?"
        index = f"[{long.index}]" if long.index is not None else "[?]"
        rest = ""
        if long.stage_id and long.index is not None:
            rest = (
                f' — rest: get_stage_messages(call_id="{call_id}", '
                f'call_stage_id="{long.stage_id}", message_index={long.index}, '
                f"text_offset={SCAN_CHARS})"
            )
        lines.append(
            f"  searched only the first {SCAN_CHARS:,} of {long.chars:,} characters: call "
            f"{call_id} {where} {index} {long.role}{rest}"
        )
    return lines


def problem_line(group: ProblemGroup, examples: int) -> str:
    ids = group.call_ids
    calls = f"{len(ids):,} call{'s' if len(ids) != 1 else ''}"
    count = ""
    if group.occurrences != len(ids):
        count = f", {group.occurrences:,} occurrences"
    shown = [f"{cid} ({group.notes[cid]})" if cid in group.notes else cid for cid in ids]
    more = f" (+{len(ids) - examples:,} more; raise examples)" if len(ids) > examples else ""
    title = f"{group.kind} {group.detail}".strip()
    return f"- {title}: {calls}{count} — e.g. {', '.join(shown[:examples])}{more}"


def problem_header(report: ProblemReport) -> str:
    live = f"; {report.live:,} live call(s) skipped" if report.live else ""
    kinds = len(report.groups)
    line = f"Problems in {report.checked:,} ended calls{live}: {kinds} kind(s) found."
    if report.fences is not None:
        f = report.fences
        short = f"< {f.low:.1f} s or " if f.low > 0 else ""
        line += (
            f" Duration outliers use Tukey fences over {f.count:,} joined calls: "
            f"{short}> {f.high:.1f} s."
        )
    return line


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def summary_line(stats: GroupStats, mix_shown: int = 4) -> str:
    live = f" ({stats.live:,} live)" if stats.live else ""
    durations = "/".join(_seconds(stats.percentile(p)) for p in (0.5, 0.9, 1.0))
    ended = sum(stats.end_reasons.values())
    mix = [f"{reason} {count / ended:.0%}" for reason, count in stats.end_reasons.most_common()][
        :mix_shown
    ]
    if len(stats.end_reasons) > mix_shown:
        mix.append(f"+{len(stats.end_reasons) - mix_shown} more")
    rate = stats.failure_rate
    tools = (
        f"{stats.tool_calls:,} tool calls, {stats.tool_failures:,} failed ({rate:.1%})"
        if rate is not None
        else "no tool calls"
    )
    return " · ".join(
        [
            stats.label,
            f"{stats.calls:,} call{'' if stats.calls == 1 else 's'}{live}",
            durations,
            ", ".join(mix) or "-",
            tools,
            _timing(stats),
        ]
    )


def _timing(stats: GroupStats) -> str:
    if not stats.timed_calls:
        return "no timed messages"
    latency = "/".join(_seconds(stats.latency(p)) for p in (0.5, 0.9))
    barge = stats.per_timed_call(stats.interruptions) or 0.0
    dead = stats.per_timed_call(stats.dead_air) or 0.0
    return f"latency {latency} s · {barge:.2f} barge-ins, {dead:.2f} dead air per call"


SUMMARY_COLUMNS = (
    "columns: group · calls · duration p50/p90/max in s (joined, ended calls) · "
    "end reasons · tool calls, failed (rate) · response latency p50/p90 over all turns · "
    "barge-ins (talk-over included) and dead-air stretches per call with timed messages"
)


def numbered(items: Sequence[Scanned]) -> str:
    if not items:
        return "0 calls"
    return f"calls {items[0].at.before + 1:,}–{items[-1].at.before + 1:,}"
