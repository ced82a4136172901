"""One state per server, not per session: two sessions at once over a real loopback socket
(streamable HTTP stateful and stateless, and SSE, whose SDK enters the server's lifespan
once per session) share the audit cache, the notes of stage pages, the audit's back-off
gate and the completion handler's state; two servers in one process never mix theirs."""

from __future__ import annotations

import math
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client.sse import sse_client
from mcp.types import ResourceTemplateReference
from starlette.applications import Starlette
from starlette.types import ASGIApp

from mcp import Client
from tests.mcp.conftest import call_text, connect
from tests.mcp.loopback import serve_app
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.mcp.transports.http import HttpOptions, build_http_app
from ultravox_calls_mcp.sandbox import SandboxData, create_app, sandbox_settings
from ultravox_calls_mcp.sandbox.data.model import ANCHOR

pytestmark = pytest.mark.anyio

TRANSPORTS = ["http", "http-stateless", "sse"]
# Four ended calls, well before the sandbox's live one: cacheable.
AUDIT = {"query": "the", "to_date": (ANCHOR.date().replace(day=10)).isoformat(), "max_calls": 4}
CALL_URI = ResourceTemplateReference(uri="ultravox://calls/{call_id}")


@dataclass
class HeldTime:
    """The server's clock and sleep: time stands still while a sleep is held, until the
    test releases every sleep at once. Sleeps run on the server's thread; the test waits
    for them on its own."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    entered: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    release: threading.Event = field(default_factory=threading.Event)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        start = self.now
        self.sleeps.append(seconds)
        self.entered.release()
        await anyio.to_thread.run_sync(self.release.wait, 20)
        self.now = max(self.now, start + seconds)

    async def wait_for_sleep(self) -> bool:
        return await anyio.to_thread.run_sync(lambda: self.entered.acquire(timeout=20))


@dataclass
class Served:
    app: Starlette  # the sandbox behind the server
    port: int
    transport: str

    def session(self) -> Client:
        if self.transport == "sse":
            return Client(sse_client(f"http://127.0.0.1:{self.port}/sse"), mode="legacy")
        return Client(f"http://127.0.0.1:{self.port}/mcp")

    def requests(self, fragment: str) -> int:
        return int(self.app.state.requests.count_path(fragment))


@contextmanager
def _served(
    transport: str, seams: dict[str, Any] | None = None, **settings: object
) -> Iterator[Served]:
    sandbox = create_app()

    def make(port: int) -> ASGIApp:
        server = build_server(
            sandbox_settings(**settings),
            http_transport=httpx2.ASGITransport(app=sandbox),
            **(seams or {}),
        )
        options = HttpOptions(
            transport="sse" if transport == "sse" else "http",
            port=port,
            stateless=transport == "http-stateless",
        )
        return build_http_app(server, options)

    with serve_app(make) as port:
        yield Served(sandbox, port, transport)


@asynccontextmanager
async def _both(served: Served) -> AsyncIterator[tuple[Client, Client]]:
    """Two sessions of one server, open at the same time."""
    async with served.session() as first, served.session() as second:
        yield first, second


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_second_session_reads_ended_calls_from_the_cache_the_first_filled(
    transport: str,
) -> None:
    with _served(transport) as served:
        async with _both(served) as (first, second):
            with anyio.fail_after(60):
                one = await call_text(first, "search_transcripts", **AUDIT)
                loaded = served.requests("/messages")
                two = await call_text(second, "search_transcripts", **AUDIT)
    assert "0 wholly from cache, 4 needed" in one
    assert "4 wholly from cache, 0 needed" in two
    assert loaded >= 4
    assert served.requests("/messages") == loaded  # the second audit: no per-call request
    assert two.split("\n")[2:] == one.split("\n")[2:]  # the same hits


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_message_one_session_found_costs_another_session_one_request(
    transport: str,
) -> None:
    data: SandboxData
    with _served(transport) as served:
        data = served.app.state.data
        n = data.notable
        args = {"call_id": n.stress_call_id, "call_stage_id": n.stress_stage_id}
        path = f"/stages/{n.stress_stage_id}/messages"
        async with _both(served) as (first, second):
            with anyio.fail_after(60):
                await call_text(first, "get_stage_messages", **args, message_index=9_999)
                cold = served.requests(path)
                text = await call_text(second, "get_stage_messages", **args, message_index=9_999)
    assert cold == math.ceil(10_000 / MAX_PAGE_SIZE)
    assert served.requests(path) == cold + 1
    assert "Message [9999]" in text


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_rate_limit_in_one_sessions_audit_holds_back_the_other_sessions_audit(
    transport: str,
) -> None:
    time = HeldTime()
    seams = {"clock": time.clock, "sleep": time.sleep, "random": lambda: 0.0}
    with _served(transport, seams, audit_concurrency=1) as served:
        served.app.state.faults.rate_limit_next(1, retry_after="5", path="/messages")
        results: dict[str, str] = {}
        async with _both(served) as (first, second):

            async def audit(name: str, client: Client) -> None:
                results[name] = await call_text(client, "search_transcripts", **AUDIT)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    group.start_soon(audit, "first", first)
                    assert await time.wait_for_sleep(), "the first audit never paused"
                    listed = served.requests("/api/calls")
                    group.start_soon(audit, "second", second)
                    held = await time.wait_for_sleep()
                    # While the pause holds, the second audit has sent nothing at all.
                    listed_meanwhile = served.requests("/api/calls") - listed
                    time.release.set()
    assert held, "the second session's audit did not wait out the first one's pause"
    assert listed_meanwhile == 0
    assert time.sleeps[:2] == [5.0, 5.0]  # the 429's Retry-After, then what was left of it
    assert "Scanned calls 1–4 of" in results["first"]
    assert "Scanned calls 1–4 of" in results["second"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_completion_keeps_answering_in_one_session_after_another_closed(
    transport: str,
) -> None:
    with _served(transport) as served:
        newest = served.app.state.data.calls[0].call_id
        argument = {"name": "call_id", "value": newest[:6]}
        with anyio.fail_after(60):
            async with served.session() as staying:
                async with served.session() as leaving:
                    during = await leaving.complete(CALL_URI, argument)
                after = await staying.complete(CALL_URI, argument)
    assert newest in during.completion.values
    assert newest in after.completion.values


async def test_two_servers_in_one_process_each_complete_from_their_own_sandbox() -> None:
    apps = [create_app(), create_app()]
    argument = {"name": "call_id", "value": ""}
    async with connect(apps[0]) as first, connect(apps[1]) as second:
        for app in apps:
            app.state.requests.clear()
        await first.complete(CALL_URI, argument)
        after_first = [app.state.requests.count_path("/api/calls") for app in apps]
        await second.complete(CALL_URI, argument)
        after_second = [app.state.requests.count_path("/api/calls") for app in apps]
    assert after_first == [1, 0]
    assert after_second == [1, 1]


async def test_in_memory_clients_of_one_server_share_its_state_and_the_last_closes_it() -> None:
    """The in-memory transport also enters the lifespan per client, as SSE does."""
    app = create_app()
    server = build_server(sandbox_settings(), http_transport=httpx2.ASGITransport(app=app))
    n = app.state.data.notable
    args = {"call_id": n.stress_call_id, "call_stage_id": n.stress_stage_id, "message_index": 450}
    path = f"/stages/{n.stress_stage_id}/messages"
    async with Client(server) as first:
        async with Client(server) as second:
            await call_text(first, "get_stage_messages", **args)
            cold = app.state.requests.count_path(path)
            await call_text(second, "get_stage_messages", **args)
            shared = app.state.requests.count_path(path) - cold
        await call_text(first, "get_stage_messages", **args)  # still open: still shared
        kept = app.state.requests.count_path(path) - cold - shared
    async with Client(server) as fresh:  # every session had closed: a new state
        await call_text(fresh, "get_stage_messages", **args)
    anew = app.state.requests.count_path(path) - cold - shared - kept
    assert (cold, shared, kept, anew) == (3, 1, 1, 3)
