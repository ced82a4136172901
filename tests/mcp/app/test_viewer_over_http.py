"""The viewer's tools reach a host that renders MCP Apps over HTTP, in every mode: a
stateless server keeps no initialize, so a legacy host arrives with no capabilities."""

from __future__ import annotations

import anyio
import httpx2
import pytest
from starlette.types import ASGIApp

from mcp import Client
from tests.mcp.conftest import APPS_HOST
from tests.mcp.loopback import serve_app
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.mcp.transports.http import HttpOptions, build_http_app
from ultravox_calls_mcp.sandbox import create_app, sandbox_settings

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("stateless", [False, True])
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_an_apps_host_lists_and_calls_the_timeline_over_http(
    stateless: bool, mode: str
) -> None:
    sandbox = create_app()
    call_id = sandbox.state.data.notable.barge_in.call_id

    def make(port: int) -> ASGIApp:
        transport = httpx2.ASGITransport(app=sandbox)
        server = build_server(sandbox_settings(), http_transport=transport)
        return build_http_app(server, HttpOptions(port=port, stateless=stateless))

    with serve_app(make) as port:
        url = f"http://127.0.0.1:{port}/mcp"
        async with Client(url, mode=mode, extensions=[APPS_HOST]) as client:
            with anyio.fail_after(60):
                names = {tool.name for tool in (await client.list_tools()).tools}
                result = await client.call_tool("get_call_timeline", {"call_id": call_id})
    assert "get_call_timeline" in names
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["callId"] == call_id
