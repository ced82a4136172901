"""The generated dataset: deterministic, complete, and shaped like real Ultravox data."""

from __future__ import annotations

import json
import re

from ultravox_calls_mcp.sandbox import SandboxData, generate_dataset
from ultravox_calls_mcp.sandbox.data import END_REASONS

_ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_the_same_seed_gives_identical_data_and_another_seed_differs() -> None:
    first = generate_dataset.__wrapped__(11)
    again = generate_dataset.__wrapped__(11)
    other = generate_dataset.__wrapped__(12)
    assert [c.call for c in first.calls] == [c.call for c in again.calls]
    assert first.notable == again.notable
    assert first.canaries == again.canaries
    assert first.notable.call_ids != other.notable.call_ids


def test_generation_is_memoized_per_seed() -> None:
    data = generate_dataset.__wrapped__(99)
    assert generate_dataset(7) is generate_dataset(7)
    assert len(data.calls) >= 60


def test_every_end_reason_and_a_live_call_are_present(sandbox_data: SandboxData) -> None:
    reasons = {c.call["endReason"] for c in sandbox_data.calls}
    assert set(END_REASONS) <= reasons
    live = sandbox_data.call(sandbox_data.notable.live_call_id)
    assert live is not None
    assert live.call["ended"] is None
    assert live.call["endReason"] is None
    assert live.call["joinUrl"]
    assert live.duration_s is None


def test_calls_are_newest_first_with_iso_z_timestamps(sandbox_data: SandboxData) -> None:
    created = [c.created for c in sandbox_data.calls]
    assert created == sorted(created, reverse=True)
    for record in sandbox_data.calls:
        for field in ("created", "joined", "ended"):
            value = record.call[field]
            assert value is None or _ISO_Z.match(value), (field, value)
    assert sandbox_data.calls[-1].call_id == sandbox_data.notable.stress_call_id


def test_agents_have_templates_tools_and_call_counts(sandbox_data: SandboxData) -> None:
    assert 4 <= len(sandbox_data.agents) <= 5
    for agent in sandbox_data.agents:
        template = agent["callTemplate"]
        assert template["systemPrompt"]
        assert template["selectedTools"]
        counted = sum(c.call["agentId"] == agent["agentId"] for c in sandbox_data.calls)
        assert agent["statistics"]["calls"] == counted > 0


def test_a_later_stage_relists_earlier_messages_and_counts_indexes_per_stage(
    sandbox_data: SandboxData,
) -> None:
    record = sandbox_data.call(sandbox_data.notable.three_stage_call_id)
    assert record is not None
    assert len(record.stages) == 3
    first, second, third = record.stages
    assert second.first_own == len(first.messages)
    assert [m["text"] for m in second.messages[: second.first_own]] == [
        m["text"] for m in first.messages
    ]
    assert third.first_own == len(second.messages)
    for stage in record.stages:
        assert [m["callStageMessageIndex"] for m in stage.messages] == list(
            range(len(stage.messages))
        )
        assert {m["callStageId"] for m in stage.messages} == {stage.stage_id}
        assert all("timespan" not in m for m in stage.messages[: stage.first_own])
    prompts = {s.stage["systemPrompt"] for s in record.stages}
    voices = {s.stage["voice"] for s in record.stages}
    assert len(prompts) == 3
    assert len(voices) >= 2
    switch = first.messages[-1]
    assert switch["role"] == "MESSAGE_ROLE_TOOL_RESULT"
    assert "Switching" in switch["text"]


def test_tool_calls_pair_with_results_and_one_failed_with_error_details(
    sandbox_data: SandboxData,
) -> None:
    record = sandbox_data.call(sandbox_data.notable.failed_tool_call_id)
    assert record is not None
    messages = record.stages[-1].messages
    calls = {m["invocationId"]: m for m in messages if m["role"] == "MESSAGE_ROLE_TOOL_CALL"}
    results = {m["invocationId"]: m for m in messages if m["role"] == "MESSAGE_ROLE_TOOL_RESULT"}
    assert calls.keys() == results.keys()
    assert calls
    for invocation, call in calls.items():
        json.loads(call["text"])  # TOOL_CALL text is the JSON arguments
        assert results[invocation]["toolName"] == call["toolName"]
    assert any("HTTP 503" in m.get("errorDetails", "") for m in results.values())
    assert any(e["type"] == "tool_error" and e["severity"] == "error" for e in record.events)


def test_messages_carry_timespans_and_omit_empty_fields(sandbox_data: SandboxData) -> None:
    pattern = re.compile(r"^-?\d+(\.\d{1,9})?s$")
    for record in sandbox_data.calls[:-1]:  # the stress call is checked lazily elsewhere
        for stage in record.stages:
            for message in stage.messages[stage.first_own :]:
                assert pattern.match(message["timespan"]["start"])
                assert pattern.match(message["timespan"]["end"])
                assert all(value not in ("", None, [], {}) for value in message.values())


def test_events_cover_every_severity(sandbox_data: SandboxData) -> None:
    severities = {e["severity"] for c in sandbox_data.calls for e in c.events}
    assert severities == {"debug", "info", "warning", "error"}


def test_prompts_span_realistic_to_extreme_sizes(sandbox_data: SandboxData) -> None:
    sizes = sorted(len(a["callTemplate"]["systemPrompt"]) for a in sandbox_data.agents)
    assert sum(10_000 <= s <= 50_000 for s in sizes) >= 3
    extreme = sandbox_data.call(sandbox_data.notable.extreme_prompt_call_id)
    assert extreme is not None
    assert 900_000 <= len(extreme.call["systemPrompt"]) <= 1_200_000


def test_the_stress_call_has_ten_thousand_messages_a_long_utterance_and_many_keys(
    sandbox_data: SandboxData,
) -> None:
    n = sandbox_data.notable
    stress = sandbox_data.call(n.stress_call_id)
    assert stress is not None
    assert len(stress.stages) == 1
    stage = stress.stage(n.stress_stage_id)
    assert stage is not None
    assert len(stage.messages) == 10_000
    assert stage.messages[-1]["callStageMessageIndex"] == 9_999
    assert max(len(m["text"]) for m in stage.messages[:5]) >= 95_000
    assert len(stress.call["metadata"]) == 200
    assert n.long_utterance_call_id == n.many_metadata_call_id == n.stress_call_id


def test_every_canary_is_planted_exactly_where_secrets_live(sandbox_data: SandboxData) -> None:
    canaries = sandbox_data.canaries
    assert len(canaries) == len(set(canaries)) >= 8
    secrets_call = sandbox_data.call(sandbox_data.notable.secrets_call_id)
    assert secrets_call is not None
    call = secrets_call.call
    planted = [
        call["medium"]["sip"]["outgoing"]["password"],
        call["externalVoice"]["generic"]["headers"]["Authorization"],
        call["voiceOverrides"]["generic"]["headers"]["X-Api-Key"],
        call["dataConnectionConfig"]["headers"]["Authorization"],
        *(call["callbacks"][phase]["secrets"][0] for phase in ("joined", "ended", "billed")),
        " ".join(m["text"] for m in secrets_call.stages[0].messages),
    ]
    everything = "\n".join(planted)
    live = sandbox_data.call(sandbox_data.notable.live_call_id)
    assert live is not None
    everything += live.call["joinUrl"]
    for canary in canaries:
        assert canary in everything, canary
    key_shaped = [c for c in canaries if re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", c)]
    assert len(key_shaped) == 1


def test_the_injection_call_carries_an_instruction_and_a_forged_fence(
    sandbox_data: SandboxData,
) -> None:
    record = sandbox_data.call(sandbox_data.notable.injection_call_id)
    assert record is not None
    text = "\n".join(m["text"] for m in record.stages[0].messages)
    assert "Ignore previous instructions" in text
    assert "----- END UNTRUSTED" in text
    assert "\u200b" in text
    assert "\u202e" in text


def test_caller_speech_includes_unicode_and_emoji(sandbox_data: SandboxData) -> None:
    text = "".join(m["text"] for c in sandbox_data.calls[:-1] for s in c.stages for m in s.messages)
    for fragment in ("José", "Müller", "予約", "👍"):
        assert fragment in text, fragment
