"""The timing facts an audit caches with a call answer exactly as the metrics do, for any
thresholds: drawn calls (millisecond times, so sums are not exact), the hand-built
scenario and every sandbox call."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.metrics.build import metrics_of, msg, scenario_stages
from ultravox_calls_mcp.api.models import CallStage, Message
from ultravox_calls_mcp.audit.fetch import decode, encode
from ultravox_calls_mcp.audit.timing_facts import TimingFacts, facts_source, timing_facts
from ultravox_calls_mcp.metrics import CallMetrics, Thresholds
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


def _staged(*stages: list[Message]) -> tuple[list[Message], list[CallStage]]:
    """The stages' messages as the API lists a call's (each naming its stage), and the
    call's stage list (an empty stage still takes its number)."""
    ids = [f"stage-{n}" for n in range(1, len(stages) + 1)]
    messages = [
        message.model_copy(update={"call_stage_id": stage_id})
        for stage_id, own in zip(ids, stages, strict=True)
        for message in own
    ]
    return messages, [CallStage(call_stage_id=stage_id) for stage_id in ids]


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
    facts = timing_facts(*_staged(first, second))
    _same_answers(facts, metrics_of(first, second, thresholds=Thresholds(slow, dead)))
    # And the same once through the cache's encoding.
    assert decode("timing", encode("timing", facts)) == facts


def test_the_scenario_at_several_thresholds() -> None:
    stages = scenario_stages()
    facts = timing_facts(*_staged(*stages))
    assert facts.source == facts_source()
    for slow, dead in [(2.0, 4.0), (0.4, 0.5), (2.9, 11.0), (3.0, 12.0), (7.0, 12.5)]:
        _same_answers(facts, metrics_of(*stages, thresholds=Thresholds(slow, dead)))
    # The numbers themselves (worked out in tests/metrics/test_export.py).
    assert facts.latencies == (3.0, 0.5, -0.5, 7.0, 12.0)
    assert facts.slow(2.0) == 3
    assert facts.slowest == (12.0, 2, 4)
    assert (facts.barge_ins, facts.talk_overs) == (1, 1)
    assert facts.longest_dead_air(4.0) == (12.0, 12.0, 2, 3)


def test_every_sandbox_call(sandbox_data: SandboxData) -> None:
    checked = 0
    for record in sandbox_data.calls:
        stages = [
            [Message.model_validate(m) for m in stage.messages[stage.first_own :]]
            for stage in record.stages
        ]
        messages = [
            m.model_copy(update={"call_stage_id": stage.stage_id})
            for stage, own in zip(record.stages, stages, strict=True)
            for m in own
        ]
        facts = timing_facts(messages, None)
        for limits in (Thresholds(), Thresholds(1.0, 2.5)):
            metrics = metrics_of(*stages, thresholds=limits)
            _same_answers(facts, metrics)
        checked += facts.timed
    assert checked >= 50
