"""get_call_metrics and the timing kinds of the audits, end to end on the planted calls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.audit.conftest import audit_client, message_requests
from tests.mcp.conftest import call_error, call_text, connect
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


async def test_a_slow_turn_after_a_tool_is_found_where_it_was_planted(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    slow = data.notable.slow_after_tool
    async with connect(sandbox_app) as client:
        text = await call_text(client, "get_call_metrics", call_id=slow.call_id)
    assert f"Voice timing of call {slow.call_id}" in text
    assert "clock: wall clock" in text
    line = next(line for line in text.splitlines() if f"message #{slow.message_index} " in line)
    assert f"{slow.seconds:.1f} s" in line
    assert f"after tool {data.notable.slow_tool_name}" in line
    # The stage id the line points to is printed, for get_stage_messages(message_index=…).
    assert f"1 = {slow.stage_id}" in text


@pytest.mark.parametrize(
    ("case", "heading", "shown"),
    [
        ("barge_in", "Barge-ins (user started while the agent spoke): 1", "over agent message"),
        ("talk_over", "Talk-overs (agent started before the user finished): 1", "before user"),
        ("dead_air", "longest 12.0 s", "after stage 1 message #"),
    ],
)
async def test_each_planted_interruption_and_silence_is_reported_with_where(
    sandbox_app: Starlette, data: SandboxData, case: str, heading: str, shown: str
) -> None:
    planted = getattr(data.notable, case)
    async with connect(sandbox_app) as client:
        text = await call_text(client, "get_call_metrics", call_id=planted.call_id)
    assert heading in text
    where = next(line for line in text.splitlines() if shown in line)
    if case == "dead_air":
        assert f"{planted.seconds:.1f} s" in where
    else:
        assert f"message #{planted.message_index} " in where
        assert f"{abs(planted.seconds):.1f} s" in where


async def test_thresholds_come_from_the_call_then_the_server(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    slow = data.notable.slow_after_tool
    async with connect(sandbox_app, slow_response_seconds=10.0) as client:
        server_default = await call_text(client, "get_call_metrics", call_id=slow.call_id)
        per_call = await call_text(
            client, "get_call_metrics", call_id=slow.call_id, slow_response_seconds=1.0
        )
    assert "0 over 10.0 s" in server_default
    assert "Slow turns" not in server_default
    assert "over 1.0 s" in per_call
    assert "Slow turns, slowest first:" in per_call


async def test_a_live_call_says_its_numbers_may_change(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    async with connect(sandbox_app) as client:
        text = await call_text(client, "get_call_metrics", call_id=data.notable.live_call_id)
    assert "LIVE" in text
    assert "may change" in text


async def test_every_stage_of_a_multi_stage_call_joins_one_time_line(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id = data.notable.multi_stage_call_id
    record = next(r for r in data.calls if r.call_id == call_id)
    async with connect(sandbox_app) as client:
        text = await call_text(client, "get_call_metrics", call_id=call_id)
    assert f"· {len(record.stages)} stages ·" in text
    for number, stage in enumerate(record.stages, start=1):
        assert f"{number} = {stage.stage_id}" in text


async def test_bad_thresholds_and_ids_are_refused_in_our_words(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    async with connect(sandbox_app) as client:
        bad = await call_error(
            client,
            "get_call_metrics",
            call_id=data.notable.slow_after_tool.call_id,
            dead_air_seconds=0,
        )
        unknown = await call_error(
            client, "get_call_metrics", call_id="00000000-0000-4000-8000-000000000000"
        )
    assert "dead_air_seconds" in bad
    assert "list_calls shows recent call ids" in unknown


async def test_find_problem_calls_lists_the_planted_timing_problems(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    notable = data.notable
    async with connect(sandbox_app) as client:
        text = await call_text(client, "find_problem_calls", examples=50)
    lines = {line.split(":", 1)[0]: line for line in text.splitlines() if line.startswith("- ")}
    assert notable.slow_after_tool.call_id in lines["- slow responses > 2 s"]
    interrupted = lines["- barge-ins / talk-over"]
    assert notable.barge_in.call_id in interrupted
    assert notable.talk_over.call_id in interrupted
    assert notable.dead_air.call_id in lines["- dead air >= 4 s"]
    assert "longest 12.0 s" in lines["- dead air >= 4 s"]


async def test_summarize_calls_reports_latency_and_interruption_rates_per_group(
    sandbox_app: Starlette,
) -> None:
    async with connect(sandbox_app) as client:
        text = await call_text(client, "summarize_calls", group_by="agent")
    rows = [line for line in text.splitlines() if "tool calls" in line and "columns" not in line]
    assert len(rows) >= 2  # all calls, then each agent
    timing = re.compile(r" · latency \d+\.\d/\d+\.\d s · [\d.]+ barge-ins, [\d.]+ dead air")
    for row in rows:
        assert timing.search(row), row


async def test_metrics_of_a_call_an_audit_read_cost_no_message_request(
    sandbox_app: Starlette, data: SandboxData, tmp_path: Path
) -> None:
    # The audit caches ended calls (settled two minutes after their end); the metrics tool
    # then reads the call's messages and stages from that cache.
    planted = data.notable.dead_air
    async with audit_client(sandbox_app, tmp_path / "cache") as client:
        await call_text(client, "find_problem_calls")
        before = message_requests(sandbox_app)
        stages_before = sandbox_app.state.requests.count_path("/stages")
        text = await call_text(client, "get_call_metrics", call_id=planted.call_id)
    assert "longest 12.0 s" in text
    assert message_requests(sandbox_app) == before
    assert sandbox_app.state.requests.count_path("/stages") == stages_before
