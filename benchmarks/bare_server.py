"""The smallest useful MCP server: one echo tool over stdio. P5's baseline for cold start.

It pays what any server built on the SDK pays (interpreter start, ``import mcp``, the
handshake), so our server's extra start-up cost shows as the ratio between the two.
"""

from __future__ import annotations

from mcp.server import MCPServer


def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def main() -> None:
    server = MCPServer("bare")
    server.add_tool(echo)
    server.run("stdio")


if __name__ == "__main__":
    main()
