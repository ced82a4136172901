"""get_call_transcript and get_stage_messages: complete, in order, within budget."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_error, call_text, connect, next_cursor
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio

_BOUNDARY = re.compile(r"^=== stage (\d+)(?: of \d+)? · ([0-9a-f-]{36})", re.M)
_MESSAGE = re.compile(r"^\[(\d+)\] ", re.M)


def _record(data: SandboxData, call_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in data.calls if r.call_id == call_id)


def _sequence(text: str) -> list[tuple[str, int]]:
    """(stage id, message index) for every message line, in the order shown."""
    out: list[tuple[str, int]] = []
    stage = ""
    for line in text.splitlines():
        if boundary := _BOUNDARY.match(line):
            stage = boundary.group(2)
        elif message := _MESSAGE.match(line):
            out.append((stage, int(message.group(1))))
    return out


def _expected(data: SandboxData, call_id: str) -> list[tuple[str, int]]:
    """The witness: each stage's own messages, stage after stage, straight from the sandbox."""
    record = _record(data, call_id)
    return [
        (stage.stage_id, int(message["callStageMessageIndex"]))
        for stage in record.stages
        for message in stage.messages[stage.first_own :]
    ]


async def _read_all(client: Client, tool: str, limit: int = 500, **args: object) -> list[str]:
    pages: list[str] = []
    cursor: str | None = None
    for _ in range(limit):
        text = await call_text(client, tool, **args, **({"cursor": cursor} if cursor else {}))
        pages.append(text)
        cursor = next_cursor(text)
        if cursor is None:
            return pages
    raise AssertionError(f"{tool} did not reach the end in {limit} calls")


async def test_transcript_of_a_multi_stage_call_keeps_every_stage_in_order(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.three_stage_call_id
    record = _record(data, call_id)
    assert len(record.stages) == 3
    text = await call_text(client, "get_call_transcript", call_id=call_id)
    boundaries = [m.group(2) for m in _BOUNDARY.finditer(text)]
    assert boundaries == [stage.stage_id for stage in record.stages]
    assert _sequence(text) == _expected(data, call_id)
    assert text.rstrip().endswith("(end of messages)")


async def test_a_cut_transcript_resumes_without_losing_or_repeating_a_message(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.three_stage_call_id
    pages = await _read_all(client, "get_call_transcript", call_id=call_id, max_chars=2_000)
    assert len(pages) > 2
    assert all(len(page) <= 2_000 for page in pages)
    joined: list[tuple[str, int]] = []
    for page in pages:
        joined += _sequence(page)
    assert joined == _expected(data, call_id)


async def test_the_10000_message_stage_reads_completely_within_budget(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id, stage_id = data.notable.stress_call_id, data.notable.stress_stage_id
    async with connect(sandbox_app) as client:
        pages = await _read_all(
            client, "get_stage_messages", call_id=call_id, call_stage_id=stage_id
        )
    assert all(len(page) <= 24_000 for page in pages)
    indices = [int(m) for page in pages for m in _MESSAGE.findall(page)]
    assert indices == list(range(10_000))


async def test_a_long_utterance_is_capped_and_readable_whole_by_offset(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.long_utterance_call_id
    text = await call_text(client, "get_call_transcript", call_id=call_id)
    hint = re.search(
        r'get_stage_messages\(call_id="([^"]+)", call_stage_id="([^"]+)", '
        r"message_index=(\d+), text_offset=(\d+)\)",
        text,
    )
    assert hint, "the capped message must say how to read the rest"
    stage_id, index, offset = hint.group(2), int(hint.group(3)), int(hint.group(4))
    total = 0
    pieces = 0
    while True:
        piece = await call_text(
            client,
            "get_stage_messages",
            call_id=call_id,
            call_stage_id=stage_id,
            message_index=index,
            text_offset=offset,
        )
        assert len(piece) <= 24_000
        pieces += 1
        more = re.search(r"text_offset=(\d+)\)", piece)
        if not more:
            assert "(end of message)" in piece
            break
        total = int(more.group(1))
        assert total > offset
        offset = total
    assert pieces >= 4  # ~100 KB cannot come in fewer windows of ~23 KB


async def test_stage_messages_pair_tool_calls_with_results_and_show_failures(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.failed_tool_call_id
    record = _record(data, call_id)
    lines: list[str] = []
    expected: dict[str, tuple[str, bool]] = {}  # invocation id -> (tool, failed)
    for stage in record.stages:
        text = await call_text(
            client, "get_stage_messages", call_id=call_id, call_stage_id=stage.stage_id
        )
        lines += text.splitlines()
        for message in stage.messages[stage.first_own :]:
            if message["role"] == "MESSAGE_ROLE_TOOL_RESULT":
                failed = bool(message.get("errorDetails"))
                expected[message["invocationId"]] = (message["toolName"], failed)
    assert any(failed for _, failed in expected.values())
    for invocation, (tool, failed) in expected.items():
        tagged = f"{tool}#{invocation}"
        (call,) = [i for i, line in enumerate(lines) if f"TOOL_CALL {tagged}" in line]
        (result,) = [i for i, line in enumerate(lines) if f"TOOL_RESULT {tagged}" in line]
        # Each result follows its own call, named by the same tool and invocation id, and
        # says FAILED exactly when the tool failed.
        assert call < result
        assert ("FAILED:" in lines[result]) is failed
        assert "FAILED:" not in lines[call]


async def test_role_filter_keeps_only_that_role_and_says_so(
    client: Client, data: SandboxData
) -> None:
    call_id = data.notable.multi_stage_call_id
    stage_id = _record(data, call_id).stages[0].stage_id
    text = await call_text(
        client, "get_stage_messages", call_id=call_id, call_stage_id=stage_id, roles=["user"]
    )
    roles = re.findall(r"^\[\d+\] (?:[\d.–]+s )?([A-Z_]+)", text, re.M)
    assert roles
    assert set(roles) == {"USER"}
    assert "showing roles: user" in text


async def test_a_cursor_from_another_tool_is_refused_with_a_fix(
    client: Client, data: SandboxData
) -> None:
    listing = await call_text(client, "list_calls", page_size=2)
    cursor = next_cursor(listing)
    assert cursor
    message = await call_error(
        client, "get_call_transcript", call_id=data.notable.multi_stage_call_id, cursor=cursor
    )
    assert "get_call_transcript" in message
    assert "exactly as shown" in message


async def test_a_made_up_cursor_is_refused(client: Client, data: SandboxData) -> None:
    for bad in ("abc", "!!!", "eyJrIjoxfQ"):
        message = await call_error(
            client, "get_call_transcript", call_id=data.notable.multi_stage_call_id, cursor=bad
        )
        assert "cursor" in message
