"""The server as users run it: a subprocess over stdio and streamable HTTP, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import AbstractContextManager

import anyio
import httpx2
import pytest

from mcp import Client, StdioServerParameters
from tests.mcp.conftest import call_text, row_ids
from tests.subprocess_server import serving
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, create_app, run_loopback

pytestmark = pytest.mark.anyio

# Spawned servers get a clean environment: no real key may leak in from the machine.
_CHILD_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "PYTHONUNBUFFERED": "1",
    "HOME": os.environ.get("HOME", tempfile.gettempdir()),
}


def _serving(*args: str) -> AbstractContextManager[int]:
    return serving(
        lambda port: [
            sys.executable,
            "-m",
            "ultravox_calls_mcp",
            "--sandbox",
            *args,
            "--port",
            str(port),
        ],
        _CHILD_ENV,
    )


async def test_stdio_subprocess_lists_tools_and_reads_a_transcript() -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "ultravox_calls_mcp", "--sandbox"], env=_CHILD_ENV
    )
    with anyio.fail_after(60):
        async with Client(params, mode="legacy") as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert {"list_calls", "get_call_transcript"} <= tools
            listing = await call_text(client, "list_calls", page_size=2)
            call_id = row_ids(listing)[0]
            transcript = await call_text(client, "get_call_transcript", call_id=call_id)
    assert f"Transcript of call {call_id}" in transcript


async def test_stdio_subprocess_with_a_key_reads_the_sandbox_over_real_http() -> None:
    """The production path end to end: key and base URL from the environment, real sockets."""
    app = create_app()
    with run_loopback(app) as base_url:
        env = {**_CHILD_ENV, "ULTRAVOX_API_KEY": SANDBOX_API_KEY, "ULTRAVOX_BASE_URL": base_url}
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "ultravox_calls_mcp"], env=env
        )
        call_id = app.state.data.notable.three_stage_call_id
        with anyio.fail_after(60):
            async with Client(params) as client:
                transcript = await call_text(client, "get_call_transcript", call_id=call_id)
        paths = app.state.requests.paths()
    assert transcript.count("=== stage ") == 3
    assert any(path.endswith("/messages") for path in paths)
    assert all(request.had_api_key for request in app.state.requests)


async def test_streamable_http_subprocess_serves_a_tool_call() -> None:
    with _serving("--transport", "http") as port:
        with anyio.fail_after(60):
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                text = await call_text(client, "list_agents")
    assert "Agents 1–" in text


async def test_http_transport_rejects_a_foreign_host_header() -> None:
    with _serving("--transport", "http") as port:
        async with httpx2.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{port}/mcp",
                headers={"Host": "evil.example", "Content-Type": "application/json"},
                content=b"{}",
            )
    assert response.status_code == 421


def test_try_prints_the_text_the_assistant_would_receive() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ultravox_calls_mcp",
            "--sandbox",
            "try",
            "list_calls",
            "page_size=3",
        ],
        env=_CHILD_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Calls 1–3 of ")
    assert "next cursor" in completed.stdout


def test_without_a_key_the_server_exits_2_naming_the_variable() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ultravox_calls_mcp"],
        env=_CHILD_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "ULTRAVOX_API_KEY" in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert completed.stdout == ""


def test_binding_a_public_address_without_allowed_hosts_refuses_to_start() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ultravox_calls_mcp",
            "--sandbox",
            "--transport",
            "http",
            "--host",
            "0.0.0.0",  # noqa: S104 - the point is that it refuses
        ],
        env=_CHILD_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "--allowed-host" in completed.stderr
    assert "ULTRAVOX_MCP_HTTP_TOKEN" in completed.stderr
