"""Voice-timing metrics of loaded calls, for the audit tools and get_call_metrics alike."""

from __future__ import annotations

from collections.abc import Sequence

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.metrics import CallMetrics, Thresholds, compute_metrics
from ultravox_calls_mcp.metrics import timeline_from_stages as _timeline


def stage_messages(data: CallData) -> list[tuple[str, Sequence[Message]]]:
    """The call's messages split by stage, stages in call order: the stage list's order
    when it was loaded, else the order stages first appear in (in-call messages come in
    call order). A message naming no known stage joins the last one."""
    order = [s.call_stage_id for s in data.stages or ()]
    by_stage: dict[str, list[Message]] = {sid: [] for sid in order}
    for message in data.messages or ():
        sid = message.call_stage_id
        if sid is None or (sid not in by_stage and data.stages):
            sid = order[-1] if order else "unknown"
        if sid not in by_stage:
            by_stage[sid] = []
            order.append(sid)
        by_stage[sid].append(message)
    return [(sid, by_stage[sid]) for sid in order]


def call_metrics(data: CallData, thresholds: Thresholds) -> CallMetrics:
    return compute_metrics(_timeline(stage_messages(data)), thresholds)
