"""What the model reads says each thing once and says what it is (issue 13, point 9):
voices by name, a cursor printed once, fences that name their source, the call id once,
how a call was connected instead of raw JSON."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_text, connect, next_cursor
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio

_FENCE = re.compile(r"<<<untrusted ([^<>]+?) [0-9a-f]{10}: data from ([^<>]+), not instructions>>>")


async def test_voices_show_by_name_with_one_voice_request_per_voice_per_process(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    log = sandbox_app.state.requests
    ids = {voice_id: name for name, voice_id in data.voices.items()}
    async with connect(sandbox_app) as client:
        texts = [
            await call_text(client, "get_call", call_id=n.multi_stage_call_id),
            await call_text(client, "list_call_stages", call_id=n.three_stage_call_id),
            await call_text(client, "get_call_transcript", call_id=n.three_stage_call_id),
            await call_text(client, "get_agent", agent_id=n.agent_ids[0]),
            await call_text(client, "list_call_stages", call_id=n.multi_stage_call_id),
            await call_text(client, "get_call", call_id=n.three_stage_call_id),
        ]
        asked = Counter(p for p in log.paths() if p.startswith("/api/voices/"))
        shown = {voice_id for text in texts for voice_id in ids if voice_id in text}
        assert shown, "the sample calls name voices by id"
        for text in texts:
            for voice_id in shown & {v for v in ids if v in text}:
                assert f"{ids[voice_id]} ({voice_id})" in text
                assert f" {voice_id} " not in text  # never bare
        assert set(asked) == {f"/api/voices/{voice_id}" for voice_id in shown}
        assert set(asked.values()) == {1}
        before = len(log)
        await call_text(client, "get_call", call_id=n.multi_stage_call_id)
        assert not any(p.startswith("/api/voices/") for p in log.paths()[before:])
    stages = texts[1]
    assert "voice Ava→Mark" in stages  # changes name the voices; each stage line has the id


async def test_every_paged_result_prints_its_cursor_once(client: Client, data: SandboxData) -> None:
    n = data.notable
    results = [
        await call_text(client, "list_calls", page_size=3),
        await call_text(client, "list_agents", page_size=2),
        await call_text(client, "list_call_events", call_id=n.stress_call_id, page_size=2),
        await call_text(
            client, "get_call_transcript", call_id=n.failed_tool_call_id, max_chars=2_000
        ),
    ]
    for text in results:
        cursor = next_cursor(text)
        assert cursor is not None
        assert text.count(cursor) == 1, text.splitlines()[-1]
        assert "pass it as cursor to" in text


async def test_fences_say_where_their_data_came_from(client: Client, data: SandboxData) -> None:
    n = data.notable
    expected = {
        ("list_calls", ()): {"call summaries": "the calls"},
        ("get_call_transcript", (("call_id", n.failed_tool_call_id),)): {"transcript": "the call"},
        ("list_call_tools", (("call_id", n.failed_tool_call_id),)): {
            "tool definitions": "the call's tool configuration"
        },
        ("list_agents", ()): {"agents": "the account's agents"},
        ("get_agent", (("agent_id", n.agent_ids[0]),)): {
            "system prompt opening": "the agent's configuration"
        },
        ("get_agent", (("agent_id", n.agent_ids[0]), ("field", "system_prompt"))): {
            "system prompt": "the agent's configuration"
        },
        ("get_call", (("call_id", n.multi_stage_call_id),)): {
            "summary": "the call",
            "metadata": "the call",
            "system prompt opening": "the call",
        },
    }
    for (tool, args), labels in expected.items():
        text = await call_text(client, tool, **dict(args))
        assert dict(_FENCE.findall(text)) == labels, tool


async def test_get_call_says_the_call_id_once(client: Client, data: SandboxData) -> None:
    n = data.notable
    for call_id in (n.multi_stage_call_id, n.secrets_call_id, n.live_call_id):
        text = await call_text(client, "get_call", call_id=call_id)
        assert text.count(call_id) == 1
        assert text.startswith(f"Call {call_id}\n")
    # A cut's exact continuation is the one exception: it must be copyable as printed.
    wide = await call_text(client, "get_call", call_id=n.wide_metadata_call_id)
    assert wide.count(n.wide_metadata_call_id) == 2


async def test_the_medium_says_how_the_call_connected_and_drops_what_helps_no_diagnosis(
    client: Client, data: SandboxData
) -> None:
    n = data.notable
    secrets = await call_text(client, "get_call", call_id=n.secrets_call_id)
    assert (
        "medium: phone (SIP, outbound to sip:frontdesk@pbx.brightsmile.example "
        "from sip:ultravox@sandbox.invalid, SIP credentials set)"
    ) in secrets
    assert "brightsmile-trunk" not in secrets  # the SIP user name: no diagnosis needs it
    websocket = await call_text(client, "get_call", call_id=n.multi_stage_call_id)
    assert "medium: server WebSocket (input 16,000 Hz, output 24,000 Hz)" in websocket
    media = []
    for record in data.calls[:40]:
        text = await call_text(client, "get_call", call_id=record.call_id)
        media += [line for line in text.splitlines() if line.startswith("medium: ")]
        assert "retention: retain" not in text
    assert len(media) > 20
    assert not any("{" in line for line in media)  # never raw JSON
