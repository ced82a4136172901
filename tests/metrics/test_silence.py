"""Dead air, silent tool waits and talk share on hand-built time lines."""

from __future__ import annotations

import pytest

from tests.metrics.build import metrics_of, msg
from ultravox_calls_mcp.metrics import Silence, TalkShare, Thresholds


def test_a_long_silence_is_dead_air_located_after_the_last_message_before_it() -> None:
    metrics = metrics_of(
        [
            msg("agent", 0.0, 2.0, index=0),
            msg("user", 3.0, 5.0, index=1),  # 1 s gap before: too short
            msg("agent", 17.0, 20.0, index=2),  # 12 s of nobody speaking
        ]
    )
    assert metrics.dead_air == (Silence(stage=1, after_index=1, start=5.0, end=17.0),)
    assert metrics.longest_dead_air == metrics.dead_air[0]
    assert metrics.tool_waits == ()


def test_dead_air_counts_from_exactly_the_threshold() -> None:
    metrics = metrics_of(
        [msg("agent", 0.0, 1.0), msg("user", 5.0, 6.0), msg("agent", 9.75, 10.0)],
    )
    assert [(s.start, s.seconds) for s in metrics.dead_air] == [(1.0, 4.0)]


def test_a_silence_during_a_pending_tool_call_is_a_tool_wait_not_dead_air() -> None:
    metrics = metrics_of(
        [
            msg("user", 0.0, 2.0, index=0),
            msg("call", 2.5, 3.0, tool="lookup", inv="i1", index=1),
            msg("result", 9.0, 9.5, inv="i1", index=2),
            msg("agent", 10.0, 12.0, index=3),
        ]
    )
    # Silence 2.0–10.0: the tool is pending 2.5–9.5; 2.0–2.5 and 9.5–10.0 are short.
    assert metrics.tool_waits == (
        Silence(stage=1, after_index=1, start=2.5, end=9.5, tool="lookup"),
    )
    assert metrics.dead_air == ()


def test_the_silence_left_after_a_tool_answered_is_dead_air_again() -> None:
    metrics = metrics_of(
        [
            msg("user", 0.0, 1.0, index=0),
            msg("call", 1.5, 2.0, tool="lookup", inv="i1", index=1),
            msg("result", 2.5, 3.0, inv="i1", index=2),
            msg("agent", 9.0, 10.0, index=3),  # 6 s of silence after the result
        ]
    )
    # Silence 1.0–9.0 after the user; the tool was pending 1.5–3.0: 6.5 s of dead air.
    assert metrics.dead_air == (Silence(stage=1, after_index=0, start=1.0, end=9.0, waited=1.5),)
    assert metrics.dead_air[0].seconds == 6.5
    assert metrics.tool_waits == ()  # 1.5 s of waiting: under the threshold


def test_a_short_tool_call_inside_a_long_silence_does_not_hide_it() -> None:
    metrics = metrics_of(
        [
            msg("user", 0.0, 1.0, index=0),
            msg("call", 4.5, 4.6, tool="lookup", inv="i1", index=1),
            msg("result", 5.0, 5.1, inv="i1", index=2),
            msg("agent", 9.0, 10.0, index=3),
        ]
    )
    # 3.5 s before the tool and 3.9 s after: each short, 7.4 s together outside the wait.
    (dead,) = metrics.dead_air
    assert (dead.after_index, dead.start, dead.end) == (0, 1.0, 9.0)
    assert dead.seconds == pytest.approx(7.4)
    assert dead.waited == pytest.approx(0.6)


def test_a_tool_call_without_result_covers_no_silence() -> None:
    metrics = metrics_of(
        [
            msg("user", 0.0, 1.0, index=0),
            msg("call", 1.5, 2.0, tool="lookup", inv="i1", index=1),
            msg("agent", 8.0, 9.0, index=2),
        ]
    )
    # The silence starts when the user stops, so it is placed after the user's message.
    assert [(s.after_index, s.start, s.end) for s in metrics.dead_air] == [(0, 1.0, 8.0)]


def test_an_open_ended_message_breaks_a_silence_into_two() -> None:
    metrics = metrics_of(
        [msg("agent", 0.0, 1.0), msg("user", 6.0, None), msg("agent", 9.5, 11.0)],
    )
    # Unbroken, 1.0–9.5 would be one 8.5 s stretch; 6.0–9.5 alone is under the threshold.
    assert [(s.start, s.end) for s in metrics.dead_air] == [(1.0, 6.0)]


def test_the_dead_air_threshold_is_a_parameter() -> None:
    messages = [msg("agent", 0.0, 1.0), msg("user", 3.0, 4.0)]
    assert metrics_of(messages).dead_air == ()
    relaxed = metrics_of(messages, thresholds=Thresholds(dead_air_seconds=1.5))
    assert [(s.start, s.end) for s in relaxed.dead_air] == [(1.0, 3.0)]


def test_talk_share_counts_overlap_once_per_speaker_and_silence_as_the_rest() -> None:
    metrics = metrics_of(
        [
            msg("agent", 0.0, 4.0),
            msg("agent", 3.0, 5.0),  # overlaps the agent's own message: 5 s in all
            msg("user", 4.0, 6.0),  # overlaps the agent by 1 s
            msg("user", 8.0, 10.0),
        ]
    )
    assert metrics.talk_share == TalkShare(
        span_seconds=10.0, agent_seconds=5.0, user_seconds=4.0, silence_seconds=2.0
    )
    share = metrics.talk_share
    assert share is not None
    assert (share.percent(5.0), share.percent(2.0)) == (50.0, 20.0)


def test_talk_share_span_runs_from_the_first_start_to_the_last_end_of_any_message() -> None:
    metrics = metrics_of(
        [msg("agent", 2.0, 3.0), msg("call", 3.0, 3.5, tool="t", inv="i"), msg("result", 4, 6)],
    )
    share = metrics.talk_share
    assert share is not None
    assert (share.span_seconds, share.agent_seconds, share.silence_seconds) == (4.0, 1.0, 3.0)
    assert metrics.span == (2.0, 6.0)


def test_a_single_instant_has_a_zero_span_and_no_percentages() -> None:
    share = metrics_of([msg("agent", 3.0, None)]).talk_share
    assert share == TalkShare(0.0, 0.0, 0.0, 0.0)
    assert share.percent(0.0) is None


@pytest.mark.parametrize("gap_start", [5.0, 5.5])
def test_dead_air_in_a_later_stage_names_that_stage(gap_start: float) -> None:
    metrics = metrics_of(
        [msg("agent", 0.0, 1.0, index=0), msg("user", 1.5, 2.0, index=1)],
        [msg("user", index=0), msg("agent", 2.5, gap_start, index=3)],
        [msg("agent", 11.0, 12.0, index=9)],
    )
    assert [(s.stage, s.after_index, s.start, s.end) for s in metrics.dead_air] == [
        (2, 3, gap_start, 11.0)
    ]
