"""Command line: serve over stdio/SSE/streamable HTTP, or ``try`` one tool and print its text.

    ultravox-calls-mcp [--sandbox] [--transport stdio|sse|http] [--host H] [--port P]
    ultravox-calls-mcp [--sandbox] try TOOL [name=value ...]
    ultravox-calls-mcp [--sandbox] doctor

Logs go to stderr only: on stdio, stdout belongs to the protocol.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ultravox_calls_mcp import __version__
from ultravox_calls_mcp.config import API_KEY_ENV, HTTP_TOKEN_ENV, ConfigError, Settings

if TYPE_CHECKING:
    import httpx2
    from mcp.server import MCPServer

    from ultravox_calls_mcp.mcp.state import AppState

EXIT_OK, EXIT_TOOL_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ultravox-calls-mcp",
        description="MCP server for Ultravox call data (calls, stages, transcripts, events).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="serve the built-in sandbox Ultravox API with sample calls; no API key needed",
    )
    parser.add_argument(
        "--transport",
        choices=("stdio", "sse", "http"),
        default="stdio",
        help="stdio (default), sse, or http (streamable HTTP)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address for sse/http")
    parser.add_argument("--port", type=int, default=8000, help="port for sse/http (default 8000)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="Host header value to accept (needed when binding a non-loopback address)",
    )
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="browser Origin to accept, e.g. https://app.example.com",
    )
    parser.add_argument(
        "--stateless",
        action="store_true",
        help="http: no sessions, each request stands alone (for several instances behind a "
        "load balancer)",
    )
    parser.add_argument(
        "--session-idle-timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="http: close sessions idle this long (default 600)",
    )
    parser.add_argument("--max-chars", type=int, help="character budget per result")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="stderr log level",
    )
    sub = parser.add_subparsers(dest="command")
    try_cmd = sub.add_parser(
        "try", help="call one tool through a real in-memory MCP client and print its text"
    )
    try_cmd.add_argument("tool", help="tool name, e.g. list_calls")
    try_cmd.add_argument(
        "arguments",
        nargs="*",
        metavar="name=value",
        help='tool arguments; values are JSON when they parse as JSON (5, true, ["a"])',
    )
    doctor_cmd = sub.add_parser(
        "doctor", help="check the API key, the base URL and the cache directory; say what to fix"
    )
    # SUPPRESS: "--sandbox doctor" must not be reset to False by the subcommand's default.
    doctor_cmd.add_argument(
        "--sandbox",
        action="store_true",
        default=argparse.SUPPRESS,
        help="check against the built-in sandbox",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command == "doctor":
        from ultravox_calls_mcp import doctor

        return doctor.main(args)
    try:
        settings, transport = _settings(args)
    except ConfigError as exc:
        print(f"ultravox-calls-mcp: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from ultravox_calls_mcp.mcp.server import build_server

    server = build_server(settings, http_transport=transport)
    if args.command == "try":
        return _try(server, args.tool, args.arguments)
    return _serve(server, args)


def _settings(args: argparse.Namespace) -> tuple[Settings, httpx2.AsyncBaseTransport | None]:
    overrides: dict[str, Any] = {}
    if args.max_chars is not None:
        overrides["max_chars"] = args.max_chars
    if args.sandbox:
        from ultravox_calls_mcp.sandbox import in_process_sandbox

        return in_process_sandbox(os.environ, **overrides)
    settings = Settings.from_env(**overrides)
    if settings.api_key is None:
        raise ConfigError(
            f"set {API_KEY_ENV} to your Ultravox API key, or pass --sandbox to try sample data"
        )
    return settings, None


def freeze_start_up_heap() -> None:
    """Call once, just before serving: what is alive then (modules, schemas, the tool
    registry; the sample data with --sandbox) lives as long as the server. Frozen, it is
    skipped by every full collection, which otherwise walks it all every few pages of
    message models (docs/benchmarks.md, the paging row, has the cost). No collect() first:
    start-up makes little garbage, and a collection here would delay initialize.
    """
    gc.freeze()


def _serve(server: MCPServer[AppState], args: argparse.Namespace) -> int:
    freeze_start_up_heap()
    if args.transport == "stdio":
        # The SDK points fd 1 at stderr while serving, so stray prints miss the wire.
        server.run("stdio")
        return EXIT_OK
    import anyio
    import uvicorn
    from pydantic import SecretStr

    from ultravox_calls_mcp.mcp.transports.http import HttpConfigError, HttpOptions, build_http_app

    token = os.environ.get(HTTP_TOKEN_ENV, "").strip()
    options = HttpOptions(
        transport=args.transport,
        host=args.host,
        port=args.port,
        allowed_hosts=tuple(args.allowed_host),
        allowed_origins=tuple(args.allowed_origin),
        bearer_token=SecretStr(token) if token else None,
        stateless=args.stateless,
        session_idle_timeout=args.session_idle_timeout,
    )
    try:
        app = build_http_app(server, options)
    except HttpConfigError as exc:
        print(f"ultravox-calls-mcp: {exc}", file=sys.stderr)
        return EXIT_USAGE
    config = uvicorn.Config(
        app, host=args.host, port=args.port, log_level=args.log_level.lower(), access_log=False
    )
    anyio.run(uvicorn.Server(config).serve)
    return EXIT_OK


def parse_tool_arguments(pairs: Sequence[str], schema: dict[str, Any]) -> dict[str, Any]:
    """name=value pairs → arguments; JSON values unless the parameter is a plain string."""
    properties: dict[str, Any] = schema.get("properties", {})
    result: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"argument {pair!r} is not name=value")
        if _is_plain_string(properties.get(name, {})):
            result[name] = raw
            continue
        try:
            result[name] = json.loads(raw)
        except json.JSONDecodeError:
            result[name] = raw
    return result


def _is_plain_string(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf", [prop])
    types = {opt.get("type") for opt in options if isinstance(opt, dict)}
    return bool(types) and types <= {"string", "null"} and "enum" not in prop


def _try(server: MCPServer[AppState], tool: str, pairs: Sequence[str]) -> int:
    import anyio

    return anyio.run(_try_async, server, tool, pairs)


async def _try_async(server: MCPServer[AppState], tool: str, pairs: Sequence[str]) -> int:
    from mcp.types import TextContent

    from mcp import Client

    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        if tool not in tools:
            print(f"unknown tool {tool!r}; tools: {', '.join(sorted(tools))}", file=sys.stderr)
            return EXIT_USAGE
        try:
            arguments = parse_tool_arguments(pairs, tools[tool].input_schema)
        except ValueError as exc:
            print(f"ultravox-calls-mcp try: {exc}", file=sys.stderr)
            return EXIT_USAGE
        result = await client.call_tool(tool, arguments)
    for block in result.content:
        if isinstance(block, TextContent):
            print(block.text)
    return EXIT_TOOL_ERROR if result.is_error else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
