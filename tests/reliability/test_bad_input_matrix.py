"""Bad tool input matrix: every tool, every kind of bad argument → an error result that
names the parameter to fix, and **zero** upstream requests (counted in the sandbox log).

Also: metadata keys that try to smuggle query parameters stay inside ``metadata.*``.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

import httpx2
import pytest
from mcp.server import MCPServer
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import connect, text_of
from tests.reliability.conftest import model_facing_error
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import create_app, sandbox_settings

pytestmark = pytest.mark.anyio

CALL = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
STAGE = "5b7a1e2c-4d3f-4a1b-9c8d-7e6f5a4b3c2d"
AGENT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"

# Valid arguments of every tool; one value at a time is then spoiled.
BASE: dict[str, dict[str, object]] = {
    "list_calls": {},
    "get_call": {"call_id": CALL},
    "list_call_stages": {"call_id": CALL},
    "get_call_stage": {"call_id": CALL, "call_stage_id": STAGE},
    "get_call_transcript": {"call_id": CALL},
    "get_stage_messages": {"call_id": CALL, "call_stage_id": STAGE},
    "get_call_metrics": {"call_id": CALL},
    "list_call_events": {"call_id": CALL},
    "list_call_tools": {"call_id": CALL, "call_stage_id": STAGE},
    "list_agents": {},
    "get_agent": {"agent_id": AGENT},
    "search_transcripts": {"query": "refund"},
    "find_problem_calls": {},
    "summarize_calls": {},
}

BAD_IDS: dict[str, object] = {
    "not-a-uuid": "call-123",
    "dot-dot-slash": "../x",
    "query-smuggling": "a?b=1",
    "percent-encoded-dot-dot": "%2e%2e",
    "5kb-string": "3c90c3cc" * 640,
    "null": None,
    "uuid-with-path": f"{CALL}/../../agents",
}
ID_PARAMS = [
    (tool, param)
    for tool, args in BASE.items()
    for param in args
    if param in ("call_id", "call_stage_id", "agent_id")
]

PAGE_SIZES: dict[str, object] = {"zero": 0, "huge": 10**9, "true": True, "fraction": 1.5}
PAGED = ["list_calls", "list_call_events", "list_agents", "get_stage_messages"]


def _foreign_cursor() -> str:
    payload = {"k": "some-other-tool", "u": None, "s": 0, "x": 0, "m": None}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


CURSORS: dict[str, object] = {
    "garbage": "not a cursor at all",
    "url": "http://evil.example/api/calls?cursor=x",
    "negative-skip": base64.urlsafe_b64encode(
        json.dumps({"k": "calls", "u": None, "s": -5, "x": 0, "m": None}).encode()
    ).decode(),
    "another-tools-cursor": _foreign_cursor(),
    "5kb": "A" * 5_000,
    "number": 42,
}
CURSORED = [
    "list_calls",
    "get_call_transcript",
    "list_call_events",
    "list_agents",
    "get_stage_messages",
    "search_transcripts",
    "find_problem_calls",
    "summarize_calls",
]


def _case(tool: str, param: str, value: object, label: str) -> object:
    return pytest.param(tool, {**BASE[tool], param: value}, param, id=f"{tool}.{param}={label}")


CASES = [
    *(
        _case(t, p, v, label)
        for t, p in ID_PARAMS
        for label, v in BAD_IDS.items()
        # list_call_tools' stage is optional: null there means "the call's tools".
        if not (v is None and (t, p) == ("list_call_tools", "call_stage_id"))
    ),
    *(_case(t, "page_size", v, label) for t in PAGED for label, v in PAGE_SIZES.items()),
    *(_case(t, "cursor", v, label) for t in CURSORED for label, v in CURSORS.items()),
    _case("list_calls", "from_date", "2026-13-45", "month-13"),
    _case("list_calls", "from_date", "yesterday", "words"),
    _case("list_calls", "to_date", "2026-02-30", "feb-30"),
    pytest.param(
        "list_calls",
        {"from_date": "2026-06-01", "to_date": "2026-05-01"},
        "from_date",
        id="list_calls.from_date=after-to_date",
    ),
    _case("list_calls", "time_of_day_start", "25:00", "hour-25"),
    _case("list_calls", "min_duration_seconds", -1, "negative"),
    _case("list_calls", "metadata", {"x&pageSize": "1"}, "key-with-ampersand"),
    _case("list_calls", "metadata", {"a=b": "1"}, "key-with-equals"),
    _case("list_calls", "metadata", {"k": "line\nbreak\x00"}, "value-with-controls"),
    _case("list_calls", "metadata", {"k": 1}, "non-string-value"),
    _case("list_calls", "agent_ids", ["../agents"], "path-in-agent-id"),
    _case("list_calls", "voice_id", "a?b=1", "query-in-voice-id"),
    _case("list_calls", "search", "x" * 5_000, "5kb-search"),
    _case("list_call_events", "event_type", "a&type=b", "ampersand-in-type"),
    _case("list_call_events", "event_number", 0, "zero"),
    _case("list_call_events", "offset", -1, "negative"),
    _case("get_call", "field", "system_prompt", "unknown-field"),
    _case("get_call", "key", "", "empty-key"),
    _case("get_call", "key", "k" * 5_000, "5kb-key"),
    _case("get_call", "offset", -1, "negative"),
    _case("list_call_tools", "tool_name", "t" * 5_000, "5kb-tool-name"),
    _case("list_call_tools", "offset", -1, "negative"),
    _case("search_transcripts", "metadata", {"x&pageSize": "1"}, "key-with-ampersand"),
    *(
        pytest.param(tool, {**args, "page": 2}, "page", id=f"{tool}.unknown-argument")
        for tool, args in BASE.items()
    ),
]


@functools.cache
def _shared() -> tuple[Starlette, MCPServer[Any]]:
    """One sandbox and one server for the whole matrix: building a server costs ~0.15 s,
    and no case here may change either (each one must send nothing)."""
    app = create_app()
    transport = httpx2.ASGITransport(app=app)
    return app, build_server(sandbox_settings(cache_enabled=False), http_transport=transport)


@pytest.mark.parametrize(("tool", "arguments", "param"), CASES)
async def test_bad_input_is_refused_with_a_fix_it_message_and_no_request(
    tool: str, arguments: dict[str, object], param: str
) -> None:
    app, server = _shared()
    async with Client(server) as client:
        app.state.requests.clear()
        result = await client.call_tool(tool, arguments)
    message = model_facing_error(result)
    assert app.state.requests == [], f"{tool} sent {app.state.requests.paths()}"
    assert param in message or "cursor" in message, message
    assert len(message) < 1_000, "the message should not echo a huge argument"


async def _one_request_query(client: Client, app: Starlette, **arguments: object) -> list[str]:
    app.state.requests.clear()
    result = await client.call_tool("list_calls", arguments)
    assert not result.is_error, text_of(result)
    [request] = app.state.requests
    return [name for name, _ in request.query]


@pytest.mark.parametrize("key", ["cursor", "pageSize", "sort"])
async def test_metadata_keys_named_like_parameters_stay_inside_the_metadata_namespace(
    sandbox_app: Starlette, key: str
) -> None:
    async with connect(sandbox_app) as client:
        names = await _one_request_query(client, sandbox_app, metadata={key: "1"})
    assert f"metadata.{key}" in names
    assert names.count("pageSize") == 1
    assert key == "pageSize" or key not in names
