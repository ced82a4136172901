"""Properties of the metrics over drawn time lines (quarter-second steps keep sums exact)."""

from __future__ import annotations

import itertools

from hypothesis import example, given
from hypothesis import strategies as st

from tests.metrics.build import metrics_of, msg
from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.metrics import TalkShare, ToolRef, timeline_from_stages
from ultravox_calls_mcp.metrics.intervals import Piece, complement, merge, total
from ultravox_calls_mcp.metrics.silence import silences
from ultravox_calls_mcp.metrics.tools import pair_tools, tool_latency

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


@given(_CALLS, _CALLS)
@example(  # a tool called before the caller spoke again is not the reply's tool
    [msg("user", 0, 1), msg("call", 1, 2, tool="t", inv="a"), msg("user", 3, 4)],
    [msg("call", 4, 5, tool="u"), msg("agent", 6, 7)],
)
def test_what_is_computed_on_first_read_equals_a_straightforward_computation(
    first: list[Message], second: list[Message]
) -> None:
    metrics = metrics_of(first, second)
    timeline = timeline_from_stages([("stage-1", first), ("stage-2", second)])
    timed = timeline.timed
    uses = pair_tools(timeline)
    assert metrics.tool_uses == tuple(uses)
    assert metrics.tool_latency == tuple(tool_latency(uses))
    # Each turn's tools: the tool calls after the user message it answers, before it.
    by_id = {u.invocation_id: u for u in uses if u.invocation_id}
    position = {(m.stage, m.index): n for n, m in enumerate(timed)}
    for turn in metrics.turns:
        between = timed[
            position[turn.user_stage, turn.user_index] + 1 : position[turn.stage, turn.index]
        ]
        refs = []
        for call in (m for m in between if m.role == "toolCall"):
            use = by_id.get(call.message.invocation_id or "")
            refs.append(
                ToolRef(call.message.tool_name, failed=False, no_result=True)
                if use is None
                else ToolRef(use.name, failed=use.failed, no_result=use.result is None)
            )
        assert turn.tools == tuple(refs)
    # Silences: the parts of the span that the union of all speech leaves uncovered.
    if timeline.span is None:
        assert metrics.talk_share is None
        return
    start, end = timeline.span
    agent = merge(Piece(m.start, m.until, None) for m in timed if m.role == "agent")
    user = merge(Piece(m.start, m.until, None) for m in timed if m.role == "user")
    holes = complement(merge([*agent, *user]), start, end)
    assert silences(timed, start, end) == [(h.start, h.end) for h in holes]
    limit = metrics.thresholds.dead_air_seconds
    long = [(h.start, h.end) for h in holes if h.end - h.start >= limit]
    assert silences(timed, start, end, limit) == long
    assert metrics.talk_share == TalkShare(end - start, total(agent), total(user), total(holes))
