"""Nothing the overviews cut is out of reach: metadata and tool definitions read whole by
following the exact continuations the results print (issue 13, points 1 and 2)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_error, call_text, connect
from ultravox_calls_mcp.sandbox import SandboxData, create_app, generate_dataset

pytestmark = pytest.mark.anyio

_FENCED = re.compile(
    r"^<<<untrusted [^\n]*? ([0-9a-f]{10}): data from [^\n]*>>>\n(.*?)\n<<<end untrusted \1>>>$",
    re.S | re.M,
)
# A continuation as the results print it: tool(arg="…", arg=123, …).
_CALL = re.compile(r"\b(get_call|list_call_tools|list_call_events)\(([^()]*)\)")
_ARG = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\d+)')


def _bodies(text: str) -> list[str]:
    return [match.group(2) for match in _FENCED.finditer(text)]


def _continuation(text: str, needle: str) -> tuple[str, dict[str, Any]] | None:
    """The tool and arguments of the last printed call on a cut line holding ``needle``."""
    for line in reversed(text.splitlines()):
        if line.startswith("[cut:") and needle in line:
            tool, args = _CALL.findall(line)[-1]
            return tool, {name: json.loads(value) for name, value in _ARG.findall(args)}
    return None


async def _follow(
    client: Client, tool: str, args: dict[str, Any], budget: int
) -> tuple[list[str], int]:
    """Every window from ``args`` on, following each printed offset: (bodies, results)."""
    bodies: list[str] = []
    for results in range(1, 100):
        text = await call_text(client, tool, **args, max_chars=budget)
        assert len(text) <= budget
        (body,) = _bodies(text)
        bodies.append(body)
        step = _continuation(text, "to read on:")
        if step is None:
            assert text.endswith(")")  # "(end of …)"
            return bodies, results
        assert step[0] == tool
        assert step[1]["offset"] > args.get("offset", 0), "every window must make progress"
        args = step[1]
    raise AssertionError("the offsets never ended")


async def test_all_300_metadata_keys_are_read_whole_by_following_the_printed_reads(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id = data.notable.wide_metadata_call_id
    metadata = data.call(call_id).call["metadata"]  # type: ignore[union-attr]
    assert len(metadata) == 300
    async with connect(sandbox_app) as client:
        overview = await call_text(client, "get_call", call_id=call_id)
        assert "metadata (300 keys):" in overview
        step = _continuation(overview, "showing 40 of 300 keys of metadata")
        assert step == ("get_call", {"call_id": call_id, "field": "metadata"})
        bodies, windows = await _follow(client, *step, budget=3_000)
    assert windows > 3
    lines = [line for body in bodies for line in body.split("\n")]
    # Each window holds whole lines: every key and its value exactly once, in order.
    assert lines == [f"{key}: {value}" for key, value in metadata.items()]


async def test_a_5_kb_json_metadata_value_is_read_whole_and_parses_as_the_original(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    value = data.call(n.large_metadata_call_id).call["metadata"][n.large_metadata_key]  # type: ignore[union-attr]
    assert len(value) > 5_000
    async with connect(sandbox_app) as client:
        overview = await call_text(client, "get_call", call_id=n.large_metadata_call_id)
        assert f"({len(value):,} characters)" in overview
        step = _continuation(overview, "1 value clipped to 200 characters")
        assert step == (
            "get_call",
            {"call_id": n.large_metadata_call_id, "field": "metadata", "key": n.large_metadata_key},
        )
        bodies, windows = await _follow(client, *step, budget=2_000)
    assert windows >= 4
    assert "".join(bodies) == value
    assert json.loads("".join(bodies)) == json.loads(value)


async def test_a_2000_character_tool_description_is_read_whole_by_naming_the_tool(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    tool = next(
        t
        for t in data.call(n.long_tool_description_call_id).tools  # type: ignore[union-attr]
        if t["name"] == n.long_tool_name
    )
    description = tool["definition"]["description"]
    assert len(description) == 2_000
    async with connect(sandbox_app) as client:
        listing = await call_text(
            client, "list_call_tools", call_id=n.long_tool_description_call_id
        )
        assert "(2,000 characters)" in listing
        assert description not in listing
        step = _continuation(listing, "1 description(s) clipped to 160 characters")
        assert step == (
            "list_call_tools",
            {"call_id": n.long_tool_description_call_id, "tool_name": n.long_tool_name},
        )
        bodies, windows = await _follow(client, *step, budget=2_000)
    assert windows >= 3
    whole = "".join(bodies)
    assert description in whole
    # Its settings are there too, the URL cut to its host: never a path or query.
    assert '"httpMethod": "POST"' in whole
    assert "https://billing.brightsmile.example/… (path and query not shown)" in whole
    assert "/coverage" not in whole


async def test_reading_a_missing_key_or_tool_names_what_there_is(
    client: Client, data: SandboxData
) -> None:
    n = data.notable
    error = await call_error(client, "get_call", call_id=n.large_metadata_call_id, key="crm_snap")
    assert 'no metadata key "crm_snap"' in error
    assert '"crm_snapshot"' in error  # the close match
    assert f'get_call(call_id="{n.large_metadata_call_id}", field="metadata")' in error
    error = await call_error(
        client,
        "list_call_tools",
        call_id=n.long_tool_description_call_id,
        tool_name="checkInsurance",
    )
    assert 'No tool named "checkInsurance"' in error
    assert n.long_tool_name in error


async def test_an_offset_without_a_windowed_read_is_refused_not_ignored(
    client: Client, data: SandboxData
) -> None:
    n = data.notable
    error = await call_error(client, "get_call", call_id=n.wide_metadata_call_id, offset=100)
    assert 'field="metadata"' in error
    error = await call_error(
        client, "list_call_tools", call_id=n.long_tool_description_call_id, offset=100
    )
    assert "tool_name" in error


async def test_a_call_without_metadata_reads_as_empty_not_as_an_error(
    client: Client, data: SandboxData
) -> None:
    record = next(r for r in data.calls if not r.call["metadata"])
    text = await call_text(client, "get_call", call_id=record.call_id, field="metadata")
    assert text == f"metadata of call {record.call_id} (0 keys, one per line): empty."


def _with_long_event_and_error(data: SandboxData) -> tuple[SandboxData, str, dict[str, Any], str]:
    """A copy of the data whose failed-tool call has a 3,000-character warning event (with
    large extras) and a 2,000-character tool error. The shared dataset is left alone."""
    call_id = data.notable.failed_tool_call_id
    record = data.call(call_id)
    assert record is not None
    text = "Upstream said: " + " ".join(f"step {i} failed;" for i in range(300))
    extras = {"toolName": "bookAppointment", "trace": [f"frame {i}" for i in range(80)]}
    event = {
        **record.events[-1],
        "severity": "warning",
        "type": "tool_trace",
        "text": text,
        "extras": extras,
        "callTimestamp": "20.0s",
    }
    error = "HTTP 503: " + "upstream connect error; " * 90
    stage = record.stages[0]
    messages = [
        {**m, "errorDetails": error} if m.get("errorDetails") else m for m in stage.messages
    ]
    changed = replace(
        record,
        events=[*record.events[:-1], event, record.events[-1]],
        stages=[replace(stage, messages=messages), *record.stages[1:]],
    )
    calls = [changed if r.call_id == call_id else r for r in data.calls]
    return replace(data, calls=calls), text, extras, error


async def test_a_clipped_event_is_read_whole_by_its_number() -> None:
    data, text, extras, _ = _with_long_event_and_error(generate_dataset())
    call_id = data.notable.failed_tool_call_id
    async with connect(create_app(data)) as client:
        listing = await call_text(
            client, "list_call_events", call_id=call_id, minimum_severity="warning"
        )
        number = int(re.search(r"\(event #(\d+) clipped\)", listing)[1])  # type: ignore[index]
        step = _continuation(listing, "1 event(s) clipped")
        assert step == (
            "list_call_events",
            {"call_id": call_id, "minimum_severity": "warning", "event_number": number},
        )
        bodies, windows = await _follow(client, *step, budget=2_000)
    whole = "".join(bodies)
    assert windows >= 3
    assert text in whole
    assert json.loads(whole.split("extras (JSON):\n", 1)[1]) == extras


async def test_a_long_tool_error_is_read_whole_with_its_message() -> None:
    data, _, _, error = _with_long_event_and_error(generate_dataset())
    call_id = data.notable.failed_tool_call_id
    stage_id = data.call(call_id).stages[0].stage_id  # type: ignore[union-attr]
    async with connect(create_app(data)) as client:
        transcript = await call_text(client, "get_call_transcript", call_id=call_id)
        line = next(line for line in transcript.splitlines() if "FAILED" in line)
        assert f"(error details: {len(error.strip()):,} characters, whole in " in line
        index = int(line[1 : line.index("]")])
        one = await call_text(
            client,
            "get_stage_messages",
            call_id=call_id,
            call_stage_id=stage_id,
            message_index=index,
        )
    (body,) = _bodies(one)
    assert body.endswith(f"[error details]\n{error}")


async def test_list_calls_says_how_to_read_a_clipped_summary(data: SandboxData) -> None:
    long_story = "A caller with a long story to tell. " * 8
    calls = [replace(r, call={**r.call, "shortSummary": long_story}) for r in data.calls]
    async with connect(create_app(replace(data, calls=calls))) as client:
        text = await call_text(client, "list_calls", page_size=3)
    assert (
        "(summaries longer than 140 characters end with …; get_call(call_id) shows one whole)"
        in text
    )
