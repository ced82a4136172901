"""The timing facts an audit caches with a call answer exactly as the metrics do, for any
thresholds: drawn calls (millisecond times, so sums are not exact), the hand-built
scenario and every sandbox call."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.metrics.build import msg, scenario_stages
from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.fetch import _parsed, decode, encode
from ultravox_calls_mcp.audit.timing_facts import TimingFacts, facts_source, timing_facts
from ultravox_calls_mcp.metrics import (
    CallMetrics,
    Thresholds,
    compute_metrics,
    split_by_stage,
    timeline_from_stages,
)
from ultravox_calls_mcp.metrics.silence import silences
from ultravox_calls_mcp.sandbox import SandboxData

_MILLIS = st.integers(min_value=0, max_value=90_000).map(lambda n: n / 1000)
_LIMITS = st.integers(min_value=1, max_value=12_000).map(lambda n: n / 1000)


@st.composite
def _message(draw: st.DrawFn) -> Message:
    role = draw(st.sampled_from(["user", "agent", "agent", "call", "result"]))
    start = draw(_MILLIS)
    length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=9_000)))
    end = None if length is None else start + length / 1000
    timed = draw(st.booleans()) or draw(st.booleans())
    inv = draw(st.sampled_from(["a", "b", "c", None])) if role in ("call", "result") else None
    return msg(role, start if timed else None, end if timed else None, tool="t", inv=inv)


_CALLS = st.lists(_message(), max_size=40)


def _staged(*stages: list[Message]) -> list[Message]:
    """The stages' messages as the API lists a call's: each naming its stage."""
    return [
        message.model_copy(update={"call_stage_id": f"stage-{n}"})
        for n, own in enumerate(stages, 1)
        for message in own
    ]


def _metrics(messages: list[Message], thresholds: Thresholds) -> CallMetrics:
    """What the audits computed per call before the facts: the time line of the messages
    (no stage list), all metrics."""
    return compute_metrics(timeline_from_stages(split_by_stage((), messages)), thresholds)


def _edges(messages: list[Message]) -> list[float]:
    """Thresholds exactly at the call's own numbers (every latency, every silence's length,
    every dead-air stretch's seconds): where a rounding difference would show."""
    metrics = _metrics(messages, Thresholds())
    timeline = timeline_from_stages(split_by_stage((), messages))
    numbers = [turn.latency for turn in metrics.turns]
    if timeline.span is not None:
        numbers += [b - a for a, b in silences(timeline.timed, *timeline.span)]
    numbers += [stretch[1] for stretch in timing_facts(messages).quiet]
    return sorted({n for n in numbers if 0 < n <= 3_600})


def _same_answers(facts: TimingFacts, metrics: CallMetrics) -> None:
    limits = metrics.thresholds
    assert facts.timed == bool(metrics.timed_messages)
    assert list(facts.latencies) == [turn.latency for turn in metrics.turns]
    assert facts.slow(limits.slow_response_seconds) == metrics.latency.slow
    worst = metrics.slowest_turn
    assert facts.slowest == (None if worst is None else (worst.latency, worst.stage, worst.index))
    assert facts.barge_ins == len(metrics.barge_ins)
    assert facts.talk_overs == len(metrics.talk_overs)
    dead = limits.dead_air_seconds
    assert [(s, stage, after) for _, s, stage, after in facts.dead_air(dead)] == [
        (d.seconds, d.stage, d.after_index) for d in metrics.dead_air
    ]
    longest, expected = facts.longest_dead_air(dead), metrics.longest_dead_air
    assert (longest and longest[1:]) == (
        expected and (expected.seconds, expected.stage, expected.after_index)
    )


@given(_CALLS, _CALLS, _LIMITS, _LIMITS)
def test_facts_answer_as_the_metrics_for_any_thresholds(
    first: list[Message], second: list[Message], slow: float, dead: float
) -> None:
    messages = _staged(first, second)
    facts = timing_facts(messages)
    _same_answers(facts, _metrics(messages, Thresholds(slow, dead)))
    for edge in _edges(messages):
        _same_answers(facts, _metrics(messages, Thresholds(edge, edge)))
    # And the same once through the cache's encoding.
    assert decode("timing", encode("timing", facts)) == facts


def test_dead_air_whose_parts_round_above_the_silence_is_not_dead_air() -> None:
    # A zero-length tool wait splits 0.004-4.004 in two; the parts' sum is 4.0, the
    # silence 3.9999999999999996 s: under the 4 s threshold, as the metrics say.
    messages = _staged(
        [
            msg("agent", 0.0, 0.004),
            msg("call", 0.236, 0.236, inv="a"),
            msg("result", 0.236, 0.236, inv="a"),
            msg("user", 4.004, 5.0),
        ]
    )
    metrics = _metrics(messages, Thresholds())
    assert metrics.dead_air == ()
    facts = timing_facts(messages)
    assert facts.dead_air(4.0) == []
    _same_answers(facts, metrics)


def test_the_scenario_at_several_thresholds() -> None:
    messages = _staged(*scenario_stages())
    facts = timing_facts(messages)
    assert facts.source == facts_source()
    for slow, dead in [(2.0, 4.0), (0.4, 0.5), (2.9, 11.0), (3.0, 12.0), (7.0, 12.5)]:
        _same_answers(facts, _metrics(messages, Thresholds(slow, dead)))
    for edge in _edges(messages):
        _same_answers(facts, _metrics(messages, Thresholds(edge, edge)))
    # The numbers themselves (worked out in tests/metrics/test_export.py).
    assert facts.latencies == (3.0, 0.5, -0.5, 7.0, 12.0)
    assert facts.slow(2.0) == 3
    assert facts.slowest == (12.0, 2, 4)
    assert (facts.barge_ins, facts.talk_overs) == (1, 1)
    assert facts.longest_dead_air(4.0) == (12.0, 12.0, 2, 3)


def test_every_sandbox_call(sandbox_data: SandboxData) -> None:
    checked = 0
    for record in sandbox_data.calls:
        messages = [
            Message.model_validate(m)
            for stage in record.stages
            for m in stage.messages[stage.first_own :]
        ]
        facts = timing_facts(messages)
        for limits in (Thresholds(), Thresholds(1.0, 2.5)):
            _same_answers(facts, _metrics(messages, limits))
        checked += facts.timed
    assert checked >= 50


def test_thresholds_at_the_silence_length_with_a_split_inside() -> None:
    """A zero-length tool wait splits a silence in two, the threshold is exactly the
    silence's length or the sum of its two parts: the facts agree with the metrics
    whichever way the floats round (for some of these the sum rounds above the length)."""
    above = 0
    for agent_end in range(1, 400, 7):
        start, end = agent_end / 1000, (agent_end + 4_000) / 1000
        for at in range(1, 4_000, 233):
            wait = (agent_end + at) / 1000
            messages = _staged(
                [
                    msg("agent", 0.0, start),
                    msg("call", wait, wait, inv="a"),
                    msg("result", wait, wait, inv="a"),
                    msg("user", end, end + 1),
                ]
            )
            parts, length = (wait - start) + (end - wait), end - start
            above += parts > length
            facts = timing_facts(messages)
            for limit in (length, parts):
                _same_answers(facts, _metrics(messages, Thresholds(1.0, limit)))
    assert above  # the rounding this guards against does occur among these


def test_without_readable_sources_facts_are_this_process_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable(path: Path) -> bytes:
        raise OSError("no sources in this install")

    facts_source.cache_clear()
    try:
        monkeypatch.setattr(Path, "read_bytes", unreadable)
        mine = facts_source()
        assert mine.startswith("process-")
        assert facts_source() == mine  # steady within the process
        # Facts from any other process (any other source) are then a miss.
        other = timing_facts(_staged([msg("agent", 0.0, 1.0)])).model_copy(
            update={"source": "0123456789abcdef"}
        )
        assert "timing" not in _parsed("c", {"timing": encode("timing", other)})
    finally:
        monkeypatch.undo()
        facts_source.cache_clear()
    assert not facts_source().startswith("process-")
