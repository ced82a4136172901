"""stdio hygiene: stdout carries only JSON-RPC, even when code inside the server prints.

A child process builds our server over the sandbox, adds a tool that writes to stdout
three ways (print, sys.stdout, os.write on fd 1, as a chatty dependency might), and serves
stdio. The real MCP client keeps working; a raw reading of stdout finds only JSON-RPC.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

from mcp import Client, StdioServerParameters
from tests.mcp.conftest import call_text

pytestmark = pytest.mark.anyio

SCRIPT = """
import os, sys

from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import in_process_sandbox

settings, transport = in_process_sandbox()
server = build_server(settings, http_transport=transport)

def noisy() -> str:
    \"\"\"Prints like a badly behaved dependency.\"\"\"
    print("print() from a dependency")
    sys.stdout.write("sys.stdout.write from a dependency\\n")
    sys.stdout.flush()
    os.write(1, b"os.write(1) from a C extension\\n")
    return "noisy done"

server.add_tool(noisy)
server.run("stdio")
"""
ENV = {
    "PATH": os.environ.get("PATH", ""),
    "PYTHONUNBUFFERED": "1",
    "HOME": os.environ.get("HOME", tempfile.gettempdir()),
}


async def test_a_printing_tool_does_not_break_the_real_client_over_stdio() -> None:
    params = StdioServerParameters(command=sys.executable, args=["-c", SCRIPT], env=ENV)
    with anyio.fail_after(30):
        async with Client(params) as client:
            for _ in range(2):
                assert await call_text(client, "noisy") == "noisy done"
            listed = await call_text(client, "list_agents")
    assert "agents" in listed.lower()


def _request(ident: int, method: str, params: dict[str, object]) -> bytes:
    message = {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}
    return (json.dumps(message) + "\n").encode()


async def _lines_until_id(process: Process, ident: int, seen: list[str]) -> None:
    assert process.stdout is not None
    buffer = ""
    async for chunk in TextReceiveStream(process.stdout):
        buffer += chunk
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            seen.append(line)
            if json.loads(line).get("id") == ident:
                return


async def test_stdout_carries_only_json_rpc_lines_while_a_tool_prints() -> None:
    init: dict[str, object] = {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    }
    seen: list[str] = []
    with anyio.fail_after(30):
        async with await anyio.open_process(
            [sys.executable, "-c", SCRIPT], env=ENV, stderr=None
        ) as process:
            assert process.stdin is not None
            await process.stdin.send(_request(1, "initialize", init))
            await _lines_until_id(process, 1, seen)
            initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
            await process.stdin.send((json.dumps(initialized) + "\n").encode())
            await process.stdin.send(_request(2, "tools/call", {"name": "noisy", "arguments": {}}))
            await _lines_until_id(process, 2, seen)
            await process.stdin.aclose()
    messages = [json.loads(line) for line in seen]  # any stray text fails to parse here
    assert all(m.get("jsonrpc") == "2.0" for m in messages)
    assert messages[-1]["result"]["content"][0]["text"] == "noisy done"
