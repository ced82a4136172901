"""The MCP Inspector CLI (a client we did not write) against the sandbox, over stdio and HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp import Client
from tests.e2e.clients import client_env, http_server, inspector, run_node, server_command
from ultravox_calls_mcp.config import HTTP_TOKEN_ENV, Settings
from ultravox_calls_mcp.mcp.server import build_server

TEMPLATES = {
    "ultravox://calls/{call_id}",
    "ultravox://calls/{call_id}/transcript",
    "ultravox://calls/{call_id}/stages/{call_stage_id}/transcript",
}
PROMPTS = {"debug_call", "compare_stages", "audit_transcripts"}


def _stdio(*args: str) -> list[str]:
    # After "--", so that our flags (e.g. --log-level) are not taken as the Inspector's.
    return ["--", str(server_command()), "--sandbox", *args]


def _our_tool_names() -> set[str]:
    async def names() -> set[str]:
        async with Client(build_server(Settings())) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    return anyio.run(names)


def _text(result: dict[str, Any]) -> str:
    assert result["isError"] is False, result
    (block,) = result["content"]
    assert block["type"] == "text"
    text: str = block["text"]
    return text


def test_inspector_over_stdio_lists_the_same_read_only_tools_we_serve(tmp_path: Path) -> None:
    listing = inspector(["--method", "tools/list", *_stdio()], client_env(tmp_path))
    tools = {tool["name"]: tool for tool in listing["tools"]}
    assert set(tools) == _our_tool_names()
    for tool in tools.values():
        assert tool["inputSchema"]["type"] == "object"
        assert tool["annotations"]["readOnlyHint"] is True
        assert tool["description"]


def test_inspector_over_stdio_lists_resource_templates_and_prompts(tmp_path: Path) -> None:
    env = client_env(tmp_path)
    templates = inspector(["--method", "resources/templates/list", *_stdio()], env)
    prompts = inspector(["--method", "prompts/list", *_stdio()], env)
    assert {t["uriTemplate"] for t in templates["resourceTemplates"]} == TEMPLATES
    assert {p["name"] for p in prompts["prompts"]} >= PROMPTS


def test_inspector_over_stdio_calls_a_tool_and_follows_its_ids(tmp_path: Path) -> None:
    env = client_env(tmp_path)
    listing = inspector(
        [
            "--method",
            "tools/call",
            "--tool-name",
            "list_calls",
            "--tool-arg",
            "page_size=2",
            *_stdio(),
        ],
        env,
    )
    assert _text(listing).startswith("Calls 1–2 of ")
    calls = listing["structuredContent"]["calls"]
    assert len(calls) == 2
    ended = next(c for c in calls if not c["live"])
    transcript = inspector(
        [
            "--method",
            "resources/read",
            "--uri",
            f"ultravox://calls/{ended['call_id']}/transcript",
            *_stdio(),
        ],
        env,
    )
    (contents,) = transcript["contents"]
    assert f"Transcript of call {ended['call_id']}" in contents["text"]
    prompt = inspector(
        [
            "--method",
            "prompts/get",
            "--prompt-name",
            "debug_call",
            "--prompt-args",
            f"call_id={ended['call_id']}",
            *_stdio(),
        ],
        env,
    )
    assert ended["call_id"] in str(prompt["messages"])


def test_inspector_over_streamable_http_lists_and_calls(tmp_path: Path) -> None:
    env = client_env(tmp_path)
    with http_server(env) as url:
        tools = inspector([url, "--method", "tools/list"], env)
        templates = inspector([url, "--method", "resources/templates/list"], env)
        prompts = inspector([url, "--method", "prompts/list"], env)
        agents = inspector([url, "--method", "tools/call", "--tool-name", "list_agents"], env)
    assert {t["name"] for t in tools["tools"]} == _our_tool_names()
    assert {t["uriTemplate"] for t in templates["resourceTemplates"]} == TEMPLATES
    assert {p["name"] for p in prompts["prompts"]} >= PROMPTS
    assert _text(agents).startswith("Agents 1–")


def test_inspector_over_http_needs_the_bearer_token_when_one_is_set(tmp_path: Path) -> None:
    token = "e2e-token-0123456789abcdef"
    server_env = client_env(tmp_path, **{HTTP_TOKEN_ENV: token})
    env = client_env(tmp_path)
    with http_server(server_env) as url:
        refused = run_node("mcp-inspector", ["--cli", url, "--method", "tools/list"], env)
        answer = inspector(
            [url, "--method", "tools/list", "--header", f"Authorization: Bearer {token}"], env
        )
    # Refused with 401: the Inspector reads that as "sign-in needed" and, with no TTY, stops.
    assert refused.returncode != 0
    assert '"auth_required"' in refused.stderr
    assert "tools" not in refused.stdout
    assert {t["name"] for t in answer["tools"]} == _our_tool_names()


@pytest.mark.parametrize("method", ["tools/list", "prompts/list"])
def test_the_stdio_server_writes_nothing_but_protocol_to_stdout(
    tmp_path: Path, method: str
) -> None:
    # The Inspector parses every stdout line as JSON-RPC; any stray print breaks it.
    completed = run_node(
        "mcp-inspector",
        ["--cli", "--method", method, *_stdio("--log-level", "DEBUG")],
        client_env(tmp_path),
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
