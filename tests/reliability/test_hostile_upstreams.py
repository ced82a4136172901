"""Upstreams the switchboard cannot play, written here and served on loopback or in process:
a refused port, a silent peer, a trickle, a truncated or 50 MB body, deeply nested JSON, a
redirect or a ``next`` link to another host, and cursors that repeat, cycle or never end.

Each is driven through an MCP tool; the model gets one of our messages, every wait is
bounded, and the other host gets nothing. (Client-level twins: tests/api/test_loopback.py,
tests/api/test_client_guards.py.)
"""

from __future__ import annotations

import socket
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.mcp.conftest import text_of
from tests.reliability.conftest import (
    Sleeps,
    closed_port,
    model_facing_error,
    over_asgi,
    over_network,
    raw_peer,
)
from ultravox_calls_mcp.sandbox import create_app, run_loopback

pytestmark = pytest.mark.anyio

CALL_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def _elapsed_since(started: float) -> float:
    return anyio.current_time() - started


async def test_a_refused_connection_gives_a_reach_error_after_bounded_attempts(
    sleeps: Sleeps,
) -> None:
    port = closed_port()
    async with over_network(
        f"http://127.0.0.1:{port}", connect_timeout=1.0, sleep=sleeps
    ) as client:
        with anyio.fail_after(5):
            result = await client.call_tool("get_call", {"call_id": CALL_ID})
    assert f"Could not reach Ultravox at http://127.0.0.1:{port}" in model_facing_error(result)
    assert sleeps.delays == [0.5, 1.0, 2.0]


async def test_a_silent_peer_is_given_up_within_the_deadline(sleeps: Sleeps) -> None:
    with raw_peer(lambda conn: conn.recv(65536)) as peer:
        async with over_network(
            peer.base_url, read_timeout=0.2, request_deadline=0.6, sleep=sleeps
        ) as client:
            started = anyio.current_time()
            with anyio.fail_after(5):
                result = await client.call_tool("get_call", {"call_id": CALL_ID})
            elapsed = _elapsed_since(started)
    message = model_facing_error(result)
    assert "in time" in message or "within 0.6 s" in message
    assert elapsed < 1.5
    assert 1 <= len(peer.connections) <= 4


async def test_a_byte_trickle_is_cut_off_by_the_overall_deadline(sleeps: Sleeps) -> None:
    sandbox = create_app()
    call_id = sandbox.state.data.notable.multi_stage_call_id
    # The 26 KB call in 2 KB steps 50 ms apart (0.65 s): each read is quick, so only the
    # overall deadline can stop it.
    sandbox.state.faults.trickle_next(1, chunk_bytes=2_000, interval=0.05)
    with run_loopback(sandbox) as base_url:
        async with over_network(
            base_url, request_deadline=0.3, read_timeout=5.0, sleep=sleeps
        ) as client:
            started = anyio.current_time()
            with anyio.fail_after(5):
                result = await client.call_tool("get_call", {"call_id": call_id})
            elapsed = _elapsed_since(started)
    assert "did not finish within 0.3 s" in model_facing_error(result)
    assert elapsed < 1.0


async def test_a_truncated_body_is_retried_and_reported_as_cut_off_if_it_persists(
    sleeps: Sleeps,
) -> None:
    sandbox = create_app()
    call_id = sandbox.state.data.notable.multi_stage_call_id
    with run_loopback(sandbox) as base_url:
        async with over_network(base_url, sleep=sleeps) as client:
            sandbox.state.faults.truncated_next(1)
            with anyio.fail_after(5):
                recovered = await client.call_tool("get_call", {"call_id": call_id})
            sandbox.state.faults.truncated_next(10)
            with anyio.fail_after(5):
                result = await client.call_tool("get_call", {"call_id": call_id})
    assert not recovered.is_error
    assert call_id in "".join(getattr(block, "text", "") for block in recovered.content)
    assert "cut off" in model_facing_error(result)


def _app(routes: dict[str, Any]) -> Starlette:
    def endpoint(body: Any) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            value = body if isinstance(body, Response) or not callable(body) else body(request)
            return value if isinstance(value, Response) else JSONResponse(value)

        return run

    return Starlette(routes=[Route(path, endpoint(body)) for path, body in routes.items()])


@pytest.mark.parametrize("depth", [300, 100_000])
async def test_deeply_nested_json_is_a_shape_error_not_a_crash(depth: int) -> None:
    body = f'{{"callId": "{CALL_ID}", "metadata": {"[" * depth}1{"]" * depth}}}'
    app = _app({"/api/calls/{call_id}": Response(body, media_type="application/json")})
    async with over_asgi(app) as client:
        with anyio.fail_after(5):
            result = await client.call_tool("get_call", {"call_id": CALL_ID})
    message = model_facing_error(result)
    assert "expected shape" in message or "not valid JSON" in message


async def test_a_50_mb_streamed_body_is_aborted_at_the_size_cap_with_bounded_memory() -> None:
    sent: list[int] = []

    def handle(conn: socket.socket) -> None:
        conn.recv(65536)
        # No Content-Length: the body runs until the connection closes, so only the cap
        # can stop the reader. Sending fails once the client hangs up.
        conn.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n["
        )
        chunk = b" " * 65_536
        for _ in range(800):  # 800 x 64 KiB = 50 MiB
            conn.sendall(chunk)
            sent.append(len(chunk))

    tracemalloc.start()
    try:
        with raw_peer(handle) as peer:
            async with over_network(peer.base_url, max_response_bytes=1024 * 1024) as client:
                with anyio.fail_after(10):
                    result = await client.call_tool("get_call", {"call_id": CALL_ID})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than the 1048576 byte limit" in model_facing_error(result)
    # Whatever the socket buffers held, most of the 50 MiB was never sent.
    assert sum(sent) < 20 * 1024 * 1024, "the reader kept reading past the cap"
    assert peak < 16 * 1024 * 1024
    assert len(peer.connections) == 1


async def test_a_declared_50_mb_body_is_refused_without_reading_it() -> None:
    def handle(conn: socket.socket) -> None:
        conn.recv(65536)
        head = (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 52428800\r\n\r\n"
        )
        conn.sendall(head + b"[")

    with raw_peer(handle) as peer:
        async with over_network(peer.base_url) as client:
            with anyio.fail_after(5):
                result = await client.call_tool("get_call", {"call_id": CALL_ID})
    assert "larger than the" in model_facing_error(result)
    assert len(peer.connections) == 1


async def test_a_redirect_to_another_origin_is_not_followed_and_the_key_stays_home(
    sleeps: Sleeps,
) -> None:
    sandbox, elsewhere = create_app(), create_app()
    call_id = sandbox.state.data.notable.multi_stage_call_id
    with run_loopback(elsewhere) as other_url:
        sandbox.state.faults.redirect_next(1, f"{other_url}/api/calls/{call_id}")
        async with over_asgi(sandbox, sleep=sleeps) as client:
            with anyio.fail_after(5):
                result = await client.call_tool("get_call", {"call_id": call_id})
    assert "redirects are never followed" in model_facing_error(result)
    assert sandbox.state.requests.count_path(call_id) == 1
    assert len(elsewhere.state.requests) == 0


async def test_a_next_link_to_another_host_gives_its_cursor_and_that_host_nothing() -> None:
    elsewhere = create_app()
    seen_cursors: list[str | None] = []
    with run_loopback(elsewhere) as other_url:

        def calls(request: Request) -> object:
            cursor = request.query_params.get("cursor")
            seen_cursors.append(cursor)
            link = None if cursor else f"{other_url}/api/calls?cursor=CUR-2&pageSize=1"
            call = {"callId": str(uuid.uuid4()), "created": "2026-01-01T00:00:00Z"}
            return {"results": [call], "next": link, "previous": None, "total": 2}

        async with over_asgi(_app({"/api/calls": calls})) as client:
            first = text_of(await client.call_tool("list_calls", {"page_size": 1}))
            token = first.split('next cursor: "', 1)[1].split('"', 1)[0]
            second = await client.call_tool("list_calls", {"page_size": 1, "cursor": token})
    assert not second.is_error, text_of(second)
    assert seen_cursors == [None, "CUR-2"]
    assert len(elsewhere.state.requests) == 0


def _stage_pages(next_of: dict[str | None, str | None]) -> tuple[Starlette, list[str | None]]:
    asked: list[str | None] = []

    def stages(request: Request) -> object:
        cursor = request.query_params.get("cursor")
        asked.append(cursor)
        following = next_of.get(cursor, f"n{len(asked)}")
        link = None if following is None else f"http://upstream.test/x?cursor={following}"
        stage = {"callStageId": str(uuid.uuid4()), "callId": CALL_ID}
        return {"results": [stage], "next": link, "previous": None, "total": None}

    return _app({"/api/calls/{call_id}/stages": stages}), asked


@pytest.mark.parametrize(
    ("next_of", "requests", "message"),
    [
        pytest.param({None: "same", "same": "same"}, 2, "already given", id="repeating"),
        pytest.param({None: "a", "a": "b", "b": "a"}, 3, "already given", id="cycling"),
        pytest.param({}, 3, "Stopped after 3 pages", id="endless"),
    ],
)
async def test_a_cursor_loop_stops_with_a_paging_message(
    next_of: dict[str | None, str | None], requests: int, message: str
) -> None:
    app, asked = _stage_pages(next_of)
    async with over_asgi(app, max_pages=3) as client:
        with anyio.fail_after(5):
            result = await client.call_tool("list_call_stages", {"call_id": CALL_ID})
    assert message in model_facing_error(result)
    assert len(asked) == requests
