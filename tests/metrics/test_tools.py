"""Tool calls paired by invocation id, and per-tool latency."""

from __future__ import annotations

from tests.metrics.build import metrics_of, msg
from ultravox_calls_mcp.metrics import ToolLatency


def test_tool_latency_is_result_start_minus_call_end_per_tool_name() -> None:
    metrics = metrics_of(
        [
            msg("call", 1.0, 1.25, tool="lookup", inv="a", index=0),
            msg("result", 2.25, 2.5, inv="a", index=1),  # 1.0 s
            msg("call", 3.0, 3.25, tool="lookup", inv="b", index=2),
            msg("result", 6.25, 6.5, inv="b", index=3, error="timeout"),  # 3.0 s, failed
            msg("call", 7.0, 7.25, tool="lookup", inv="c", index=4),
            msg("result", 7.75, 8.0, inv="c", index=5),  # 0.5 s
            msg("call", 9.0, 9.25, tool="book", inv="d", index=6),  # no result
        ]
    )
    assert metrics.tool_latency == (
        ToolLatency("book", count=1, failures=0, no_result=1, untimed=0, p50=None, max=None),
        ToolLatency("lookup", count=3, failures=1, no_result=0, untimed=0, p50=1.0, max=3.0),
    )
    uses = {u.invocation_id: u for u in metrics.tool_uses}
    assert (uses["b"].failed, uses["b"].wait) == (True, (3.0, 6.5))
    assert (uses["d"].result, uses["d"].latency, uses["d"].wait) == (None, None, None)
    assert [u.invocation_id for u in metrics.tool_uses] == ["a", "b", "c", "d"]


def test_carried_over_tool_messages_are_not_counted_twice() -> None:
    metrics = metrics_of(
        [
            msg("call", 1.0, 1.25, tool="lookup", inv="a", index=0),
            msg("result", 2.0, 2.25, inv="a", index=1),
        ],
        [
            msg("call", tool="lookup", inv="a", index=0),  # stage 2 repeats them, untimed
            msg("result", inv="a", index=1),
        ],
    )
    (use,) = metrics.tool_uses
    assert (use.call.stage, use.latency) == (1, 0.75)
    assert metrics.tool_latency[0].count == 1


def test_an_untimed_pair_counts_as_a_call_with_an_unmeasured_latency() -> None:
    metrics = metrics_of([msg("call", tool="lookup", inv="a"), msg("result", inv="a")])
    assert metrics.tool_latency == (
        ToolLatency("lookup", count=1, failures=0, no_result=0, untimed=1, p50=None, max=None),
    )


def test_a_call_without_end_is_not_timed_but_still_covers_a_wait() -> None:
    metrics = metrics_of(
        [msg("call", 1.0, None, tool="lookup", inv="a"), msg("result", 6.0, 6.5, inv="a")]
    )
    (use,) = metrics.tool_uses
    assert (use.latency, use.wait) == (None, (1.0, 6.5))
    assert metrics.tool_latency[0].untimed == 1
    assert [(w.start, w.end, w.tool) for w in metrics.tool_waits] == [(1.0, 6.5, "lookup")]


def test_the_tool_name_comes_from_the_result_when_the_call_lacks_it() -> None:
    metrics = metrics_of(
        [msg("call", 1.0, 1.5, inv="a"), msg("result", 2.0, 2.5, tool="x", inv="a")]
    )
    assert [row.name for row in metrics.tool_latency] == ["x"]


def test_a_result_without_its_call_is_left_out_and_a_nameless_call_shows_as_question_mark() -> None:
    metrics = metrics_of([msg("result", 1.0, 1.5, inv="z"), msg("call", 2.0, 2.5)])
    assert metrics.tool_latency == (
        ToolLatency("?", count=1, failures=0, no_result=1, untimed=0, p50=None, max=None),
    )
