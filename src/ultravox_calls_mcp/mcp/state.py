"""What every handler may reach: the settings, the one API client and the audit runtime.

Imports nothing else of ``mcp/``, so tool modules import this, never ``server``: the
server imports the tools, not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio
from mcp.server.mcpserver import Context

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.api.transport import Sleep
from ultravox_calls_mcp.audit.runtime import AuditRuntime
from ultravox_calls_mcp.config import Settings


@dataclass(frozen=True)
class AppState:
    """One per server lifespan (not per session): every session of an HTTP server shares
    the client's connection pool, the audit cache and its back-off gate."""

    settings: Settings
    client: UltravoxClient
    audit: AuditRuntime

    @classmethod
    def of(
        cls,
        settings: Settings,
        client: UltravoxClient,
        *,
        clock: Callable[[], float] = anyio.current_time,
        sleep: Sleep = anyio.sleep,
    ) -> AppState:
        """``clock`` and ``sleep`` drive the audit's shared back-off (tests drive time)."""
        return cls(settings, client, AuditRuntime(settings, client, clock=clock, sleep=sleep))


def app_state(ctx: Context) -> AppState:
    state = ctx.request_context.lifespan_context
    if not isinstance(state, AppState):  # pragma: no cover - a wiring bug, not user input
        raise TypeError("server lifespan did not provide AppState")
    return state


@dataclass
class StateHolder:
    """The running AppState of one server, for handlers the SDK calls without a request
    context (completions). Each ``build_server`` makes its own holder, so two servers in
    one process never see each other's state."""

    current: AppState | None = None
