"""What every handler may reach: the settings, the one API client and the audit runtime,
and the holder that keeps them one per server however many sessions it serves.

Imports nothing else of ``mcp/`` but the leaf ``results/stage_pages``, so tool modules
import this, never ``server``: the server imports the tools, not the other way round.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
from mcp.server.mcpserver import Context

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.api.transport import Sleep
from ultravox_calls_mcp.audit.runtime import AuditRuntime
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.results.stage_pages import StagePages


@dataclass(frozen=True)
class AppState:
    """One per server lifespan (not per session): every session of an HTTP server shares
    the client's connection pool, the audit cache and its back-off gate."""

    settings: Settings
    client: UltravoxClient
    audit: AuditRuntime
    # Where each page of a stage's messages starts: message N read again costs 1 request.
    stage_pages: StagePages = field(default_factory=StagePages)

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


class StateHolder:
    """The one AppState of a server, shared by every session it serves at once.

    The SDK enters a server's lifespan once for a streamable-HTTP app, but once per
    session over SSE and for each in-memory client: each entry ``lease``s the state, the
    first one in makes it and the last one out closes it, so concurrent sessions share
    one connection pool, audit cache, back-off gate and page notes, whatever the
    transport. Completions (called without a request context) read ``current``; each
    ``build_server`` makes its own holder, so two servers in one process never see each
    other's state."""

    def __init__(self, make: Callable[[], AppState]) -> None:
        self._make = make
        self._users = 0
        self.current: AppState | None = None

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[AppState]:
        # No await before the state is handed out: sessions entering at once cannot race.
        if self.current is None:
            self.current = self._make()
        state = self.current
        self._users += 1
        try:
            yield state
        finally:
            self._users -= 1
            if self._users == 0:
                self.current = None
                # Closed even when the lifespan is cancelled: sockets and the cache file.
                with anyio.CancelScope(shield=True):
                    await state.audit.aclose()
                    await state.client.aclose()
