"""Our server plus an ``echo`` tool, over stdio: P6 measures a data tool against the echo
on the same process, so the protocol and transport costs cancel out.

Settings come from the environment (ULTRAVOX_API_KEY, ULTRAVOX_BASE_URL), as in production.
"""

from __future__ import annotations

from ultravox_calls_mcp.cli import freeze_start_up_heap
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.server import build_server


def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def main() -> None:
    server = build_server(Settings.from_env())
    server.add_tool(echo, structured_output=False)
    freeze_start_up_heap()  # as the command line does before it serves
    server.run("stdio")


if __name__ == "__main__":
    main()
