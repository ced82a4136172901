"""The metrics text an assistant reads, checked whole where it matters."""

from __future__ import annotations

from tests.metrics.build import metrics_of, msg, scenario
from ultravox_calls_mcp.metrics import Thresholds
from ultravox_calls_mcp.render.metrics import clock_time, metrics_lines, metrics_summary_line


def test_the_scenario_renders_exactly_with_capped_lists_and_a_live_warning() -> None:
    lines = metrics_lines(scenario(), call_id="c-1", live=True, stage_count=2, max_examples=2)
    assert lines == [
        "Voice timing of call c-1 · 2 stages · clock: input-audio clock",
        "The call is LIVE: these numbers cover it so far and may change.",
        "Messages: 16 timed, 2 untimed left out (initial or carried-over)",
        "Stages (call_stage_id for get_stage_messages(message_index=…)): "
        "1 = stage-1 0:00.5–0:28.0; 2 = stage-2 0:29.0–0:45.0",
        "Span: 0:00.5–0:45.0 (44.5 s)",
        "Time to first word: 0.5 s",
        "Response latency (agent start − end of the user's last message; nearest rank): "
        "p50 3.0 s · p90 12.0 s · max 12.0 s over 5 turns; 3 over 2.0 s",
        "Slow turns, slowest first:",
        "  stage 2 message #4 at 0:44.0: 12.0 s",
        "  stage 1 message #12 at 0:26.0: 7.0 s (after tool bookSlot)",
        "  … 1 more slow turn; raise max_examples",
        "Barge-ins (user started while the agent spoke): 1",
        "  stage 1 message #5 at 0:09.5: 0.5 s over agent message #4",
        "Talk-overs (agent started before the user finished): 1",
        "  stage 1 message #8 at 0:15.5: 0.5 s before user message #7 ended",
        "Dead air (≥ 4.0 s with nobody speaking, tool waits apart): 1, longest 12.0 s",
        "  12.0 s from 0:32.0, after stage 2 message #3",
        "Silent tool waits (≥ 4.0 s): 1, longest 6.2 s",
        "  6.2 s from 0:19.5 waiting on bookSlot, after stage 1 message #10",
        "Talk share of 44.5 s: agent 10.5 s (23.6%) · user 7.5 s (16.9%) · silence 27.5 s (61.8%)",
        "Tool latency (result start − call end):",
        "  bookSlot: 1 call; p50 5.8 s, max 5.8 s",
        "  lookupPatient: 1 call, 1 failed; p50 2.0 s, max 2.0 s",
    ]


def test_with_room_every_slow_turn_is_listed_with_its_failed_tool() -> None:
    lines = metrics_lines(scenario(), call_id="c-1", live=False, stage_count=2, max_examples=5)
    assert "The call is LIVE: these numbers cover it so far and may change." not in lines
    assert "  stage 1 message #4 at 0:08.0: 3.0 s (after tool lookupPatient, failed)" in lines
    assert not any("more slow turn" in line for line in lines)


def test_a_call_without_timed_messages_says_so_and_stops() -> None:
    metrics = metrics_of([msg("agent"), msg("user")])
    assert metrics_lines(metrics, call_id="c-2", live=False, stage_count=1) == [
        "Voice timing of call c-2 · 1 stage · clock: none",
        "No timed messages (2 untimed messages): nothing to measure yet.",
    ]
    assert metrics_summary_line(metrics) == "no timed messages"


def test_an_only_agent_call_reports_no_turns_and_no_findings() -> None:
    metrics = metrics_of([msg("agent", 1.0, 2.0), msg("agent", 2.5, 3.0)])
    lines = metrics_lines(metrics, call_id="c-3", live=False, stage_count=1)
    assert lines[3:] == [
        "Span: 0:01.0–0:03.0 (2.0 s)",
        "Time to first word: 1.0 s",
        "Response latency: no measured turns",
        "Barge-ins (user started while the agent spoke): none",
        "Talk-overs (agent started before the user finished): none",
        "Dead air (≥ 4.0 s with nobody speaking, tool waits apart): none",
        "Silent tool waits (≥ 4.0 s): none",
        "Talk share of 2.0 s: agent 1.5 s (75.0%) · user 0.0 s (0.0%) · silence 0.5 s (25.0%)",
        "Tool latency: no tool calls",
    ]
    assert metrics_summary_line(metrics) == (
        "no measured turns · 0 barge-ins · 0 talk-overs · dead air 0"
    )


def test_without_slow_turns_the_slowest_one_is_shown_against_the_threshold() -> None:
    metrics = metrics_of(
        [msg("user", 0.0, 1.0), msg("agent", 1.5, 2.0), msg("user", 3.0, 4.0), msg("agent", 6, 7)],
        thresholds=Thresholds(slow_response_seconds=3.0),
    )
    lines = metrics_lines(metrics, call_id="c", live=False, stage_count=1)
    assert "Slowest turn (none over 3.0 s): stage 1 message #3 at 0:06.0: 2.0 s" in lines


def test_open_ends_unmeasured_turns_and_tools_without_results_are_counted_in_words() -> None:
    metrics = metrics_of(
        [
            msg("user", 0.0, None, index=0),
            msg("call", 0.5, 0.75, tool="lookup", inv="a", index=1),
            msg("agent", 1.0, 2.0, index=2),
        ]
    )
    lines = metrics_lines(metrics, call_id="c", live=False, stage_count=1)
    assert "Messages: 3 timed, 1 without an end (counted as points in time)" in lines
    assert "Response latency: no measured turns; 1 not measured (user message without an end)" in (
        lines
    )
    assert "  lookup: 1 call, 1 without a result" in lines


def test_every_capped_list_says_how_many_more_there_are() -> None:
    messages = []
    for n in range(4):  # each round: a barge-in, a talk-over, dead air, a tool with a result
        t = n * 40.0
        messages += [
            msg("agent", t, t + 4.0),
            msg("user", t + 3.0, t + 6.0),  # barges in
            msg("agent", t + 5.0, t + 7.0),  # talks over
            msg("call", t + 8.0, t + 8.5, tool=f"tool{n}", inv=f"i{n}"),
            msg("result", t + 9.0, t + 9.5, inv=f"i{n}"),
        ]  # then silence until the next round: 30.5 s of dead air
    lines = metrics_lines(
        metrics_of(messages), call_id="c", live=False, stage_count=1, max_examples=1
    )
    for more in (
        "  … 3 more barge-ins; raise max_examples",
        "  … 3 more talk-overs; raise max_examples",
        "  … 2 more dead-air stretches; raise max_examples",
        "  … 3 more tools; raise max_examples",
    ):
        assert more in lines


def test_a_partner_message_in_another_stage_is_named_with_its_stage() -> None:
    metrics = metrics_of([msg("user", 0.0, 3.0, index=5)], [msg("agent", 2.0, 4.0, index=1)])
    lines = metrics_lines(metrics, call_id="c", live=False, stage_count=2)
    assert "  stage 2 message #1 at 0:02.0: 1.0 s before user message #5 of stage 1 ended" in lines


def test_more_than_ten_stages_are_listed_with_a_count_of_the_rest() -> None:
    stages = [[msg("agent", float(n), n + 0.5)] for n in range(12)]
    lines = metrics_lines(metrics_of(*stages), call_id="c", live=False, stage_count=12)
    stage_line = next(line for line in lines if line.startswith("Stages"))
    assert stage_line.endswith(
        "; 10 = stage-10 0:09.0–0:09.5; … 2 more stages (list_call_stages lists them all)"
    )


def test_upstream_names_are_redacted_and_folded_to_one_line() -> None:
    metrics = metrics_of(
        [msg("call", 0.0, 0.5, tool="sk_live_4eC39HqLyjWDarjtT1zdp7dc\nIGNORE", inv="a")]
    )
    text = "\n".join(metrics_lines(metrics, call_id="c\nd", live=False, stage_count=1))
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dc" not in text
    assert "\nIGNORE" not in text
    assert "\nd" not in text


def test_clock_time_reads_minutes_seconds_and_tenths() -> None:
    assert [clock_time(x) for x in (0.0, 9.96, 83.44, 3723.46, -1.5)] == [
        "0:00.0",
        "0:10.0",
        "1:23.4",
        "1:02:03.5",
        "-0:01.5",
    ]


def test_the_summary_line_is_short_even_with_large_numbers() -> None:
    line = metrics_summary_line(scenario())
    assert line == (
        "latency p50 3.0 s · p90 12.0 s (5 turns, 3 slow) · 1 barge-in · 1 talk-over · "
        "dead air 1 (longest 12.0 s)"
    )
    many = [
        m
        for n in range(2_000)
        for m in (
            msg("user", n * 5000.0, n * 5000.0 + 1),
            msg("agent", n * 5000.0 + 3600, n * 5000 + 4000),
        )
    ]
    assert len(metrics_summary_line(metrics_of(many))) <= 200
