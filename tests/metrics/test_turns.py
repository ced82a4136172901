"""Response latency, talk-overs and barge-ins on hand-built time lines."""

from __future__ import annotations

from tests.metrics.build import metrics_of, msg
from ultravox_calls_mcp.metrics import BargeIn, LatencySummary, ToolRef, percentile


def test_latency_is_agent_start_minus_the_last_user_end_and_consecutive_agents_are_one_turn() -> (
    None
):
    metrics = metrics_of(
        [
            msg("agent", 0.5, 2.0, index=0),  # greeting: no user before it, not a turn
            msg("user", 3.0, 4.0, index=1),
            msg("user", 4.5, 5.0, index=2),  # the caller goes on: this is the one answered
            msg("agent", 5.75, 7.0, index=3),
            msg("agent", 7.5, 8.0, index=4),  # the same turn continues
            msg("user", 9.0, 10.0, index=5),
            msg("agent", 13.0, 14.0, index=6),
        ]
    )
    assert [(t.stage, t.index, t.user_index, t.latency) for t in metrics.turns] == [
        (1, 3, 2, 0.75),
        (1, 6, 5, 3.0),
    ]
    assert metrics.latency == LatencySummary(count=2, p50=0.75, p90=3.0, max=3.0, slow=1)
    assert metrics.time_to_first_word == 0.5
    assert [t.index for t in metrics.slow_turns] == [6]


def test_percentiles_are_nearest_rank() -> None:
    values = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    assert percentile(values, 50) == 2.5
    assert percentile(values, 90) == 4.5
    assert percentile(values[:3], 90) == 1.5
    assert percentile([7.0], 50) == 7.0
    assert percentile([], 50) is None
    thirty = [float(n) for n in range(1, 31)]
    assert percentile(thirty, 90) == 27.0  # rank 27 exactly, not 28 from 0.9 · 30 > 27


def test_an_agent_starting_before_the_user_finished_is_a_talk_over_with_negative_latency() -> None:
    metrics = metrics_of(
        [
            msg("user", 1.0, 4.0, index=0),
            msg("agent", 3.5, 6.0, index=1),
        ]
    )
    (turn,) = metrics.turns
    assert turn.latency == -0.5
    assert metrics.talk_overs == (turn,)
    assert metrics.latency.p50 == -0.5
    assert metrics.barge_ins == ()


def test_a_user_starting_while_the_agent_plays_is_a_barge_in_with_its_overlap() -> None:
    metrics = metrics_of(
        [
            msg("agent", 0.0, 5.0, index=0),
            msg("user", 4.0, 6.0, index=1),  # 1.0 s over the agent
            msg("agent", 7.0, 12.0, index=2),
            msg("user", 8.0, 9.0, index=3),  # wholly inside the agent: 1.0 s overlap
        ]
    )
    assert metrics.barge_ins == (
        BargeIn(stage=1, index=1, time=4.0, overlap=1.0, agent_stage=1, agent_index=0),
        BargeIn(stage=1, index=3, time=8.0, overlap=1.0, agent_stage=1, agent_index=2),
    )
    assert [t.latency for t in metrics.turns] == [1.0]


def test_a_user_starting_exactly_when_the_agent_ends_or_starts_is_no_barge_in() -> None:
    metrics = metrics_of(
        [
            msg("agent", 0.0, 2.0, index=0),
            msg("user", 2.0, 3.0, index=1),  # starts as the agent stops
            msg("agent", 5.0, 8.0, index=2),
            msg("user", 5.0, 6.0, index=3),  # starts together with the agent
        ]
    )
    assert metrics.barge_ins == ()
    # Equal starts keep message order: the agent comes first, so it answers user #1 and
    # user #3 is still awaiting a reply when the call ends.
    assert [(t.index, t.latency) for t in metrics.turns] == [(2, 2.0)]


def test_equal_timestamps_in_user_then_agent_order_make_a_talk_over() -> None:
    metrics = metrics_of([msg("user", 5.0, 6.0, index=0), msg("agent", 5.0, 8.0, index=1)])
    assert [t.latency for t in metrics.talk_overs] == [-1.0]
    assert metrics.barge_ins == ()


def test_a_barge_in_by_an_open_ended_user_overlaps_until_the_agent_ends() -> None:
    metrics = metrics_of([msg("agent", 0.0, 5.0), msg("user", 3.0, None)])
    assert [(b.time, b.overlap) for b in metrics.barge_ins] == [(3.0, 2.0)]


def test_an_open_ended_agent_message_cannot_be_barged_into() -> None:
    metrics = metrics_of([msg("agent", 0.0, None), msg("user", 3.0, 4.0)])
    assert metrics.barge_ins == ()


def test_a_user_message_without_end_leaves_its_turn_unmeasured() -> None:
    metrics = metrics_of(
        [
            msg("user", 1.0, None, index=0),
            msg("agent", 3.0, 4.0, index=1),
            msg("user", 5.0, 6.0, index=2),
            msg("agent", 6.5, 7.0, index=3),
        ]
    )
    assert [t.index for t in metrics.turns] == [3]
    assert metrics.unmeasured_turns == 1
    assert metrics.latency.count == 1


def test_tools_between_the_user_and_the_reply_are_named_with_failures_and_missing_results() -> None:
    metrics = metrics_of(
        [
            msg("call", 0.0, 0.25, tool="early", inv="i0"),  # before any user: no turn's
            msg("result", 0.5, 0.75, inv="i0"),
            msg("user", 1.0, 2.0, index=2),
            msg("call", 2.25, 2.5, tool="lookup", inv="i1"),
            msg("result", 3.0, 3.25, inv="i1", error="HTTP 500"),
            msg("call", 3.5, 3.75, tool="book", inv="i2"),  # never answered
            msg("call", 3.75, 4.0, tool="noId"),
            msg("agent", 5.0, 6.0, index=7),
        ]
    )
    (turn,) = metrics.turns
    assert turn.tools == (
        ToolRef("lookup", failed=True, no_result=False),
        ToolRef("book", failed=False, no_result=True),
        ToolRef("noId", failed=False, no_result=True),
    )
    assert turn.latency == 3.0


def test_two_stages_on_one_time_line_make_a_turn_across_the_stage_boundary() -> None:
    metrics = metrics_of(
        [msg("agent", 0.0, 1.0, index=0), msg("user", 2.0, 3.0, index=1)],
        [
            msg("agent", index=0),  # carried over
            msg("user", index=1),
            msg("agent", 4.5, 6.0, index=2),
        ],
    )
    (turn,) = metrics.turns
    assert (turn.stage, turn.index, turn.user_stage, turn.user_index) == (2, 2, 1, 1)
    assert turn.latency == 1.5
    assert metrics.untimed_messages == 2


def test_an_only_agent_call_has_a_first_word_but_no_turns() -> None:
    metrics = metrics_of([msg("agent", 1.5, 3.0), msg("agent", 4.0, 5.0)])
    assert metrics.time_to_first_word == 1.5
    assert metrics.latency == LatencySummary(count=0, p50=None, p90=None, max=None, slow=0)
    assert metrics.slowest_turn is None


def test_an_empty_call_has_no_numbers_at_all() -> None:
    metrics = metrics_of([])
    assert (metrics.timed_messages, metrics.untimed_messages, metrics.clock) == (0, 0, "none")
    assert metrics.time_to_first_word is None
    assert metrics.latency.count == 0
    assert metrics.talk_share is None
    assert (metrics.barge_ins, metrics.dead_air, metrics.tool_latency) == ((), (), ())


def test_mixed_clocks_are_compared_on_the_clock_each_message_has() -> None:
    metrics = metrics_of(
        [
            msg("user", 1.0, 2.0, wall=(1.25, 2.25)),
            msg("agent", 3.0, 4.0),  # input-audio only
        ]
    )
    assert metrics.clock == "mixed (1 wall clock, 1 input-audio)"
    assert [t.latency for t in metrics.turns] == [0.75]


def test_a_turn_exactly_at_the_slow_threshold_is_not_slow() -> None:
    metrics = metrics_of(
        [msg("user", 0.0, 1.0), msg("agent", 3.0, 4.0), msg("user", 5.0, 6.0), msg("agent", 8.5, 9)]
    )
    assert [t.latency for t in metrics.turns] == [2.0, 2.5]
    assert metrics.latency.slow == 1
