"""The README's promises: its reference matches the live server; its commands are the real ones."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from scripts.update_readme_reference import markdown_reference, splice

from ultravox_calls_mcp import config
from ultravox_calls_mcp.cli import build_parser
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.server import build_server

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.anyio
async def test_readme_reference_matches_the_live_server() -> None:
    readme = README.read_text(encoding="utf-8")
    reference = await markdown_reference(build_server(Settings()))
    assert splice(readme, reference) == readme, (
        "README reference is stale: run python scripts/update_readme_reference.py"
    )


def test_ci_runs_the_readme_test_command() -> None:
    readme = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert "pip install -e '.[dev]'" in test_command
    assert "-e '.[dev]'" in ci
    assert "python -m pytest" in ci


def _configuration_table() -> str:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def _every_flag() -> set[str]:
    parsers = [build_parser()]
    flags: set[str] = set()
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
            flags.update(s for s in action.option_strings if s.startswith("--"))
    return flags - {"--help"}


def test_readme_configuration_table_names_every_flag_and_variable() -> None:
    table = _configuration_table()
    variables = {
        value
        for name, value in vars(config).items()
        if name.endswith("_ENV") and isinstance(value, str)
    }
    named = set(re.findall(r"`([^`\s]+)`", table))
    assert not _every_flag() - named, "flags missing from the README configuration table"
    assert not variables - named, "variables missing from the README configuration table"


def test_readme_configuration_table_states_the_real_defaults() -> None:
    table = _configuration_table()
    defaults = Settings()
    parser = build_parser()

    def row(name: str) -> str:
        (line,) = [ln for ln in table.splitlines() if f"`{name}`" in ln.split("|")[1]]
        return line.split("|")[2]

    assert f"`{config.DEFAULT_BASE_URL}`" in row(config.BASE_URL_ENV)
    assert f"`{defaults.max_chars}`" in row(config.MAX_CHARS_ENV)
    assert f"`{defaults.page_size}`" in row(config.PAGE_SIZE_ENV)
    assert f"`{defaults.request_deadline:g}`" in row(config.TIMEOUT_ENV)
    assert f"`{defaults.cache_max_bytes // (1024 * 1024)}`" in row(config.CACHE_MAX_MB_ENV)
    assert f"`{defaults.audit_concurrency}`" in row(config.CONCURRENCY_ENV)
    assert f"`{parser.get_default('transport')}`" in row("--transport")
    assert f"`{parser.get_default('host')}` / `{parser.get_default('port')}`" in row("--host")
    assert f"`{parser.get_default('session_idle_timeout'):g}`" in row("--session-idle-timeout")
    assert f"`{parser.get_default('log_level')}`" in row("--log-level")
