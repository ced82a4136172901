"""The text ``show_call`` gives every client: the call's overview line and its voice timing,
short enough (``max_chars``) to sit beside the viewer, useful on its own where no viewer
is drawn."""

from __future__ import annotations

from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.metrics import CallMetrics
from ultravox_calls_mcp.render.budget import cut_note
from ultravox_calls_mcp.render.calls import call_row
from ultravox_calls_mcp.render.metrics import metrics_lines
from ultravox_calls_mcp.render.text import FROM_CALL, fence

__all__ = ["show_call_text"]

_VIEWER_LINE = (
    "The call viewer (an MCP App, drawn by hosts that render them) shows this call's "
    "timeline and plays its audio; its data goes to the viewer, not into this answer."
)


def show_call_text(
    call: Call, metrics: CallMetrics, *, call_id: str, stage_count: int, max_chars: int
) -> str:
    """Whole lines only, cut at ``max_chars`` with a note saying where the rest is."""
    # The row carries upstream words (summary, agent name): fenced, as list_calls fences it.
    head = fence(call_row(call, summary_chars=120), "call summary", FROM_CALL)
    body = metrics_lines(
        metrics, call_id=call_id, live=call.is_live, stage_count=stage_count, max_examples=3
    )
    lines = [head, *body]
    tail = _VIEWER_LINE
    total = len(lines)
    shown: list[str] = []
    size = len(tail) + 1
    for index, line in enumerate(lines):
        rest = total - index - 1
        # Room for this line, and for the cut note should a later one not fit.
        reserve = 0 if rest == 0 else 200
        if size + len(line) + 1 + reserve > max_chars:
            how = f'get_call_metrics(call_id="{call_id}") gives the whole timing report'
            shown.append(cut_note("the timing report", len(shown), total, how, unit="lines"))
            break
        shown.append(line)
        size += len(line) + 1
    return "\n".join([*shown, tail])
