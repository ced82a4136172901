from __future__ import annotations

from tests.metrics.build import msg
from ultravox_calls_mcp.metrics import StageSpan, timeline_from_stages


def test_wall_clock_is_used_when_it_has_start_and_end() -> None:
    timeline = timeline_from_stages(
        [("s1", [msg("agent", 1.0, 2.0, wall=(1.25, 2.5)), msg("user", 3.0, 4.0)])]
    )
    first, second = timeline.timed
    assert (first.start, first.end, first.clock) == (1.25, 2.5, "wall")
    assert (second.start, second.end, second.clock) == (3.0, 4.0, "audio")
    assert timeline.clock == "mixed (1 wall clock, 1 input-audio)"


def test_a_wall_clock_without_end_gives_way_to_a_complete_input_audio_span() -> None:
    timeline = timeline_from_stages([("s1", [msg("agent", 1.0, 2.0, wall=(1.5, None))])])
    (only,) = timeline.timed
    assert (only.start, only.end, only.clock) == (1.0, 2.0, "audio")
    assert timeline.clock == "input-audio clock"


def test_clock_names_for_a_single_clock_and_for_nothing_timed() -> None:
    wall = timeline_from_stages([("s1", [msg("agent", wall=(0.5, 1.0))])])
    nothing = timeline_from_stages([("s1", [msg("agent"), msg("user")])])
    assert wall.clock == "wall clock"
    assert nothing.clock == "none"
    assert nothing.span is None
    assert len(nothing.untimed) == 2


def test_a_start_without_end_is_kept_as_an_open_end() -> None:
    timeline = timeline_from_stages(
        [("s1", [msg("user", 2.0, None), msg("agent", None, None, wall=(3.0, None))])]
    )
    user, agent = timeline.timed
    assert (user.start, user.end, user.until, user.clock) == (2.0, None, 2.0, "audio")
    assert (agent.start, agent.end, agent.clock) == (3.0, None, "wall")
    assert timeline.open_ends == 2


def test_an_end_without_start_is_untimed() -> None:
    timeline = timeline_from_stages([("s1", [msg("agent", None, 2.0)])])
    assert timeline.timed == ()
    assert len(timeline.untimed) == 1


def test_an_end_before_its_start_is_read_as_ending_at_the_start() -> None:
    (only,) = timeline_from_stages([("s1", [msg("agent", 5.0, 4.0)])]).timed
    assert (only.start, only.end) == (5.0, 5.0)


def test_carried_over_messages_of_stage_two_are_untimed_and_two_stages_share_one_line() -> None:
    stage_1 = [msg("agent", 0.5, 2.0, index=0), msg("user", 3.0, 4.0, index=1)]
    stage_2 = [
        msg("agent", index=0),  # carried over from stage 1, without timing
        msg("user", index=1),
        msg("agent", 5.0, 7.0, index=2),
    ]
    timeline = timeline_from_stages([("s1", stage_1), ("s2", stage_2)])
    assert [(m.stage, m.index, m.start) for m in timeline.timed] == [
        (1, 0, 0.5),
        (1, 1, 3.0),
        (2, 2, 5.0),
    ]
    assert [(m.stage, m.index) for m in timeline.untimed] == [(2, 0), (2, 1)]
    assert timeline.stages == (StageSpan(1, "s1", 0.5, 4.0), StageSpan(2, "s2", 5.0, 7.0))
    assert timeline.span == (0.5, 7.0)


def test_messages_are_ordered_by_start_across_stages_and_ties_keep_stage_then_message_order() -> (
    None
):
    stage_1 = [msg("user", 4.0, 5.0, index=0), msg("agent", 4.0, 6.0, index=1)]
    stage_2 = [msg("agent", 1.0, 2.0, index=0), msg("user", 4.0, 4.5, index=1)]
    timeline = timeline_from_stages([("s1", stage_1), ("s2", stage_2)])
    assert [(m.stage, m.index) for m in timeline.timed] == [(2, 0), (1, 0), (1, 1), (2, 1)]


def test_a_missing_message_index_falls_back_to_the_position_in_the_stage() -> None:
    timeline = timeline_from_stages(
        [("s1", [msg("agent", 0.0, 1.0, index=7), msg("user", 2.0, 3.0)])]
    )
    assert [m.index for m in timeline.timed] == [7, 1]


def test_roles_are_read_in_wire_short_and_lower_case_forms() -> None:
    timeline = timeline_from_stages(
        [
            (
                "s1",
                [
                    msg("MESSAGE_ROLE_USER", 0.0, 1.0),
                    msg("Agent", 1.0, 2.0),
                    msg("TOOL_CALL", 2.0, 2.5),
                    msg("message_role_tool_result", 3.0, 3.5),
                    msg("MESSAGE_ROLE_UNSPECIFIED", 4.0, 4.5),
                ],
            )
        ]
    )
    assert [m.role for m in timeline.timed] == ["user", "agent", "toolCall", "toolResult", "other"]
