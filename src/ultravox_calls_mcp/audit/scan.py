"""Walk the calls that match list filters and load their parts with bounded concurrency.

The call list is read page by page while earlier calls load; at most ``concurrency``
calls load at once (each one request at a time). Results come back in list order, each
with the position to resume from, so a scan stopped by ``max_calls``, by the output
budget or by a failure can continue exactly at the first call not reported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.api.errors import InvalidResponseError, NotFoundError, UltravoxError
from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.audit.fetch import PAGE_SIZE, BackoffGate, CallData, CallLoader, Part

Progress = Callable[[int, int | None], Awaitable[None]]


@dataclass(frozen=True)
class Resume:
    """A place in the call list: the page's upstream cursor (None: the first page), rows
    of that page to skip, and how many calls came before it (for numbering)."""

    upstream: str | None = None
    skip: int = 0
    before: int = 0


@dataclass(frozen=True)
class Scanned:
    """One call of the scan; ``data`` None when it could not be read (``error`` says why)."""

    call: Call
    data: CallData | None
    error: str | None
    at: Resume


@dataclass(frozen=True)
class ScanResult:
    items: list[Scanned]
    # Where the next unscanned call is; None when the list was read to its end.
    resume: Resume | None
    # Calls matching the filters, as Ultravox counts them (None if it did not say).
    total: int | None
    # Why the scan ended before the list did, when it was not max_calls.
    stopped_by: str | None = None

    def count(self, predicate: Callable[[Scanned], bool]) -> int:
        return sum(1 for item in self.items if predicate(item))


async def _no_progress(done: int, total: int | None) -> None:
    return None


async def scan_calls(
    client: UltravoxClient,
    loader: CallLoader,
    gate: BackoffGate,
    filters: CallFilters,
    parts: frozenset[Part],
    *,
    start: Resume,
    max_calls: int,
    concurrency: int,
    progress: Progress = _no_progress,
    on_loaded: Callable[[CallData], None] | None = None,
) -> ScanResult:
    """``client`` should pause its retries through ``gate`` (``client.with_retry_pause``),
    so that one worker told to slow down holds back all of them. ``on_loaded`` runs on
    each call as soon as it is loaded, so analysis overlaps the other workers' waiting
    instead of following the whole scan. It runs in a worker thread: a regex search (RE2
    releases the GIL) can take a while over long messages, and the event loop must keep
    serving other requests meanwhile."""
    slots: list[Scanned | None] = []
    positions: list[Resume] = []
    failure: UltravoxError | None = None
    resume: Resume | None = None
    total: int | None = None
    expected: int | None = None
    done = 0
    limiter = anyio.CapacityLimiter(concurrency)
    page_size = min(PAGE_SIZE, max_calls)

    async def work(index: int, call: Call, cached: dict[str, Any], at: Resume) -> None:
        nonlocal done, failure
        try:
            async with limiter:
                data = await loader.load(call, parts, cached)
            # Outside the slot: the concurrency bound is on requests, and a cache write
            # must not hold one back.
            await loader.remember(data)
            if on_loaded is not None:
                # Shielded: a call that was read is analysed and reported even when a
                # failure elsewhere is stopping the scan (the resume point stays after it).
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(on_loaded, data)
            slots[index] = Scanned(call, data, None, at)
        except (NotFoundError, InvalidResponseError) as exc:
            # This call only (deleted since listed, or a body we cannot read): note, go on.
            slots[index] = Scanned(call, None, str(exc), at)
        except UltravoxError as exc:
            # The account or the service (auth, rate limit past our patience, outage):
            # further calls would fail alike, so stop and report what was read.
            failure = failure or exc
            group.cancel_scope.cancel()
            return
        done += 1
        await progress(done, expected)

    async with anyio.create_task_group() as group:
        upstream, skip, before = start.upstream, start.skip, start.before
        while True:
            await gate.wait()
            try:
                page = await client.list_calls(filters, cursor=upstream, page_size=page_size)
            except UltravoxError as exc:
                if not slots:
                    raise
                failure = failure or exc
                resume = Resume(upstream, skip, before + len(slots))
                group.cancel_scope.cancel()
                break
            if total is None:
                total = page.total
                if total is not None:
                    expected = min(max_calls, max(total - before, 0))
            rows = page.results[skip:][: max_calls - len(slots)]
            # The calls the cache holds whole are read and analysed in one thread trip;
            # only the others take a worker task each.
            whole, cached = await loader.lookup_whole(rows, parts, on_loaded)
            for offset, call in enumerate(rows, start=skip):
                at = Resume(upstream, offset, before + len(slots))
                positions.append(at)
                if (data := whole.get(call.call_id)) is not None:
                    slots.append(Scanned(call, data, None, at))
                    done += 1
                    await progress(done, expected)
                    continue
                slots.append(None)
                group.start_soon(work, len(slots) - 1, call, cached.get(call.call_id, {}), at)
            end = skip + len(rows)
            if len(slots) >= max_calls:
                if end < len(page.results):
                    resume = Resume(upstream, end, before + len(slots))
                elif page.next_cursor is not None:
                    resume = Resume(page.next_cursor, 0, before + len(slots))
                break
            if page.next_cursor is None:
                break
            upstream, skip = page.next_cursor, 0

    if failure is None:
        return ScanResult([s for s in slots if s is not None], resume, total)
    # Keep the unbroken prefix of finished calls; resume at the first unfinished one.
    finished: list[Scanned] = []
    for slot, at in zip(slots, positions, strict=True):
        if slot is None:
            resume = at
            break
        finished.append(slot)
    if not finished:
        raise failure
    return ScanResult(finished, resume, total, stopped_by=str(failure))
