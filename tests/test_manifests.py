"""Client configuration examples name the real console script, flags and variables."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from ultravox_calls_mcp.cli import build_parser
from ultravox_calls_mcp.config import API_KEY_ENV

ROOT = Path(__file__).resolve().parent.parent


def _console_script() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (name,) = project["scripts"]
    assert project["scripts"][name] == "ultravox_calls_mcp.cli:main"
    return str(name)


def _server(path: str) -> dict[str, object]:
    config = json.loads((ROOT / "manifests" / path).read_text(encoding="utf-8"))
    entry: dict[str, object] = config["mcpServers"]["ultravox-calls"]
    return entry


def test_claude_desktop_sandbox_config_runs_the_sandbox() -> None:
    entry = _server("claude_desktop_config.sandbox.json")
    assert entry["command"] == _console_script()
    assert entry["args"] == ["--sandbox"]
    assert build_parser().parse_args(["--sandbox"]).sandbox is True


def test_claude_desktop_key_config_passes_the_key_variable() -> None:
    entry = _server("claude_desktop_config.json")
    assert entry["command"] == _console_script()
    env = entry["env"]
    assert isinstance(env, dict)
    assert set(env) == {API_KEY_ENV}
