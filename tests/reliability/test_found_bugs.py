"""Regressions for product bugs the reliability matrix and property tests found."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.mcp.conftest import connect, text_of
from tests.reliability.conftest import model_facing_error
from tests.reliability.test_bad_input_matrix import BASE

pytestmark = pytest.mark.anyio

AUDITS = ["search_transcripts", "find_problem_calls", "summarize_calls"]


@pytest.mark.parametrize(
    ("seconds", "sent"), [(2.0001, "2s"), (1e-241, "0s"), (2.5, "2.5s"), (90.0, "90s")]
)
async def test_a_duration_filter_is_sent_in_a_form_the_api_accepts(
    sandbox_app: Starlette, seconds: float, sent: str
) -> None:
    async with connect(sandbox_app) as client:
        result = await client.call_tool("list_calls", {"min_duration_seconds": seconds})
    assert not result.is_error, text_of(result)
    [request] = sandbox_app.state.requests
    assert request.param("durationMin") == sent


@pytest.mark.parametrize("tool", AUDITS)
async def test_an_audit_whose_list_request_is_rejected_gives_our_message_not_a_crash(
    sandbox_app: Starlette, tool: str
) -> None:
    sandbox_app.state.faults.fail_next(1, 400, path="/api/calls")
    async with connect(sandbox_app, cache_enabled=False) as client:
        result = await client.call_tool(tool, {**BASE[tool], "max_calls": 3})
    assert "rejected the parameters" in model_facing_error(result)


@pytest.mark.parametrize("tool", sorted(BASE))
async def test_null_for_an_optional_count_means_the_default(
    sandbox_app: Starlette, data_ids: dict[str, object], tool: str
) -> None:
    arguments = {**BASE[tool], **{k: v for k, v in data_ids.items() if k in BASE[tool]}}
    arguments["max_chars"] = None
    if tool in AUDITS:
        arguments["max_calls"] = 3
    async with connect(sandbox_app, cache_enabled=False) as client:
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)


@pytest.fixture
def data_ids(sandbox_app: Starlette) -> dict[str, object]:
    notable = sandbox_app.state.data.notable
    record = sandbox_app.state.data.call(notable.multi_stage_call_id)
    return {
        "call_id": notable.multi_stage_call_id,
        "call_stage_id": record.stages[0].stage_id,
        "agent_id": notable.agent_ids[0],
    }
