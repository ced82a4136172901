"""Voice names by id: each voice looked up once per client, kept in a bounded cache.

Calls, stages and agents name their voice by id; a person debugging a call knows voices
by name. A server has one client, so one lookup per voice per server process serves every
row and every session after it. Names are a nicety: a lookup that fails or takes too long
leaves the id shown alone and never fails the tool that asked.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from uuid import UUID

import anyio

from .errors import UltravoxError
from .models import Voice

__all__ = ["VoiceNames"]

logger = logging.getLogger("ultravox_calls_mcp.api")

# Accounts use a handful of voices; public voices number in the hundreds at most.
_CAPACITY = 512
# Lookups of one request run side by side, but politely.
_CONCURRENCY = 4
# How long a result waits for names before it is shown with bare ids.
_WAIT_SECONDS = 5.0


def _canonical(value: str) -> str | None:
    try:
        return str(UUID(value.strip()))
    except ValueError:
        return None  # a voice given by name ("Mark") needs no lookup


class VoiceNames:
    """``await names.resolve(ids)`` → ``{id: name}`` for the ids it could name."""

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[Voice]],
        *,
        capacity: int = _CAPACITY,
        wait_seconds: float = _WAIT_SECONDS,
    ) -> None:
        self._fetch = fetch
        self._capacity = capacity
        self._wait = wait_seconds
        # None: looked up, no name (unknown voice, or the lookup failed) — not asked again.
        self._known: OrderedDict[str, str | None] = OrderedDict()
        self._pending: dict[str, anyio.Event] = {}

    async def resolve(self, voice_ids: Iterable[str | None]) -> dict[str, str]:
        """Names of the given voices, keyed as given; ids it cannot name are left out."""
        wanted = {given: _canonical(given) for given in voice_ids if given}
        ids = {vid for vid in wanted.values() if vid is not None}
        missing = [vid for vid in sorted(ids) if vid not in self._known]
        if missing:
            with anyio.move_on_after(self._wait):
                await self._look_up(missing)
        names: dict[str, str] = {}
        for given, vid in wanted.items():
            name = self._known.get(vid) if vid is not None else None
            if name:
                names[given] = name
        return names

    async def _look_up(self, ids: list[str]) -> None:
        limiter = anyio.Semaphore(_CONCURRENCY)

        async def one(vid: str) -> None:
            waiting = self._pending.get(vid)
            if waiting is not None:  # another request is looking it up: share its answer
                await waiting.wait()
                return
            done = self._pending[vid] = anyio.Event()
            try:
                async with limiter:
                    self._remember(vid, await self._name_of(vid))
            finally:
                del self._pending[vid]
                done.set()

        async with anyio.create_task_group() as group:
            for vid in ids:
                group.start_soon(one, vid)

    async def _name_of(self, vid: str) -> str | None:
        try:
            voice = await self._fetch(vid)
        except UltravoxError as exc:
            # Once per voice per process, whatever the answer: a voice the key cannot
            # read is not asked for again on every row.
            logger.info("voice %s: no name (%s)", vid, type(exc).__name__)
            return None
        return voice.name.strip() if voice.name and voice.name.strip() else None

    def _remember(self, vid: str, name: str | None) -> None:
        self._known[vid] = name
        self._known.move_to_end(vid)
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)
