"""The tools, one module per family. Each is thin: parameters → client → render → budget."""

from __future__ import annotations

from mcp.server import MCPServer

from ultravox_calls_mcp.mcp.state import AppState

from . import agents, aggregates, call_tools, calls, events, metrics, search, stages, transcript


def register_all(server: MCPServer[AppState]) -> None:
    # The order is the order clients list them in: reading one call first, audits last.
    families = (calls, stages, transcript, metrics, events, call_tools, agents, search, aggregates)
    for family in families:
        family.register(server)
