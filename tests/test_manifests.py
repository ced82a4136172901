"""Client configuration examples name the real console script, flags, variables and version.

Each file under manifests/ is parsed the way its client would read it; the command it runs
is checked against pyproject's console script, its arguments against ``build_parser()``,
its environment against the variable names in ``config``, and any version against the
package's.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest

from mcp import Client
from ultravox_calls_mcp import __version__, config
from ultravox_calls_mcp.cli import build_parser
from ultravox_calls_mcp.config import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, Settings
from ultravox_calls_mcp.mcp.server import build_server

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = ROOT / "manifests"
ENV_VARS = frozenset(
    v for name, v in vars(config).items() if name.endswith("_ENV") and isinstance(v, str)
)
REGISTRY_SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


def _console_script() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (name,) = project["scripts"]
    assert project["scripts"][name] == "ultravox_calls_mcp.cli:main"
    return str(name)


def _json(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((MANIFESTS / path).read_text(encoding="utf-8"))
    return loaded


def _server(path: str, key: str = "mcpServers") -> dict[str, Any]:
    entry: dict[str, Any] = _json(path)[key]["ultravox-calls"]
    return entry


def _assert_cli_accepts(args: list[str]) -> None:
    # argparse exits (SystemExit) on an unknown flag or a bad value.
    build_parser().parse_args(args)


def test_every_manifest_file_is_valid_json_and_covered_here() -> None:
    covered = {
        "claude_desktop_config.json",
        "claude_desktop_config.sandbox.json",
        "claude_desktop_config.uvx.json",
        "claude_desktop_config.pip.json",
        "vscode.mcp.json",
        "cursor.mcp.json",
        "manifest.json",
        "server.json",
    }
    present = {p.name for p in MANIFESTS.glob("*.json")}
    assert present == covered
    for name in present:
        _json(name)


def test_claude_desktop_sandbox_config_runs_the_sandbox() -> None:
    entry = _server("claude_desktop_config.sandbox.json")
    assert entry["command"] == _console_script()
    assert entry["args"] == ["--sandbox"]
    assert build_parser().parse_args(entry["args"]).sandbox is True
    assert "env" not in entry


def test_claude_desktop_key_config_passes_the_key_variable() -> None:
    entry = _server("claude_desktop_config.json")
    assert entry["command"] == _console_script()
    _assert_cli_accepts(entry["args"])
    assert set(entry["env"]) == {API_KEY_ENV}


def test_claude_desktop_uvx_config_pins_this_version_of_the_package() -> None:
    entry = _server("claude_desktop_config.uvx.json")
    assert entry["command"] == "uvx"
    spec, *rest = entry["args"]
    # The PyPI project and the console script share one name, so uvx finds the command.
    assert spec == f"{_console_script()}@{__version__}"
    _assert_cli_accepts(rest)
    assert set(entry["env"]) == {API_KEY_ENV}


def test_claude_desktop_pip_config_runs_the_package_as_a_module() -> None:
    entry = _server("claude_desktop_config.pip.json")
    assert entry["command"].endswith("/python")
    flag, module, *rest = entry["args"]
    assert flag == "-m"
    assert importlib.util.find_spec(f"{module}.__main__") is not None
    _assert_cli_accepts(rest)
    assert set(entry["env"]) == {API_KEY_ENV}


def _claude_code_lines() -> list[list[str]]:
    text = (MANIFESTS / "claude_code.sh").read_text(encoding="utf-8")
    return [shlex.split(line) for line in text.splitlines() if line and not line.startswith("#")]


def test_claude_code_lines_add_the_console_script_with_real_flags_and_variables() -> None:
    lines = _claude_code_lines()
    assert len(lines) == 2
    seen_args = []
    for tokens in lines:
        assert tokens[:4] == ["claude", "mcp", "add", "ultravox-calls"]
        separator = tokens.index("--")
        options, (command, *args) = tokens[4:separator], tokens[separator + 1 :]
        assert command == _console_script()
        _assert_cli_accepts(args)
        seen_args.append(args)
        env_names = {
            options[i + 1].partition("=")[0] for i, opt in enumerate(options) if opt == "--env"
        }
        assert env_names <= ENV_VARS
        if "--sandbox" not in args:
            assert env_names == {API_KEY_ENV}
    assert ["--sandbox"] in seen_args


def test_vscode_config_prompts_for_the_key_as_a_password() -> None:
    document = _json("vscode.mcp.json")
    entry = _server("vscode.mcp.json", key="servers")
    assert entry["type"] == "stdio"
    assert entry["command"] == _console_script()
    _assert_cli_accepts(entry["args"])
    assert set(entry["env"]) == {API_KEY_ENV}
    (ref,) = re.findall(r"\$\{input:([^}]+)\}", entry["env"][API_KEY_ENV])
    (prompt,) = [i for i in document["inputs"] if i["id"] == ref]
    assert prompt["type"] == "promptString"
    assert prompt["password"] is True


def test_cursor_config_takes_the_key_from_the_environment_not_the_file() -> None:
    entry = _server("cursor.mcp.json")
    assert entry["command"] == _console_script()
    _assert_cli_accepts(entry["args"])
    assert entry["env"] == {API_KEY_ENV: f"${{env:{API_KEY_ENV}}}"}


def _live_tool_names() -> set[str]:
    async def names() -> set[str]:
        async with Client(build_server(Settings())) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    return anyio.run(names)


def test_mcpb_manifest_runs_the_console_script_with_the_package_version() -> None:
    manifest = _json("manifest.json")
    assert manifest["manifest_version"] == "0.4"
    assert manifest["name"] == _console_script()
    assert manifest["version"] == __version__
    mcp_config = manifest["server"]["mcp_config"]
    assert manifest["server"]["type"] == "uv"
    assert (ROOT / manifest["server"]["entry_point"]).is_file()
    # uv runs the console script from the bundled pyproject; what follows it is our CLI's.
    args = mcp_config["args"]
    assert mcp_config["command"] == "uv"
    assert args[0] == "run"
    script_at = args.index(_console_script())
    _assert_cli_accepts(args[script_at + 1 :])
    assert set(mcp_config["env"]) <= ENV_VARS
    assert API_KEY_ENV in mcp_config["env"]


def test_mcpb_manifest_user_config_backs_every_reference_and_hides_the_key() -> None:
    manifest = _json("manifest.json")
    user_config = manifest["user_config"]
    env = manifest["server"]["mcp_config"]["env"]
    refs = {m for v in env.values() for m in re.findall(r"\$\{user_config\.(\w+)\}", v)}
    assert refs == set(user_config)
    key_option = re.fullmatch(r"\$\{user_config\.(\w+)\}", env[API_KEY_ENV])
    assert key_option is not None
    assert user_config[key_option[1]]["sensitive"] is True
    base_option = re.fullmatch(r"\$\{user_config\.(\w+)\}", env[BASE_URL_ENV])
    assert base_option is not None
    assert user_config[base_option[1]]["default"] == DEFAULT_BASE_URL


def test_mcpb_manifest_declares_only_tools_the_server_has() -> None:
    declared = {tool["name"] for tool in _json("manifest.json")["tools"]}
    assert declared
    assert declared <= _live_tool_names()


# The rules of the 2025-12-11 server.json schema that this file relies on, restated here
# so the check runs offline; tests/e2e does not fetch the published schema either.
_REGISTRY_RULES: dict[str, Any] = {
    "type": "object",
    "required": ["$schema", "name", "description", "version", "packages"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$"},
        "description": {"type": "string", "minLength": 1, "maxLength": 100},
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "version": {"type": "string", "maxLength": 255},
        "repository": {"type": "object", "required": ["url", "source"]},
        "packages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["registryType", "identifier", "transport"],
                "properties": {
                    "version": {"type": "string", "minLength": 1, "not": {"const": "latest"}},
                    "transport": {
                        "type": "object",
                        "required": ["type"],
                        "properties": {"type": {"enum": ["stdio", "streamable-http", "sse"]}},
                    },
                    "environmentVariables": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {
                                "isSecret": {"type": "boolean"},
                                "isRequired": {"type": "boolean"},
                                "default": {"type": "string"},
                                "format": {"enum": ["string", "number", "boolean", "filepath"]},
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_registry_server_json_follows_the_2025_12_11_schema_rules() -> None:
    document = _json("server.json")
    jsonschema.validate(document, _REGISTRY_RULES)
    assert document["$schema"] == REGISTRY_SCHEMA_URL
    namespace, _, server = document["name"].partition("/")
    assert namespace.startswith("io.github.")
    assert server == _console_script()


def test_registry_server_json_points_at_this_pypi_package_and_version() -> None:
    document = _json("server.json")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert document["version"] == __version__
    (package,) = document["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == project["name"] == _console_script()
    assert package["version"] == __version__
    assert package["transport"] == {"type": "stdio"}


def test_registry_server_json_variables_are_real_with_true_defaults() -> None:
    (package,) = _json("server.json")["packages"]
    variables = {v["name"]: v for v in package["environmentVariables"]}
    assert set(variables) <= ENV_VARS
    key = variables[API_KEY_ENV]
    assert key["isSecret"] is True
    assert key["isRequired"] is True
    assert variables[BASE_URL_ENV]["default"] == DEFAULT_BASE_URL
    if config.MAX_CHARS_ENV in variables:
        assert variables[config.MAX_CHARS_ENV]["default"] == str(Settings().max_chars)


def test_readme_carries_the_registry_ownership_marker() -> None:
    # The MCP Registry proves PyPI ownership by finding "mcp-name: <name>" in the
    # package's long description, which is the README.
    name = _json("server.json")["name"]
    assert f"mcp-name: {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path",
    [*sorted(p.name for p in MANIFESTS.glob("*.json")), "claude_code.sh"],
)
def test_no_manifest_carries_something_shaped_like_a_real_key(path: str) -> None:
    text = (MANIFESTS / path).read_text(encoding="utf-8")
    assert not re.search(r"\b[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}\b", text)
