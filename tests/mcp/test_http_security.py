"""The HTTP transport's checks, over a real loopback socket: Host, Origin, body size,
bearer token, stateless mode and idle sessions."""

from __future__ import annotations

import json
from collections.abc import Callable

import anyio
import httpx2
import pytest
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr
from starlette.types import ASGIApp

from mcp import Client
from tests.mcp.conftest import call_text
from tests.mcp.loopback import serve_app as _serve
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.mcp.transports.http import (
    HttpConfigError,
    HttpOptions,
    build_http_app,
    check_options,
)
from ultravox_calls_mcp.sandbox import create_app, sandbox_settings

pytestmark = pytest.mark.anyio

TOKEN = "test-bearer-token-0123456789"
_INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}
_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def _app_factory(**options: object) -> Callable[[int], ASGIApp]:
    def make(port: int) -> ASGIApp:
        server = build_server(
            sandbox_settings(), http_transport=httpx2.ASGITransport(app=create_app())
        )
        return build_http_app(server, HttpOptions(port=port, **options))  # type: ignore[arg-type]

    return make


async def _post(port: int, body: bytes | None = None, **headers: str) -> httpx2.Response:
    async with httpx2.AsyncClient() as http:
        return await http.post(
            f"http://127.0.0.1:{port}/mcp",
            content=body if body is not None else json.dumps(_INIT).encode(),
            headers={**_HEADERS, **headers},
        )


async def test_a_foreign_host_header_is_refused_with_421() -> None:
    with _serve(_app_factory()) as port:
        response = await _post(port, Host="attacker.example")
    assert response.status_code == 421


async def test_a_foreign_origin_is_refused_with_403_even_from_another_local_port() -> None:
    with _serve(_app_factory()) as port:
        foreign = await _post(port, Origin="https://attacker.example")
        other_port = await _post(port, Origin=f"http://localhost:{port + 1}")
        own = await _post(port, Origin=f"http://localhost:{port}")
    assert foreign.status_code == 403
    assert other_port.status_code == 403
    assert own.status_code == 200


async def test_a_body_over_4_mib_is_refused_with_413() -> None:
    with _serve(_app_factory()) as port:
        response = await _post(port, body=b"x" * (4 * 1024 * 1024 + 1))
    assert response.status_code == 413


async def test_the_bearer_token_is_required_and_compared_exactly() -> None:
    with _serve(_app_factory(bearer_token=SecretStr(TOKEN))) as port:
        missing = await _post(port)
        wrong = await _post(port, Authorization=f"Bearer {TOKEN}x")
        right = await _post(port, Authorization=f"Bearer {TOKEN}")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert TOKEN not in missing.text + wrong.text


async def test_a_token_in_the_query_string_is_never_accepted() -> None:
    with _serve(_app_factory(bearer_token=SecretStr(TOKEN))) as port:
        async with httpx2.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{port}/mcp?access_token={TOKEN}",
                json=_INIT,
                headers={**_HEADERS, "Authorization": f"Bearer {TOKEN}"},
            )
    assert response.status_code == 400


async def test_a_real_client_with_the_token_calls_a_tool() -> None:
    with _serve(_app_factory(bearer_token=SecretStr(TOKEN))) as port:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
        async with (
            http,
            Client(
                streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
            ) as client,
        ):
            text = await call_text(client, "list_agents")
    assert text.startswith("Agents 1–")


async def test_stateless_mode_serves_calls_without_sessions() -> None:
    with _serve(_app_factory(stateless=True)) as port:
        response = await _post(port)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            text = await call_text(client, "list_calls", page_size=2)
    assert response.status_code == 200
    assert "mcp-session-id" not in response.headers
    assert text.startswith("Calls 1–2 of")


async def test_an_abandoned_session_is_closed_after_the_idle_timeout() -> None:
    with _serve(_app_factory(session_idle_timeout=0.2)) as port:
        opened = await _post(port)
        session = opened.headers["mcp-session-id"]
        ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
        with anyio.fail_after(10):
            while True:
                again = await _post(
                    port,
                    json.dumps(ping).encode(),
                    **{"mcp-session-id": session, "mcp-protocol-version": "2025-11-25"},
                )
                if again.status_code == 404:
                    break
                # Each request refreshes the session, so wait out the timeout between them.
                await anyio.sleep(0.3)


def test_a_public_bind_needs_both_an_allow_list_and_a_token() -> None:
    with pytest.raises(HttpConfigError) as no_both:
        check_options(HttpOptions(host="0.0.0.0"))  # noqa: S104 - refused is the point
    assert "--allowed-host" in str(no_both.value)
    assert "ULTRAVOX_MCP_HTTP_TOKEN" in str(no_both.value)
    with pytest.raises(HttpConfigError) as no_token:
        check_options(HttpOptions(host="10.1.2.3", allowed_hosts=("calls.internal:8000",)))
    assert "ULTRAVOX_MCP_HTTP_TOKEN" in str(no_token.value)
    check_options(
        HttpOptions(
            host="10.1.2.3", allowed_hosts=("calls.internal:8000",), bearer_token=SecretStr(TOKEN)
        )
    )
