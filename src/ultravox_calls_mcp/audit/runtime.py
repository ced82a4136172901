"""What the audit tools of one server share: the cache, the back-off gate, the loader.

One per server lifespan (a field of the MCP layer's AppState). The cache file is opened
only when an audit first runs: a server that is only listed, or never audits, touches
no disk.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.api.transport import Sleep
from ultravox_calls_mcp.audit.cache import CACHE_FILE, CallCache, Scope, default_cache_dir
from ultravox_calls_mcp.audit.fetch import BackoffGate, CallLoader, find_cached_message
from ultravox_calls_mcp.config import Settings

logger = logging.getLogger("ultravox_calls_mcp.audit")


@dataclass(frozen=True)
class CachePlan:
    enabled: bool
    directory: Path | None  # None with enabled: in memory

    def describe(self) -> str:
        if not self.enabled:
            return "off"
        return f"on ({self.directory})" if self.directory else "on (in memory)"


def cache_plan(settings: Settings) -> CachePlan:
    if not settings.cache_enabled:
        return CachePlan(False, None)
    if settings.cache_dir is not None:
        return CachePlan(True, settings.cache_dir)
    if settings.sandbox:
        # Made-up data, generated anew by each process: kept in memory, never in the
        # user's home (unless a cache_dir is set explicitly).
        return CachePlan(True, None)
    return CachePlan(True, default_cache_dir())


class AuditRuntime:
    def __init__(
        self,
        settings: Settings,
        client: UltravoxClient,
        *,
        clock: Callable[[], float] = anyio.current_time,
        sleep: Sleep = anyio.sleep,
    ) -> None:
        self.settings = settings
        self.gate = BackoffGate(clock=clock, sleep=sleep)
        # Every request of an audit pauses its retries through the shared gate.
        self.client = client.with_retry_pause(self.gate.pause)
        self.plan = cache_plan(settings)
        key = settings.api_key.get_secret_value() if settings.api_key else ""
        self.scope = Scope.of(settings.base_url, key)
        self._cache: CallCache | None = None
        self._opened = False
        self._lock = anyio.Lock()
        self.cache_note = self.plan.describe()

    async def loader(self) -> CallLoader:
        return CallLoader(self.client, await self.cache(), self.scope, self.gate)

    async def cached_message(self, call_id: str, stage_id: str, index: int) -> Message | None:
        """Message ``index`` of a stage of an ended call an audit has cached (here or in
        another process sharing the file), or None; never a request. A cache file that
        does not exist yet is not created for this."""
        directory = self.plan.directory
        if not self._opened and directory is not None and not (directory / CACHE_FILE).exists():
            return None
        cache = await self.cache()
        if cache is None:
            return None
        found = await anyio.to_thread.run_sync(cache.get_many, self.scope, [call_id], ["messages"])
        blob = found.get(call_id, {}).get("messages")
        if blob is None:
            return None
        return await anyio.to_thread.run_sync(find_cached_message, blob, stage_id, index)

    async def cache(self) -> CallCache | None:
        async with self._lock:
            if not self._opened:
                self._opened = True
                self._cache = await self._open()
            return self._cache

    async def _open(self) -> CallCache | None:
        if not self.plan.enabled:
            return None
        directory, limit = self.plan.directory, self.settings.cache_max_bytes
        try:
            cache = await anyio.to_thread.run_sync(
                lambda: CallCache.open(directory, max_bytes=limit)
            )
        except (OSError, sqlite3.Error) as exc:
            # A read-only or full home must not stop an audit: run it uncached.
            logger.warning("cache at %s unavailable (%s); auditing without it", directory, exc)
            self.cache_note = "off (the cache directory could not be used)"
            return None
        return cache

    async def aclose(self) -> None:
        """Close the cache file, if an audit opened it (at the end of the lifespan)."""
        async with self._lock:
            cache, self._cache = self._cache, None
        if cache is not None:
            await anyio.to_thread.run_sync(cache.close)
