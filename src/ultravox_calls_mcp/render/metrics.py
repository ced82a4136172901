"""Call timing metrics → compact text lines an assistant can reason about and act on.

Every "where" is a stage number and message index (the stage numbers are mapped to
their call_stage_id once, at the top), so the assistant can read the message with
get_stage_messages(message_index=…). Lists are capped at ``max_examples`` and each cap
says how many more there are.
"""

from __future__ import annotations

from collections.abc import Sequence

from ultravox_calls_mcp.metrics import CallMetrics, Silence, ToolRef, Turn
from ultravox_calls_mcp.render.fmt import plain, seconds

__all__ = ["clock_time", "metrics_lines", "metrics_summary_line"]

_MAX_STAGES = 10


def clock_time(offset: float) -> str:
    """Seconds into the call as ``1:23.4`` (``1:02:03.4`` past an hour)."""
    tenths = round(offset * 10)
    sign = "-" if tenths < 0 else ""
    minutes, rest = divmod(abs(tenths), 600)
    hours, minutes = divmod(minutes, 60)
    sec = f"{rest // 10:02d}.{rest % 10}"
    return f"{sign}{hours}:{minutes:02d}:{sec}" if hours else f"{sign}{minutes}:{sec}"


def _s(value: float) -> str:
    return f"{seconds(value)} s"


def _noun(count: int, word: str) -> str:
    if count == 1:
        return word
    return f"{word}es" if word.endswith("ch") else f"{word}s"


def _plural(count: int, word: str) -> str:
    return f"{count} {_noun(count, word)}"


def _at(stage: int, index: int, time: float) -> str:
    return f"stage {stage} message #{index} at {clock_time(time)}"


def _other(stage: int, other_stage: int, index: int) -> str:
    """The partner message of a finding: its stage is named only when it differs."""
    return f"#{index}" if other_stage == stage else f"#{index} of stage {other_stage}"


def _tool(ref: ToolRef) -> str:
    name = plain(ref.name, 80) or "?"
    if ref.failed:
        return f"{name}, failed"
    return f"{name}, no result" if ref.no_result else name


def _after_tools(tools: Sequence[ToolRef]) -> str:
    if not tools:
        return ""
    if len(tools) == 1:
        return f" (after tool {_tool(tools[0])})"
    shown = "; ".join(_tool(t) for t in tools[:3])
    more = f"; +{len(tools) - 3} more, in the transcript before it" if len(tools) > 3 else ""
    return f" (after tools {shown}{more})"


def _turn(turn: Turn) -> str:
    return f"{_at(turn.stage, turn.index, turn.agent_start)}: {_s(turn.latency)}" + _after_tools(
        turn.tools
    )


def _more(lines: list[str], left: int, what: str) -> None:
    if left > 0:
        lines.append(f"  … {left} more {_noun(left, what)}; raise max_examples")


def _header(metrics: CallMetrics, call_id: str, live: bool, stage_count: int) -> list[str]:
    head = f"Voice timing of call {plain(call_id, 80)} · {_plural(stage_count, 'stage')}"
    lines = [f"{head} · clock: {metrics.clock}"]
    if live:
        lines.append("The call is LIVE: these numbers cover it so far and may change.")
    if not metrics.timed_messages:
        lines.append(
            f"No timed messages ({_plural(metrics.untimed_messages, 'untimed message')}): "
            "nothing to measure yet."
        )
        return lines
    counts = f"Messages: {metrics.timed_messages:,} timed"
    if metrics.untimed_messages:
        counts += f", {metrics.untimed_messages} untimed left out (initial or carried-over)"
    if metrics.open_ends:
        counts += f", {metrics.open_ends} without an end (counted as points in time)"
    lines.append(counts)
    stages = [
        f"{s.number} = {plain(s.stage_id, 80)}"
        + (
            ""
            if s.start is None or s.end is None
            else f" {clock_time(s.start)}–{clock_time(s.end)}"
        )
        for s in metrics.stages[:_MAX_STAGES]
    ]
    more = len(metrics.stages) - _MAX_STAGES
    tail = f"; … {more} more stages (list_call_stages lists them all)" if more > 0 else ""
    lines.append(
        "Stages (call_stage_id for get_stage_messages(message_index=…)): "
        + "; ".join(stages)
        + tail
    )
    if metrics.span is not None:
        start, end = metrics.span
        lines.append(f"Span: {clock_time(start)}–{clock_time(end)} ({_s(end - start)})")
    return lines


def _latency(metrics: CallMetrics, max_examples: int) -> list[str]:
    first = metrics.time_to_first_word
    lines = [f"Time to first word: {'no timed agent speech' if first is None else _s(first)}"]
    summary = metrics.latency
    limit = _s(metrics.thresholds.slow_response_seconds)
    unmeasured = ""
    if metrics.unmeasured_turns:
        unmeasured = f"; {metrics.unmeasured_turns} not measured (user message without an end)"
    if summary.p50 is None or summary.p90 is None or summary.max is None:
        lines.append(f"Response latency: no measured turns{unmeasured}")
        return lines
    lines.append(
        "Response latency (agent start − end of the user's last message; nearest rank): "
        f"p50 {_s(summary.p50)} · p90 {_s(summary.p90)} · max {_s(summary.max)} "
        f"over {_plural(summary.count, 'turn')}; {summary.slow} over {limit}{unmeasured}"
    )
    slow = metrics.slow_turns
    if slow:
        lines.append("Slow turns, slowest first:")
        lines.extend(f"  {_turn(t)}" for t in slow[:max_examples])
        _more(lines, len(slow) - max_examples, "slow turn")
    elif (slowest := metrics.slowest_turn) is not None:
        lines.append(f"Slowest turn (none over {limit}): {_turn(slowest)}")
    return lines


def _interruptions(metrics: CallMetrics, max_examples: int) -> list[str]:
    barge_ins, talk_overs = metrics.barge_ins, metrics.talk_overs
    lines = [f"Barge-ins (user started while the agent spoke): {len(barge_ins) or 'none'}"]
    lines.extend(
        f"  {_at(b.stage, b.index, b.time)}: {_s(b.overlap)} over agent message "
        f"{_other(b.stage, b.agent_stage, b.agent_index)}"
        for b in barge_ins[:max_examples]
    )
    _more(lines, len(barge_ins) - max_examples, "barge-in")
    lines.append(
        f"Talk-overs (agent started before the user finished): {len(talk_overs) or 'none'}"
    )
    lines.extend(
        f"  {_at(t.stage, t.index, t.agent_start)}: {_s(-t.latency)} before user message "
        f"{_other(t.stage, t.user_stage, t.user_index)} ended"
        for t in talk_overs[:max_examples]
    )
    _more(lines, len(talk_overs) - max_examples, "talk-over")
    return lines


def _silences(
    title: str, pieces: Sequence[Silence], max_examples: int, what: str, *, tool: bool
) -> list[str]:
    if not pieces:
        return [f"{title}: none"]
    longest = sorted(pieces, key=lambda p: (-p.seconds, p.start))
    lines = [f"{title}: {len(pieces)}, longest {_s(longest[0].seconds)}"]
    for piece in longest[:max_examples]:
        waiting = f" waiting on {plain(piece.tool, 80) or '?'}" if tool else ""
        if piece.waited:
            waiting = f" (not counting {_s(piece.waited)} of tool wait inside)"
        lines.append(
            f"  {_s(piece.seconds)} from {clock_time(piece.start)}{waiting}, after stage "
            f"{piece.stage} message #{piece.after_index}"
        )
    _more(lines, len(pieces) - max_examples, what)
    return lines


def _share(metrics: CallMetrics) -> list[str]:
    share = metrics.talk_share
    if share is None or share.span_seconds <= 0:
        return []
    parts = [
        f"{name} {_s(value)} ({share.percent(value) or 0:.1f}%)"
        for name, value in (
            ("agent", share.agent_seconds),
            ("user", share.user_seconds),
            ("silence", share.silence_seconds),
        )
    ]
    return [f"Talk share of {_s(share.span_seconds)}: " + " · ".join(parts)]


def _tools(metrics: CallMetrics, max_examples: int) -> list[str]:
    rows = metrics.tool_latency
    if not rows:
        return ["Tool latency: no tool calls"]
    lines = ["Tool latency (result start − call end):"]
    for row in rows[:max_examples]:
        facts = [_plural(row.count, "call")]
        if row.failures:
            facts.append(f"{row.failures} failed")
        if row.no_result:
            facts.append(f"{row.no_result} without a result")
        if row.untimed:
            facts.append(f"{row.untimed} not timed")
        timing = (
            ""
            if row.p50 is None or row.max is None
            else (f"; p50 {_s(row.p50)}, max {_s(row.max)}")
        )
        lines.append(f"  {plain(row.name, 80) or '?'}: {', '.join(facts)}{timing}")
    _more(lines, len(rows) - max_examples, "tool")
    return lines


def metrics_lines(
    metrics: CallMetrics, *, call_id: str, live: bool, stage_count: int, max_examples: int = 5
) -> list[str]:
    """The whole report; ``stage_count`` is the call's number of stages (as listed)."""
    examples = max(1, max_examples)
    lines = _header(metrics, call_id, live, stage_count)
    if not metrics.timed_messages:
        return lines
    dead_air_limit = _s(metrics.thresholds.dead_air_seconds)
    lines += _latency(metrics, examples)
    lines += _interruptions(metrics, examples)
    lines += _silences(
        f"Dead air (≥ {dead_air_limit} with nobody speaking, tool waits apart)",
        metrics.dead_air,
        examples,
        "dead-air stretch",
        tool=False,
    )
    lines += _silences(
        f"Silent tool waits (≥ {dead_air_limit})",
        metrics.tool_waits,
        examples,
        "tool wait",
        tool=True,
    )
    lines += _share(metrics)
    lines += _tools(metrics, examples)
    return lines


def metrics_summary_line(metrics: CallMetrics) -> str:
    """One line for overviews: ``latency p50 0.9 s · p90 2.4 s (14 turns, 2 slow) · …``."""
    if not metrics.timed_messages:
        return "no timed messages"
    summary = metrics.latency
    if summary.p50 is None or summary.p90 is None:
        latency = "no measured turns"
    else:
        latency = (
            f"latency p50 {_s(summary.p50)} · p90 {_s(summary.p90)} "
            f"({_plural(summary.count, 'turn')}, {summary.slow} slow)"
        )
    longest = metrics.longest_dead_air
    dead_air = f"dead air {len(metrics.dead_air)}"
    if longest is not None:
        dead_air += f" (longest {_s(longest.seconds)})"
    return (
        f"{latency} · {_plural(len(metrics.barge_ins), 'barge-in')} · "
        f"{_plural(len(metrics.talk_overs), 'talk-over')} · {dead_air}"
    )
