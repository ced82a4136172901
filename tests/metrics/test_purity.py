"""The metrics package stays pure: wire models and small render helpers in, numbers out."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import ultravox_calls_mcp.metrics as metrics

# Ours it may use: the wire models, the duration parser and role reader of render (shared
# so the metrics read a message exactly as the transcript shows it), and `plain` for JSON.
ALLOWED_OURS = (
    "ultravox_calls_mcp.metrics",
    "ultravox_calls_mcp.api.models",
    "ultravox_calls_mcp.render.fmt",
    "ultravox_calls_mcp.render.transcript",
)
NO_IO = {"os", "io", "socket", "subprocess", "pathlib", "httpx", "httpx2", "anyio", "asyncio"}


def test_metrics_modules_import_only_the_standard_library_wire_models_and_render_helpers() -> None:
    for path in Path(metrics.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path}: use absolute imports"
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "ultravox_calls_mcp":
                    assert name.startswith(ALLOWED_OURS), f"{path} imports {name}"
                else:
                    assert top in sys.stdlib_module_names, f"{path} imports {name}"
                    assert top not in NO_IO, f"{path} imports {name}"
