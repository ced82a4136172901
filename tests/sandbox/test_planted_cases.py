"""The planted calls are served exactly as planted, read back through the sandbox's own
HTTP answers (raw JSON), so a test elsewhere can rely on each number."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx2
import pytest

from ultravox_calls_mcp.sandbox import PlantedCase, SandboxData

pytestmark = pytest.mark.anyio

Message = dict[str, Any]


def _at(message: Message, clock: str) -> tuple[float, float]:
    span = message[clock]
    return float(span["start"].removesuffix("s")), float(span["end"].removesuffix("s"))


async def _stage_messages(http: httpx2.AsyncClient, case: PlantedCase) -> list[Message]:
    url = f"/api/calls/{case.call_id}/stages/{case.stage_id}/messages"
    page = (await http.get(url, params={"pageSize": 200})).json()
    assert page["next"] is None
    messages: list[Message] = page["results"]
    return messages


def _latencies(messages: list[Message], clock: str) -> dict[int, tuple[float, list[str]]]:
    """Agent message index -> (its start minus the last caller line's end, tools between)."""
    found: dict[int, tuple[float, list[str]]] = {}
    user_end: float | None = None
    tools: list[str] = []
    for m in messages:
        role = m["role"]
        if role == "MESSAGE_ROLE_USER":
            user_end, tools = _at(m, clock)[1], []
        elif role == "MESSAGE_ROLE_TOOL_CALL":
            tools.append(m["toolName"])
        elif role == "MESSAGE_ROLE_AGENT" and user_end is not None:
            found[m["callStageMessageIndex"]] = (_at(m, clock)[0] - user_end, tools)
            user_end = None
    return found


@pytest.mark.parametrize("clock", ["timespan", "wallClockTimespan"])
async def test_the_agent_is_slow_only_after_one_tool(
    client: httpx2.AsyncClient, sandbox_data: SandboxData, clock: str
) -> None:
    case = sandbox_data.notable.slow_after_tool
    slow_tool = sandbox_data.notable.slow_tool_name
    latencies = _latencies(await _stage_messages(client, case), clock)
    latency, tools = latencies[case.message_index]
    assert latency == pytest.approx(5.35, abs=1e-6) == case.seconds
    assert tools == [slow_tool]
    slow = {i for i, (seconds, _) in latencies.items() if seconds > 2.0}
    assert len(slow) == 2
    assert all(latencies[i][1] == [slow_tool] for i in slow)
    fast = [seconds for i, (seconds, _) in latencies.items() if i not in slow]
    assert fast
    assert max(fast) < 2.0
    assert any(tools and slow_tool not in tools for _, tools in latencies.values())


@pytest.mark.parametrize("clock", ["timespan", "wallClockTimespan"])
async def test_the_caller_barges_in_while_the_agent_is_speaking(
    client: httpx2.AsyncClient, sandbox_data: SandboxData, clock: str
) -> None:
    case = sandbox_data.notable.barge_in
    messages = await _stage_messages(client, case)
    user, agent = messages[case.message_index], messages[case.message_index - 1]
    assert (user["role"], agent["role"]) == ("MESSAGE_ROLE_USER", "MESSAGE_ROLE_AGENT")
    agent_start, agent_end = _at(agent, clock)
    user_start, user_end = _at(user, clock)
    assert agent_start < user_start < agent_end < user_end
    assert agent_end - user_start == pytest.approx(1.1, abs=1e-6) == case.seconds


@pytest.mark.parametrize("clock", ["timespan", "wallClockTimespan"])
async def test_twelve_seconds_of_dead_air_with_no_tool_pending(
    client: httpx2.AsyncClient, sandbox_data: SandboxData, clock: str
) -> None:
    case = sandbox_data.notable.dead_air
    messages = await _stage_messages(client, case)
    before, after = messages[case.message_index], messages[case.message_index + 1]
    gap_start, gap_end = _at(before, clock)[1], _at(after, clock)[0]
    assert gap_end - gap_start == pytest.approx(12.0, abs=1e-6) == case.seconds
    assert {before["role"], after["role"]} <= {"MESSAGE_ROLE_AGENT", "MESSAGE_ROLE_USER"}
    for m in messages:  # nothing at all, spoken or running, inside the gap
        start, end = _at(m, clock)
        assert end <= gap_start or start >= gap_end, m["callStageMessageIndex"]
    longest_elsewhere = max(
        _at(b, clock)[0] - _at(a, clock)[1]
        for a, b in itertools.pairwise(messages)
        if a is not before
    )
    assert longest_elsewhere < 4.0


@pytest.mark.parametrize("clock", ["timespan", "wallClockTimespan"])
async def test_the_agent_talks_over_the_caller(
    client: httpx2.AsyncClient, sandbox_data: SandboxData, clock: str
) -> None:
    case = sandbox_data.notable.talk_over
    messages = await _stage_messages(client, case)
    latencies = _latencies(messages, clock)
    assert latencies[case.message_index][0] == pytest.approx(-0.6, abs=1e-6) == case.seconds
    assert [i for i, (seconds, _) in latencies.items() if seconds < 0] == [case.message_index]


async def test_a_later_stage_starts_with_carried_over_untimed_messages(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    record = sandbox_data.call(sandbox_data.notable.multi_stage_call_id)
    assert record is not None
    first, second = record.stages[0], record.stages[1]
    url = f"/api/calls/{record.call_id}/stages/{second.stage_id}/messages"
    messages = (await client.get(url, params={"pageSize": 200})).json()["results"]
    carried = messages[: second.first_own]
    assert len(carried) == len(first.messages) > 0
    assert all("timespan" not in m and "wallClockTimespan" not in m for m in carried)
    own = messages[second.first_own :]
    assert own
    assert all("timespan" in m for m in own)
    # One time line across stages: stage 2 carries on after stage 1 ended.
    assert _at(own[0], "timespan")[0] > _at(first.messages[-1], "timespan")[1]


async def test_the_regular_calls_plant_none_of_the_timing_cases(
    sandbox_data: SandboxData,
) -> None:
    """Only the planted calls hold barge-ins, talk-overs and 4 s silences."""
    n = sandbox_data.notable
    planted = {c.call_id for c in (n.barge_in, n.dead_air, n.talk_over)}
    for record in sandbox_data.calls:
        if record.call_id in planted or record.call_id == n.stress_call_id:
            continue
        timed = [m for s in record.stages for m in s.messages[s.first_own :]]
        for a, b in itertools.pairwise(timed):
            gap = _at(b, "timespan")[0] - _at(a, "timespan")[1]
            assert 0 < gap < 4.0, (record.call_id, b["callStageMessageIndex"], gap)


async def test_a_call_has_three_hundred_metadata_keys(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    call = (await client.get(f"/api/calls/{sandbox_data.notable.wide_metadata_call_id}")).json()
    assert len(call["metadata"]) == 300
    assert all(isinstance(v, str) for v in call["metadata"].values())


async def test_a_metadata_value_holds_five_kilobytes_of_json(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    n = sandbox_data.notable
    call = (await client.get(f"/api/calls/{n.large_metadata_call_id}")).json()
    value = call["metadata"][n.large_metadata_key]
    assert len(value.encode()) >= 5 * 1024
    assert json.loads(value)["visits"]


async def test_a_call_tool_has_a_two_thousand_character_description(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    n = sandbox_data.notable
    tools = (await client.get(f"/api/calls/{n.long_tool_description_call_id}/tools")).json()
    long = next(t for t in tools if t["name"] == n.long_tool_name)
    assert len(long["definition"]["description"]) == 2000
    assert all(len(t["definition"]["description"]) < 200 for t in tools if t is not long)
    record = sandbox_data.call(n.long_tool_description_call_id)
    assert record is not None
    messages = record.stages[0].messages
    assert any(m.get("toolName") == n.long_tool_name for m in messages)


async def test_a_message_is_thirty_thousand_repeated_letters(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    case = sandbox_data.notable.repeated_letters
    message = (await _stage_messages(client, case))[case.message_index]
    assert message["role"] == "MESSAGE_ROLE_USER"
    assert message["text"] == "a" * 30_000


async def test_the_caller_says_html_and_a_script(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    case = sandbox_data.notable.html_injection
    messages = await _stage_messages(client, case)
    assert messages[case.message_index]["role"] == "MESSAGE_ROLE_USER"
    assert "<img src=x onerror=alert(1)>" in messages[case.message_index]["text"]
    caller = " ".join(m["text"] for m in messages if m["role"] == "MESSAGE_ROLE_USER")
    assert "<script>alert('sandbox')</script>" in caller
    tool_args = [m["text"] for m in messages if m["role"] == "MESSAGE_ROLE_TOOL_CALL"]
    assert any("<img src=x onerror=alert(1)>" in json.loads(a)["fullName"] for a in tool_args)


def test_every_planted_call_is_its_own_ended_call(sandbox_data: SandboxData) -> None:
    n = sandbox_data.notable
    ids = [
        n.slow_after_tool.call_id,
        n.barge_in.call_id,
        n.dead_air.call_id,
        n.talk_over.call_id,
        n.wide_metadata_call_id,
        n.large_metadata_call_id,
        n.long_tool_description_call_id,
        n.repeated_letters.call_id,
        n.html_injection.call_id,
    ]
    assert len(set(ids)) == len(ids)
    assert set(ids) <= set(n.call_ids)
    for call_id in ids:
        record = sandbox_data.call(call_id)
        assert record is not None
        assert record.call["ended"] is not None
