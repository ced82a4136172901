"""Rewrite the README's tool/resource/prompt reference from the live server.

python scripts/update_readme_reference.py
"""

from __future__ import annotations

from pathlib import Path

import anyio

from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.reference import markdown_reference, splice
from ultravox_calls_mcp.mcp.server import build_server

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    # Listing tools never calls the API, so no key or network is needed.
    server = build_server(Settings())
    reference = anyio.run(markdown_reference, server)
    README.write_text(splice(README.read_text(encoding="utf-8"), reference), encoding="utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
