"""The README's promises: its reference matches the live server; its commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.reference import markdown_reference, splice
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
