"""The sandbox stays an independent witness: it never imports the client or render code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ultravox_calls_mcp.sandbox as sandbox
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY

FORBIDDEN = ("ultravox_calls_mcp.api", "ultravox_calls_mcp.render")


def test_no_sandbox_module_imports_the_client_or_render_layers() -> None:
    root = Path(sandbox.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
                # Relative imports climbing out of the sandbox package would reach them too.
                assert node.level <= 2, f"{path}: relative import leaves the sandbox"
                if node.level == 2:
                    assert path.parent != root, f"{path}: imports a sibling package"
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path} imports {name}"


def test_the_sandbox_key_is_key_shaped_and_obviously_fake() -> None:
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", SANDBOX_API_KEY)
    assert SANDBOX_API_KEY.startswith("sandbox0")
