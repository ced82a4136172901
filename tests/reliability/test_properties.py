"""Property tests: any arguments to any tool, and any API payload the OpenAPI schemas allow
(plus unknown fields and nulls), give a result or one of our errors, never a crash.

Example counts are modest so the suite stays fast; failures shrink to a small input.
"""

from __future__ import annotations

import functools
from typing import Any

import anyio
import httpx2
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mcp.server import MCPServer
from mcp.types import CallToolResult
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mcp import Client
from tests.mcp.conftest import text_of
from tests.reliability.conftest import UPSTREAM_WORDS, model_facing_error
from tests.reliability.schema_strategies import api_response, tool_arguments, wild_arguments
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import create_app, sandbox_settings

pytestmark = pytest.mark.anyio

CALL = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
STAGE = "5b7a1e2c-4d3f-4a1b-9c8d-7e6f5a4b3c2d"
AGENT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
FAST = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _server(app: Any, **overrides: object) -> MCPServer[Any]:
    transport = httpx2.ASGITransport(app=app)
    return build_server(sandbox_settings(**overrides), http_transport=transport)


@functools.cache
def _sandbox_server() -> MCPServer[Any]:
    return _server(create_app(), cache_enabled=False, max_chars=4_000)


@functools.cache
def _tool_schemas() -> dict[str, dict[str, Any]]:
    tools = anyio.run(_sandbox_server().list_tools)
    return {tool.name: tool.input_schema for tool in tools}


def _assert_result_or_our_error(result: CallToolResult, budget: int | None = None) -> None:
    if result.is_error:
        model_facing_error(result)
    elif budget is not None:
        assert len(text_of(result)) <= budget


TOOLS = sorted(_tool_schemas())


async def _call(
    server: MCPServer[Any], tool: str, arguments: dict[str, Any], budget: int | None
) -> None:
    async with Client(server) as client:
        _assert_result_or_our_error(await client.call_tool(tool, arguments), budget)


# The property tests are plain functions that run each example's calls with anyio.run:
# data.draw() then happens outside the event loop, where Hypothesis can stop an example
# (StopTest) without leaving a failed task behind ("Task exception was never retrieved").


@pytest.mark.parametrize("tool", TOOLS)
@FAST
@given(data=st.data())
def test_any_arguments_give_a_result_or_our_error(tool: str, data: st.DataObject) -> None:
    schema = _tool_schemas()[tool]
    arguments = data.draw(tool_arguments(schema) | wild_arguments(schema), label="arguments")
    # Our errors quote a bad argument back (clipped); an argument that itself holds an
    # upstream error's words would make that quote look like a leak, so none is drawn.
    assume(not any(word in repr(arguments) for word in UPSTREAM_WORDS))
    if "max_calls" in schema.get("properties", {}):
        # An audit over the whole sandbox per example would take the suite minutes.
        limit = arguments.get("max_calls")
        arguments["max_calls"] = min(limit, 3) if isinstance(limit, int) else 3
    anyio.run(_call, _sandbox_server(), tool, arguments, None)


# tool -> (the endpoint whose answer is generated, the tool's arguments)
PAYLOAD_TOOLS: dict[str, tuple[str, dict[str, object]]] = {
    "list_calls": ("GET /api/calls", {}),
    "get_call": ("GET /api/calls/{call_id}", {"call_id": CALL}),
    "list_call_stages": ("GET /api/calls/{call_id}/stages", {"call_id": CALL}),
    "get_call_stage": (
        "GET /api/calls/{call_id}/stages/{call_stage_id}",
        {"call_id": CALL, "call_stage_id": STAGE},
    ),
    "get_call_transcript": ("GET /api/calls/{call_id}/messages", {"call_id": CALL}),
    "get_stage_messages": (
        "GET /api/calls/{call_id}/stages/{call_stage_id}/messages",
        {"call_id": CALL, "call_stage_id": STAGE},
    ),
    "list_call_events": ("GET /api/calls/{call_id}/events", {"call_id": CALL}),
    "list_call_tools": ("GET /api/calls/{call_id}/tools", {"call_id": CALL}),
    "list_agents": ("GET /api/agents", {}),
    "get_agent": ("GET /api/agents/{agent_id}", {"agent_id": AGENT}),
}
_EMPTY_PAGE: dict[str, Any] = {"results": [], "next": None, "previous": None, "total": 0}
_DEFAULTS: dict[str, Any] = {
    "GET /api/calls/{call_id}/stages/{call_stage_id}": {"callStageId": STAGE, "callId": CALL},
    "GET /api/calls/{call_id}/stages/{call_stage_id}/tools": [],
    "GET /api/calls/{call_id}/tools": [],
}


class Served:
    """An upstream answering each endpoint with whatever the current example put there."""

    def __init__(self) -> None:
        self.payloads: dict[str, Any] = {}
        routes = [Route(e.split(" ", 1)[1], self._endpoint(e)) for e in _all_endpoints()]
        self.app = Starlette(routes=routes)

    def _endpoint(self, endpoint: str) -> Any:
        async def run(request: Request) -> Response:
            fallback = _DEFAULTS.get(endpoint, _EMPTY_PAGE)
            return JSONResponse(self.payloads.get(endpoint, fallback))

        return run


def _all_endpoints() -> list[str]:
    return [*(e for e, _ in PAYLOAD_TOOLS.values()), *_DEFAULTS]


@functools.cache
def _served() -> tuple[Served, MCPServer[Any]]:
    served = Served()
    return served, _server(served.app, max_chars=4_000)


@pytest.mark.parametrize("tool", sorted(PAYLOAD_TOOLS))
@FAST
@given(data=st.data())
def test_any_schema_shaped_payload_parses_and_renders_or_is_our_error(
    tool: str, data: st.DataObject
) -> None:
    endpoint, arguments = PAYLOAD_TOOLS[tool]
    served, server = _served()
    served.payloads = {endpoint: data.draw(api_response(endpoint), label="payload")}
    anyio.run(_call, server, tool, dict(arguments), 4_000)
