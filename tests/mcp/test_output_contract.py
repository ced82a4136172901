"""The output contract on the sandbox's hardest calls: within budget, no secrets, speech fenced."""

from __future__ import annotations

import json
import re

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import connect, text_of
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


def _calls_for(data: SandboxData) -> list[tuple[str, dict[str, object]]]:
    n = data.notable
    hard = [
        n.extreme_prompt_call_id,
        n.stress_call_id,
        n.long_utterance_call_id,
        n.many_metadata_call_id,
        n.secrets_call_id,
        n.injection_call_id,
        n.live_call_id,
    ]
    cases: list[tuple[str, dict[str, object]]] = [("list_calls", {"page_size": 200})]
    for call_id in hard:
        record = next(r for r in data.calls if r.call_id == call_id)
        cases += [
            ("get_call", {"call_id": call_id}),
            ("list_call_stages", {"call_id": call_id}),
            ("get_call_transcript", {"call_id": call_id}),
            ("list_call_events", {"call_id": call_id, "minimum_severity": "debug"}),
            ("list_call_tools", {"call_id": call_id}),
        ]
        for stage in record.stages[:2]:
            cases += [
                ("get_call_stage", {"call_id": call_id, "call_stage_id": stage.stage_id}),
                (
                    "get_call_stage",
                    {"call_id": call_id, "call_stage_id": stage.stage_id, "field": "system_prompt"},
                ),
                ("get_stage_messages", {"call_id": call_id, "call_stage_id": stage.stage_id}),
            ]
    return cases


@pytest.mark.parametrize("budget", [24_000, 4_000])
async def test_every_result_fits_the_budget_and_leaks_no_planted_secret(
    sandbox_app: Starlette, data: SandboxData, budget: int
) -> None:
    async with connect(sandbox_app, max_chars=budget) as client:
        for tool, args in _calls_for(data):
            result = await client.call_tool(tool, args)
            text = text_of(result)
            assert not result.is_error, f"{tool} {args}: {text[:300]}"
            # What the model receives: the text and any structured copy, together.
            structured = result.structured_content
            copy = (
                ""
                if structured is None
                else json.dumps(structured, separators=(",", ":"), ensure_ascii=False)
            )
            received = text + copy
            assert len(received) <= budget, f"{tool} {args} returned {len(received)} > {budget}"
            if tool != "list_calls":
                assert structured is None, "only list_calls offers a structured copy"
            for canary in data.canaries:
                assert canary not in received, f"{tool} {args} leaked a planted secret"


async def test_injected_instructions_and_forged_fence_ends_stay_inside_the_fence(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.injection_call_id
    text = text_of(await client.call_tool("get_call_transcript", {"call_id": call_id}))
    opened = re.search(r"<<<untrusted transcript ([0-9a-f]+):", text)
    assert opened, "the transcript must be fenced"
    nonce = opened.group(1)
    body = text[opened.end() : text.index(f"<<<end untrusted {nonce}>>>")]
    assert "ignore previous instructions" in body.lower()
    assert "<<<" not in body  # a forged marker inside speech is defused
    assert text.count(f"<<<end untrusted {nonce}>>>") == 1
    for char in ("\u200b", "\u202e", "\x1b"):
        assert char not in text
