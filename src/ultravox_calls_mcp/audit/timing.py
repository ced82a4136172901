"""Voice-timing metrics of loaded calls, for the audit tools and get_call_metrics alike."""

from __future__ import annotations

from collections.abc import Sequence

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.timing_facts import TimingFacts, timing_facts
from ultravox_calls_mcp.metrics import (
    CallMetrics,
    Thresholds,
    compute_metrics,
    split_by_stage,
    timeline_from_stages,
)


def stage_messages(data: CallData) -> list[tuple[str, Sequence[Message]]]:
    """The call's messages split by stage (``split_by_stage``); without a loaded stage
    list, stages come in the order messages name them (in-call messages come in call
    order)."""
    return list(split_by_stage(data.stages or (), data.messages or ()))


def call_metrics(data: CallData, thresholds: Thresholds) -> CallMetrics:
    return compute_metrics(timeline_from_stages(stage_messages(data)), thresholds)


def facts_of(data: CallData) -> TimingFacts:
    """The call's timing facts: as loaded (cached, or worked out by the loader when the
    scan asked for the ``timing`` part), else worked out now from its messages."""
    return data.timing or timing_facts(data.messages or ())
