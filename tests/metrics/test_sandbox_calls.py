"""Metrics of the sandbox's multi-stage call: carried-over history is counted, not re-timed.

Exact figures live in the hand-built tests; the sandbox's sample timing may change, so
this checks what must hold for any of its calls.
"""

from __future__ import annotations

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.metrics import compute_metrics, timeline_from_stages
from ultravox_calls_mcp.sandbox.data import generate_dataset


def test_a_multi_stage_sandbox_call_counts_carried_over_messages_and_each_tool_once() -> None:
    data = generate_dataset()
    record = data.call(data.notable.three_stage_call_id)
    assert record is not None
    stages = [(s.stage_id, [Message.model_validate(m) for m in s.messages]) for s in record.stages]
    metrics = compute_metrics(timeline_from_stages(stages))

    assert metrics.untimed_messages == sum(s.first_own for s in record.stages) > 0
    assert metrics.timed_messages == sum(len(s.messages) - s.first_own for s in record.stages)
    invocations = {
        m["invocationId"]
        for s in record.stages
        for m in s.messages
        if m["role"] == "MESSAGE_ROLE_TOOL_CALL"
    }
    assert len(metrics.tool_uses) == len(invocations) > 0
    assert [s.number for s in metrics.stages] == list(range(1, len(record.stages) + 1))
    assert metrics.turns
