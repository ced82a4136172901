"""Digest, events, tools and agents: the smaller views."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ultravox_calls_mcp.api.models import Agent, CallEvent, CallTool
from ultravox_calls_mcp.render.agents import agent_detail_lines, agent_row
from ultravox_calls_mcp.render.digest import prompt_digest, prompt_digest_line
from ultravox_calls_mcp.render.events import event_lines
from ultravox_calls_mcp.render.tools import call_tool_lines, clipped_tools, tool_definition_text


def test_prompt_digest_of_no_prompt_is_one_line() -> None:
    assert prompt_digest(None, read_hint="x") == ["system prompt: (none)"]
    assert prompt_digest("  \n", read_hint="x") == ["system prompt: (none)"]


def test_prompt_digest_fences_clipped_redacted_opening_lines_and_adds_the_read_hint() -> None:
    prompt = "\n\nYou are Ava, a very long-winded assistant.\npassword=hunter2\nThird.\nFourth."
    lines = prompt_digest(prompt, read_hint='get_call(call_id="c")', line_chars=20)
    assert lines[0].startswith("system prompt: 76 chars · 6 lines · ~19 tokens · sha256 ")
    assert lines[1] == "opening lines:"
    assert lines[2].startswith("<<<untrusted system prompt opening ")
    assert lines[3:6] == ["You are Ava, a very…", "password=[redacted]", "Third."]
    assert lines[6].startswith("<<<end untrusted ")
    assert lines[7] == 'read whole: get_call(call_id="c")'


def test_prompt_digest_line_is_compact_and_comparable() -> None:
    one = prompt_digest_line("Hello “there”\nmore")
    assert one.startswith("prompt: 18 chars · sha256 ")
    assert one.endswith(' · “Hello "there"”')
    assert prompt_digest_line("Hello “there”\nmore") == one


def test_event_lines_show_time_severity_type_text_and_redacted_extras() -> None:
    event = CallEvent.model_validate(
        {
            "callTimestamp": "12.345s",
            "severity": "warning",
            "type": "tool_timeout",
            "text": "Tool lookup timed out\nafter 10s",
            "extras": {"toolName": "lookup", "authorization": "Bearer abcdefghijkl"},
        }
    )
    assert event_lines([event]) == [
        "12.3s WARNING tool_timeout: Tool lookup timed out ⏎ after 10s "
        '{"toolName":"lookup","authorization":"[redacted]"}'
    ]


def test_event_lines_tolerate_missing_fields() -> None:
    assert event_lines([CallEvent.model_validate({})]) == ["?s ? event:"]


def test_call_tool_lines_show_only_the_host_of_an_http_tool() -> None:
    tools = [
        CallTool.model_validate(
            {
                "callToolId": "t1",
                "name": "bookSlot",
                "definition": {
                    "description": "Books a slot.\nUse after confirming.",
                    "dynamicParameters": [{"name": "date", "required": True}, {"name": "time"}],
                    "http": {
                        "baseUrlPattern": "https://user:pw@api.example.com/v1/book?key=abc",
                        "httpMethod": "POST",
                    },
                },
            }
        ),
        CallTool.model_validate({"definition": {"modelToolName": "hangUp", "client": {}}}),
    ]
    assert call_tool_lines(tools) == [
        "bookSlot [http → api.example.com] · params: date*, time · "
        "Books a slot. ⏎ Use after confirming.",
        "hangUp [client]",
    ]


def test_a_long_description_is_clipped_with_its_whole_length_and_named_as_clipped() -> None:
    long = CallTool.model_validate({"name": "coverage", "definition": {"description": "w " * 200}})
    short = CallTool.model_validate({"name": "hangUp", "definition": {"description": "Bye."}})
    line, other = call_tool_lines([long, short])
    assert line.endswith("w w… (399 characters)")
    assert other == "hangUp [unknown] · Bye."
    assert clipped_tools([long, short]) == ["coverage"]


def test_a_tool_definition_reads_whole_without_urls_headers_or_auth() -> None:
    tool = CallTool.model_validate(
        {
            "name": "bookSlot",
            "definition": {
                "description": "Books a slot.\nUse after confirming.",
                "dynamicParameters": [{"name": "date", "required": True}],
                "staticParameters": [
                    {"name": "X-Api-Key", "location": "PARAMETER_LOCATION_HEADER", "value": "h1"},
                    {"name": "clinic", "location": "PARAMETER_LOCATION_QUERY", "value": "berlin"},
                ],
                "http": {
                    "baseUrlPattern": "https://user:pw@api.example.com/v1/book?key=abc",
                    "httpMethod": "POST",
                },
                "authTokens": {"bearer": "tok-secret"},
                "timeout": "10s",
            },
        }
    )
    text = tool_definition_text(tool)
    assert text.startswith("kind: http\ndescription:\nBooks a slot.\nUse after confirming.\n")
    for gone in ("h1", "tok-secret", "user:pw", "/v1/book", "key=abc"):
        assert gone not in text
    assert '"baseUrlPattern": "https://api.example.com/… (path and query not shown)"' in text
    assert '"value": "berlin"' in text  # not a secret: shown
    assert '"timeout": "10s"' in text


def test_agent_row_and_detail_show_template_tools_and_prompt_digest() -> None:
    agent = Agent.model_validate(
        {
            "agentId": "ag-1",
            "name": "Support Bot",
            "created": "2026-01-02T03:04:05Z",
            "publishedRevisionId": "rev-9",
            "statistics": {"calls": 1204},
            "callTemplate": {
                "model": "ultravox-v0.7",
                "voice": "Mark",
                "temperature": 0.3,
                "firstSpeakerSettings": {"agent": {}},
                "medium": {"twilio": {}},
                "selectedTools": [
                    {"toolName": "hangUp"},
                    {"temporaryTool": {"modelToolName": "lookup"}},
                    {
                        "toolId": "t-9",
                        "nameOverride": "refund",
                        "authTokens": {"a": "tok-secret-1"},
                    },
                ],
                "externalVoice": {"generic": {"headers": {"k": "v"}}},
                "systemPrompt": "Be helpful.",
            },
        }
    )
    assert agent_row(agent) == "ag-1 · Support Bot · created 2026-01-02T03:04:05Z · 1,204 calls"
    lines = agent_detail_lines(agent, prompt_read_hint='read whole: get_agent(agent_id="ag-1")')
    assert lines[:7] == [
        "agent Support Bot",
        "id: ag-1",
        "created: 2026-01-02T03:04:05Z",
        "usage: 1,204 calls",
        "published revision: rev-9",
        "call template: model: ultravox-v0.7 · voice: Mark · temperature: 0.3 · "
        "first speaker: agent · medium: twilio",
        "tools (3): hangUp, lookup, refund",
    ]
    assert lines[7].startswith("system prompt: 11 chars · 1 line · ")
    assert lines[-1] == 'read whole: get_agent(agent_id="ag-1")'
    assert "tok-secret-1" not in "\n".join(lines)


@given(
    st.from_regex(r"\s?-?[0-9]{0,4}(\.[0-9]{0,3})?\s?s?\s?", fullmatch=True)
    | st.text(alphabet="0123456789.-s ²٣", max_size=8)
)
def test_parse_seconds_fast_path_agrees_with_the_pattern(value: str) -> None:
    from ultravox_calls_mcp.render.fmt import _DURATION, parse_seconds

    match = _DURATION.match(value) if value else None
    assert parse_seconds(value) == (float(match.group(1)) if match else None)
