"""Properties of the metrics over drawn time lines (quarter-second steps keep sums exact)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tests.metrics.build import metrics_of, msg
from ultravox_calls_mcp.api.models import Message

_QUARTERS = st.integers(min_value=0, max_value=400).map(lambda q: q / 4)


@st.composite
def _message(draw: st.DrawFn) -> Message:
    role = draw(st.sampled_from(["user", "agent", "agent", "call", "result"]))
    start = draw(_QUARTERS)
    length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=40).map(lambda q: q / 4)))
    end = None if length is None else start + length
    timed = draw(st.booleans()) or draw(st.booleans())
    inv = draw(st.sampled_from(["a", "b", "c", None])) if role in ("call", "result") else None
    return msg(role, start if timed else None, end if timed else None, tool="t", inv=inv)


_CALLS = st.lists(_message(), max_size=40)


@given(_CALLS, _CALLS)
def test_turns_are_bounded_by_agent_and_user_messages_and_percentiles_are_ordered(
    first: list[Message], second: list[Message]
) -> None:
    metrics = metrics_of(first, second)
    timed_roles = [m.role for m in (*first, *second) if m.timespan and m.timespan.start]
    agents = timed_roles.count("MESSAGE_ROLE_AGENT")
    users = timed_roles.count("MESSAGE_ROLE_USER")
    assert metrics.latency.count + metrics.unmeasured_turns <= min(agents, users)
    assert len(metrics.barge_ins) <= users
    if metrics.latency.count:
        assert metrics.latency.p50 is not None
        assert metrics.latency.p90 is not None
        assert metrics.latency.p50 <= metrics.latency.p90 <= (metrics.latency.max or 0)
    assert all(b.overlap > 0 for b in metrics.barge_ins)
    assert all(t.latency < 0 for t in metrics.talk_overs)


@given(_CALLS)
def test_silences_lie_in_the_span_apart_from_each_other_and_within_the_silence_total(
    messages: list[Message],
) -> None:
    metrics = metrics_of(messages)
    share, span = metrics.talk_share, metrics.span
    if span is None or share is None:
        assert metrics.timed_messages == 0
        return
    pieces = sorted((*metrics.dead_air, *metrics.tool_waits), key=lambda p: p.start)
    limit = metrics.thresholds.dead_air_seconds
    assert all(
        span[0] <= p.start and p.end <= span[1] and p.seconds >= limit - 1e-9 for p in pieces
    )
    # Each kind is a set of disjoint stretches; a dead-air stretch may hold a tool wait,
    # whose time it does not count, so together they never count a second twice.
    for kind in (metrics.dead_air, metrics.tool_waits):
        assert all(a.end <= b.start for a, b in itertools.pairwise(kind))
    assert sum(p.seconds for p in pieces) <= share.silence_seconds + 1e-9
    # Overlap is counted once per speaker: the shares cover the span, at least.
    assert share.agent_seconds + share.user_seconds + share.silence_seconds >= share.span_seconds
    assert max(share.agent_seconds, share.user_seconds) + share.silence_seconds <= (
        share.span_seconds
    )


@given(st.lists(st.tuples(st.sampled_from(["user", "agent"]), _QUARTERS, _QUARTERS), max_size=30))
def test_talk_share_of_speech_without_overlap_sums_exactly_to_the_span(
    turns: list[tuple[str, float, float]],
) -> None:
    clock = 0.0
    messages = []
    for role, gap, length in turns:  # one after the other: nobody overlaps
        messages.append(msg(role, clock + gap, clock + gap + length))
        clock += gap + length
    share = metrics_of(messages).talk_share
    if share is None:
        assert not messages
        return
    assert share.agent_seconds + share.user_seconds + share.silence_seconds == share.span_seconds
