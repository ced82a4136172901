"""The real MCP server, over the in-process sandbox, reached through a real MCP client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from mcp.client import advertise
from mcp.types import CallToolResult, TextContent
from starlette.applications import Starlette

from mcp import Client
from tests.conftest import leaked_secret
from ultravox_calls_mcp.api.transport import Sleep
from ultravox_calls_mcp.mcp.app.contract import VIEWER_MIME_TYPE
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import SandboxData, create_app, sandbox_settings


@pytest.fixture
def sandbox_app() -> Starlette:
    return create_app()


@pytest.fixture
def data(sandbox_app: Starlette) -> SandboxData:
    result: SandboxData = sandbox_app.state.data
    return result


# What a host that renders MCP Apps (Claude Desktop, VS Code) advertises at initialize.
APPS_HOST = advertise("io.modelcontextprotocol/ui", {"mimeTypes": [VIEWER_MIME_TYPE]})


def connect(
    app: Starlette,
    *,
    mode: str = "auto",
    sleep: Sleep | None = None,
    apps: bool = True,
    **overrides: object,
) -> Client:
    """A client of the real server over ``app``, by default one that renders MCP Apps
    (``apps=False``: one that does not); ``sleep`` records its retry back-off (with zero
    jitter) instead of waiting it out."""
    seams: dict[str, Any] = {} if sleep is None else {"sleep": sleep, "random": lambda: 0.0}
    transport = httpx2.ASGITransport(app=app)
    server = build_server(sandbox_settings(**overrides), http_transport=transport, **seams)
    return Client(server, mode=mode, extensions=[APPS_HOST] if apps else None)


# Every tool test runs in both protocol modes: the current one and the legacy
# 2025-11-25 handshake that desktop clients still speak.
@pytest.fixture(params=["auto", "legacy"])
async def client(request: pytest.FixtureRequest, sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with connect(sandbox_app, mode=request.param) as connected:
        yield connected


def text_of(result: CallToolResult) -> str:
    parts = [block.text for block in result.content if isinstance(block, TextContent)]
    assert len(parts) == len(result.content), "every content block should be text"
    return "\n".join(parts)


def assert_no_secret(text: str, arguments: dict[str, object] | None = None) -> str:
    """``text`` unchanged, after checking it holds no planted secret (tests/conftest.py).

    A secret the test itself passed as an argument may be echoed back (a query line).
    """
    secret = leaked_secret(text, exempt=repr(arguments or {}))
    assert secret is None, f"a planted secret reached the model: …{secret[:12]}…"
    return text


async def call_text(client: Client, tool: str, **arguments: object) -> str:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
    return assert_no_secret(text_of(result), arguments)


async def call_error(client: Client, tool: str, **arguments: object) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, f"expected an error result, got: {text_of(result)[:500]}"
    return assert_no_secret(text_of(result), arguments)


_ROW_ID = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) · ", re.M)
_CURSOR = re.compile(r'next cursor: "([^"]+)"')


def row_ids(text: str) -> list[str]:
    """Ids at the start of listing rows (calls, agents), in order."""
    return _ROW_ID.findall(text)


def next_cursor(text: str) -> str | None:
    match = _CURSOR.search(text)
    return match.group(1) if match else None
