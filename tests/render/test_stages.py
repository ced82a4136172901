from __future__ import annotations

from typing import Any

import pytest

from ultravox_calls_mcp.api.models import CallStage
from ultravox_calls_mcp.render.stages import stage_changes, stage_field_text, stage_summary_lines


def _stage(stage_id: str, **extra: Any) -> CallStage:
    return CallStage.model_validate({"callStageId": stage_id, **extra})


FIRST = _stage(
    "s-1",
    created="2026-11-03T10:00:00Z",
    model="ultravox-v0.7",
    voice="Mark",
    temperature=0.4,
    languageHint="en",
    systemPrompt="You are Ava.\nBe brief.",
    initialTokenCount=812,
    latestTokenCount=2140,
    errorCount=0,
)
SECOND = _stage(
    "s-2",
    created="2026-11-03T10:01:22Z",
    model="ultravox-v0.7",
    externalVoice={"elevenLabs": {"voiceId": "v1", "apiKey": "el-key"}},
    temperature=0.2,
    languageHint="es",
    systemPrompt="You are Ava, billing specialist.\nBe brief.",
    initialTokenCount=900,
    errorCount=2,
    initialState={"cart": 1},
)


def _hint(stage: CallStage) -> str:
    return (
        f'read whole: get_call_stage(call_stage_id="{stage.call_stage_id}", field="system_prompt")'
    )


def test_stage_changes_lists_every_difference_exactly() -> None:
    assert stage_changes(FIRST, SECOND, ["lookup", "transfer"], ["lookup", "refund"]) == [
        "prompt (length 22→42)",
        "voice Mark→external elevenLabs",
        "temperature 0.4→0.2",
        "language en→es",
        "initial state",
        "tools +refund −transfer",
    ]


def test_stage_changes_of_identical_stages_is_empty() -> None:
    assert stage_changes(FIRST, FIRST, ["a"], ["a"]) == []


def test_stage_changes_notices_a_same_length_prompt_edit() -> None:
    [change] = stage_changes(
        _stage("a", systemPrompt="Be brief."), _stage("b", systemPrompt="Be BRIEF."), None, None
    )
    assert change.startswith("prompt (same length 9, sha256 ")


def test_stage_changes_skips_tools_when_either_side_is_unknown() -> None:
    assert stage_changes(_stage("a"), _stage("b"), None, ["x"]) == []


def test_stage_summary_shows_each_stage_and_what_changed() -> None:
    lines = stage_summary_lines(
        [FIRST, SECOND, SECOND],
        tool_names={"s-1": ["lookup"], "s-2": ["lookup", "refund"]},
        prompt_read_hint=_hint,
    )
    assert lines[0] == (
        "stage 1 · s-1 · created 2026-11-03T10:00:00Z · model ultravox-v0.7 · voice Mark · "
        "temperature 0.4 · language en · tokens 812→2,140 · errors 0"
    )
    assert lines[1].startswith("  prompt: 22 chars · sha256 ")
    assert lines[1].endswith(" · “You are Ava.”")
    assert lines[2] == f"  {_hint(FIRST)}"
    assert lines[3] == "  tools: lookup"
    assert "tokens initial 900 · errors 2" in lines[4]
    assert lines[8] == (
        "  changes vs previous: prompt (length 22→42), voice Mark→external elevenLabs, "
        "temperature 0.4→0.2, language en→es, initial state, tools +refund"
    )
    assert lines[-1] == "  changes vs previous: no change"
    assert "el-key" not in "\n".join(lines)


def test_stage_field_text_gives_the_whole_prompt_cleaned_and_redacted() -> None:
    stage = _stage(
        "s", systemPrompt="Use key Zk9Ab3Cd.abcdefghijklmnopqrstuvwxyzABCDEF\u202e\r\nok"
    )
    assert stage_field_text(stage, "system_prompt") == "Use key [redacted]\nok"


def test_stage_field_text_renders_json_fields_redacted() -> None:
    stage = _stage("s", initialState={"cart": 1, "password": "p"}, experimentalSettings={"x": [1]})
    assert (
        stage_field_text(stage, "initial_state") == '{\n "cart": 1,\n "password": "[redacted]"\n}'
    )
    assert stage_field_text(stage, "experimental_settings") == '{\n "x": [\n  1\n ]\n}'


def test_stage_field_text_lists_inactivity_messages_and_is_none_when_empty() -> None:
    stage = _stage(
        "s",
        inactivityMessages=[
            {"duration": "30s", "message": "Are you there?"},
            {"duration": "15s", "message": "Bye.", "endBehavior": "END_BEHAVIOR_HANG_UP_SOFT"},
        ],
    )
    assert stage_field_text(stage, "inactivity_messages") == (
        "after 30s: Are you there?\nafter 15s (END_BEHAVIOR_HANG_UP_SOFT): Bye."
    )
    assert stage_field_text(_stage("e"), "inactivity_messages") is None
    assert stage_field_text(_stage("e"), "system_prompt") is None


def test_stage_field_text_rejects_an_unknown_field_naming_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="system_prompt"):
        stage_field_text(_stage("s"), "voice")
