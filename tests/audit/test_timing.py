"""A loaded call's messages are split by stage in call order before timing is computed."""

from __future__ import annotations

from ultravox_calls_mcp.api.models import Call, CallStage, InCallTimespan, Message
from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.timing import call_metrics, stage_messages
from ultravox_calls_mcp.metrics import Thresholds

CALL = Call(call_id="00000000-0000-4000-8000-000000000001")


def _message(stage: str | None, role: str, start: float, end: float) -> Message:
    span = InCallTimespan(start=f"{start:.3f}s", end=f"{end:.3f}s")
    return Message(role=role, text="x", call_stage_id=stage, timespan=span)


def test_without_a_stage_list_stages_come_in_the_order_messages_name_them() -> None:
    messages = [
        _message("s2", "MESSAGE_ROLE_AGENT", 0.0, 1.0),
        _message("s1", "MESSAGE_ROLE_USER", 1.5, 2.0),
        _message(None, "MESSAGE_ROLE_AGENT", 2.5, 3.0),
    ]
    split = stage_messages(CallData(call=CALL, messages=messages))
    # A message naming no stage is in a stage of its own (""), not in another stage.
    assert [(sid, len(group)) for sid, group in split] == [("s2", 1), ("s1", 1), ("", 1)]


def test_a_stage_list_decides_the_order_and_an_unknown_stage_follows_it() -> None:
    stages = [CallStage(call_stage_id="s1"), CallStage(call_stage_id="s2")]
    messages = [_message("s2", "MESSAGE_ROLE_AGENT", 0.0, 1.0), _message("sX", "x", 1.0, 2.0)]
    split = stage_messages(CallData(call=CALL, messages=messages, stages=stages))
    assert [(sid, len(group)) for sid, group in split] == [("s1", 0), ("s2", 1), ("sX", 1)]


def test_call_metrics_measure_a_turn_across_the_stage_boundary() -> None:
    messages = [
        _message("s1", "MESSAGE_ROLE_USER", 0.0, 2.0),
        _message("s2", "MESSAGE_ROLE_AGENT", 3.5, 5.0),
    ]
    metrics = call_metrics(CallData(call=CALL, messages=messages), Thresholds())
    assert [(turn.stage, turn.latency) for turn in metrics.turns] == [(2, 1.5)]
    assert metrics.latency.slow == 0
