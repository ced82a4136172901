"""Load the parts of one call an audit needs: from the cache when the call has ended,
else from Ultravox (then cached, in batches). A shared gate makes every worker pause
together when Ultravox asks one of them to slow down.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import anyio
from pydantic import TypeAdapter

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.api.models import Call, CallEvent, CallStage, CallTool, Message
from ultravox_calls_mcp.api.paging import Page
from ultravox_calls_mcp.audit.cache import CallCache, Scope
from ultravox_calls_mcp.audit.timing_facts import TimingFacts, facts_source, timing_facts
from ultravox_calls_mcp.config import MAX_PAGE_SIZE

logger = logging.getLogger("ultravox_calls_mcp.audit")

Fetched = Literal["messages", "events", "stages", "tools"]
# ``timing`` is worked out here from the messages (asked for with them): audit/timing_facts.
Part = Fetched | Literal["timing"]
# Read from Ultravox, in this order.
FETCHED: Final[tuple[Fetched, ...]] = ("messages", "events", "stages", "tools")

# Ultravox may still append a last event or message just after `ended` is set; a call
# is cached only once it has been over this long.
SETTLE: Final = timedelta(minutes=2)
# Per-call reads ask for the largest page the API is known to grant: fewer requests.
PAGE_SIZE: Final = MAX_PAGE_SIZE

_ADAPTERS: Final[dict[Part, TypeAdapter[Any]]] = {
    "messages": TypeAdapter(list[Message]),
    "events": TypeAdapter(list[CallEvent]),
    "stages": TypeAdapter(list[CallStage]),
    "tools": TypeAdapter(list[CallTool]),
    "timing": TypeAdapter(TimingFacts),
}


class BackoffGate:
    """One pause shared by all workers: a retry delay (429 Retry-After, 5xx backoff)
    seen by any of them holds back every request until it has passed."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = anyio.current_time,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._until = 0.0
        self.pauses = 0

    def close_for(self, seconds: float) -> None:
        until = self._clock() + max(0.0, seconds)
        if until > self._until:
            self._until = until
            self.pauses += 1

    async def wait(self) -> None:
        # A loop, not an Event: another worker may push the end of the pause further out.
        while (left := self._until - self._clock()) > 0:
            await self._sleep(left)

    async def pause(self, seconds: float) -> None:
        """The audit client's retry pause (``UltravoxClient.with_retry_pause``)."""
        self.close_for(seconds)
        await self.wait()


@dataclass(frozen=True)
class CallData:
    """One call and the parts loaded for it; a part not asked for is None."""

    call: Call
    messages: list[Message] | None = None
    events: list[CallEvent] | None = None
    stages: list[CallStage] | None = None
    tools: list[CallTool] | None = None
    timing: TimingFacts | None = None
    # Parts served by the cache / fetched from Ultravox / worked out here, for this load.
    cached: frozenset[Part] = field(default_factory=frozenset)
    fetched: frozenset[Part] = field(default_factory=frozenset)
    derived: frozenset[Part] = field(default_factory=frozenset)


def is_settled(call: Call, now: datetime | None = None) -> bool:
    """Whether a call's data can no longer change (so it may be cached)."""
    if call.ended is None:
        return False
    ended = call.ended if call.ended.tzinfo else call.ended.replace(tzinfo=UTC)
    return ended + SETTLE <= (now or datetime.now(UTC))


def encode(part: Part, items: Any) -> bytes:
    # exclude_unset keeps what the API sent, unknown fields included: a faithful copy.
    return _ADAPTERS[part].dump_json(items, by_alias=True, exclude_unset=True)


def _parsed(call_id: str, blobs: Mapping[str, bytes]) -> dict[str, Any]:
    """The parts that still parse; one that no longer does (written by another version,
    say) is a miss, read again from Ultravox, never an error. Timing facts made by other
    code than this are a miss too, worked out again (no request)."""
    parsed: dict[str, Any] = {}
    for part, blob in blobs.items():
        try:
            value = decode(part, blob)  # type: ignore[arg-type]  # keys are Parts
            if not isinstance(value, TimingFacts) or value.source == facts_source():
                parsed[part] = value
        except ValueError as exc:
            logger.warning(
                "cache: call %s %s unreadable (%s); reading it again",
                call_id,
                part,
                type(exc).__name__,
            )
    return parsed


def decode(part: Part, data: bytes) -> Any:
    return _ADAPTERS[part].validate_json(data)


def find_cached_message(data: bytes, stage_id: str, index: int) -> Message | None:
    """Message ``index`` of stage ``stage_id`` in a cached ``messages`` part (the call's
    in-call messages, each carrying its stage and index), validated alone: one message
    wanted need not build a model for every one of the call's thousands."""
    items = json.loads(data)
    for item in items if isinstance(items, list) else ():
        if (
            isinstance(item, dict)
            and item.get("callStageMessageIndex") == index
            and str(item.get("callStageId", "")).lower() == stage_id
        ):
            return Message.model_validate(item)
    return None


class CallLoader:
    """Loads call parts through the cache; ``cache`` None means no caching at all."""

    def __init__(
        self,
        client: UltravoxClient,
        cache: CallCache | None,
        scope: Scope,
        gate: BackoffGate,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._cache = cache
        self._scope = scope
        self._gate = gate
        self._now = now
        # Fetched parts waiting for the next cache transaction (see ``remember``).
        self._pending: dict[str, dict[str, bytes]] = {}
        self._writing = False

    def cacheable(self, call: Call) -> bool:
        return self._cache is not None and is_settled(call, self._now())

    async def lookup(self, calls: list[Call], parts: frozenset[Part]) -> dict[str, dict[str, Any]]:
        """Cached parts of the settled calls among ``calls``, parsed, in one trip to the
        database. Parsing runs in that worker thread too: an audit over a warm cache parses
        thousands of messages, and on the event loop that would hold up every other
        request of the process (another session's list_calls) until it was done."""
        found, partial = await self.lookup_whole(calls, parts, None)
        for call_id, data in found.items():
            partial[call_id] = {part: getattr(data, part) for part in data.cached}
        return partial

    async def lookup_whole(
        self,
        calls: list[Call],
        parts: frozenset[Part],
        analyse: Callable[[CallData], None] | None,
    ) -> tuple[dict[str, CallData], dict[str, dict[str, Any]]]:
        """(the calls the cache holds whole, loaded and each passed to ``analyse``; the
        cached parts of the others), in one worker-thread trip: read, parse and analyse.

        One trip for a page of calls, not one per call: a thread hop per call made a warm
        audit's event loop busy enough to double another session's list_calls latency."""
        cache = self._cache
        ids = {call.call_id for call in calls if self.cacheable(call)}
        if cache is None or not ids:
            return {}, {}

        def read() -> tuple[dict[str, CallData], dict[str, dict[str, Any]]]:
            found = cache.get_many(self._scope, list(ids), parts)
            whole: dict[str, CallData] = {}
            partial: dict[str, dict[str, Any]] = {}
            for call in calls:
                blobs = found.get(call.call_id)
                if call.call_id not in ids or blobs is None:
                    continue
                parsed = _parsed(call.call_id, blobs)
                if parts.issubset(parsed):
                    data = CallData(
                        call=call,
                        messages=parsed.get("messages"),
                        events=parsed.get("events"),
                        stages=parsed.get("stages"),
                        tools=parsed.get("tools"),
                        timing=parsed.get("timing"),
                        cached=parts,
                    )
                    if analyse is not None:
                        analyse(data)
                    whole[call.call_id] = data
                else:
                    partial[call.call_id] = parsed
            return whole, partial

        return await anyio.to_thread.run_sync(read)

    async def load(self, call: Call, parts: frozenset[Part], cached: Mapping[str, Any]) -> CallData:
        """``cached``: this call's entry of ``lookup``."""
        loaded: dict[str, Any] = {}
        from_cache: set[Part] = set()
        for part in parts:
            items = cached.get(part)
            if items is not None and self.cacheable(call):
                loaded[part] = items
                from_cache.add(part)
        missing = [part for part in FETCHED if part in parts and part not in from_cache]
        # One request at a time per call: the concurrency bound is then a bound on requests.
        for part in missing:
            loaded[part] = await self._fetch(part, call.call_id)
        derived: frozenset[Part] = frozenset()
        if "timing" in parts and "timing" not in from_cache:
            if "messages" not in parts:
                raise ValueError("the timing part is worked out from messages: ask for both")
            loaded["timing"] = timing_facts(loaded["messages"])
            derived = frozenset({"timing"})
        return CallData(
            call=call,
            cached=frozenset(from_cache),
            fetched=frozenset(missing),
            derived=derived,
            **loaded,
        )

    async def remember(self, data: CallData) -> None:
        """Cache the parts ``load`` fetched (or worked out) for a settled call.

        Writes are group-committed: while one worker's write runs (in a thread), calls
        loaded meanwhile are queued and go into the next transaction together, so the
        other workers return at once instead of each paying a commit and a thread hop.
        The writing worker loops until the queue is empty; a scan therefore ends only
        once its calls are stored. Each transaction finishes or never starts (a thread
        is not abandoned on cancel); calls still queued when a scan is cancelled are
        simply not cached.
        """
        cache = self._cache
        new = data.fetched | data.derived
        if not new or cache is None or not self.cacheable(data.call):
            return
        self._pending[data.call.call_id] = {part: encode(part, getattr(data, part)) for part in new}
        if self._writing:
            return
        self._writing = True
        try:
            while self._pending:
                batch, self._pending = self._pending, {}
                await anyio.to_thread.run_sync(cache.put_many, self._scope, batch)
        finally:
            self._writing = False

    async def _fetch(self, part: Fetched, call_id: str) -> list[Any]:
        client = self._client
        if part == "messages":
            return await self._all_pages(
                lambda c: client.list_call_messages(
                    call_id, mode="in_call", cursor=c, page_size=PAGE_SIZE
                )
            )
        if part == "events":
            return await self._all_pages(
                lambda c: client.list_call_events(
                    call_id, minimum_severity="debug", cursor=c, page_size=PAGE_SIZE
                )
            )
        if part == "stages":
            return await self._all_pages(
                lambda c: client.list_call_stages(call_id, cursor=c, page_size=PAGE_SIZE)
            )
        await self._gate.wait()
        return await client.list_call_tools(call_id)

    async def _all_pages(self, fetch: Callable[[str | None], Awaitable[Page[Any]]]) -> list[Any]:
        async def gated(cursor: str | None) -> Page[Any]:
            await self._gate.wait()
            return await fetch(cursor)

        # iter_pages guards against repeated cursors and runaway lists.
        return [item async for page in self._client.iter_pages(gated) for item in page.results]
