"""The HTTP client is made on the first request (not before the server answers initialize),
and an environment it cannot be made from is reported in our words at that request."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from mcp.types import TextContent
from pydantic import SecretStr

from mcp import Client
from ultravox_calls_mcp.api import ConnectionFailedError, UltravoxClient
from ultravox_calls_mcp.api import client as client_module
from ultravox_calls_mcp.api.transport import ApiTransport
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.server import build_server

pytestmark = pytest.mark.anyio

SETTINGS = Settings(api_key=SecretStr("k" * 24), base_url="https://api.ultravox.invalid")


async def test_nothing_is_made_until_a_request_and_a_closed_client_stays_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> ApiTransport:
        made.append(args)
        return ApiTransport(*args, **kwargs)

    monkeypatch.setattr(client_module, "ApiTransport", counting)
    async with UltravoxClient(SETTINGS) as client:
        assert repr(client) == "UltravoxClient(base_url='https://api.ultravox.invalid')"
    assert made == []
    with pytest.raises(RuntimeError, match="closed"):
        await client.get_account()
    assert made == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SSL_CERT_FILE", "{tmp}/missing-bundle.pem"),
        ("ALL_PROXY", "socks9://someone:pr0xy-pa55@proxy.internal:1080"),
    ],
)
async def test_an_unusable_environment_fails_the_request_in_our_words(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    variable: str,
    value: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(variable, value.format(tmp=tmp_path))
    async with UltravoxClient(SETTINGS) as client:
        with pytest.raises(ConnectionFailedError) as caught:
            await client.get_account()
    message = str(caught.value)
    assert "Could not set up the connection to Ultravox" in message
    assert variable in message
    # Names what to check, never the values (a proxy URL may carry credentials).
    assert "missing-bundle" not in message
    assert "pr0xy-pa55" not in message
    assert "proxy.internal" not in message
    # Nor does the log quote the environment (a proxy URL names its user and host).
    assert "could not set up the HTTP client" in caplog.text
    for part in ("missing-bundle", "someone", "pr0xy-pa55", "proxy.internal"):
        assert part not in caplog.text


async def test_the_server_starts_and_lists_tools_even_so_and_says_what_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Before the client was made lazily, this environment stopped the server at start-up.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing-bundle.pem"))
    async with Client(build_server(SETTINGS)) as client:
        assert (await client.list_tools()).tools
        result = await client.call_tool("list_calls", {})
    assert result.is_error
    (block,) = result.content
    assert isinstance(block, TextContent)
    assert "SSL_CERT_FILE" in block.text
