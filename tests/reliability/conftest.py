"""Reliability fixtures: the real MCP server with recorded (not slept) backoff, reached
through a real MCP client, over the in-process sandbox or a real loopback socket."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel
import httpx2
import pytest
from mcp.types import CallToolResult

from mcp import Client
from tests.mcp.conftest import assert_no_secret, text_of
from ultravox_calls_mcp.api.transport import Sleep
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY

# Words of the sandbox's own error bodies: none may reach the model.
UPSTREAM_WORDS = (
    "A server error occurred",
    "Service temporarily unavailable",
    "Request was throttled",
    "Bad gateway",
    "Invalid API key",
    "Not found.",
    "<html",
    "detail",
)


@dataclass
class Sleeps:
    """The client's injectable sleep: records each backoff instead of waiting it out.

    ``real=True`` waits for real (cancellation tests) and counts waits cut short.
    """

    delays: list[float] = field(default_factory=list)
    real: bool = False
    cancelled: int = 0

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if not self.real:
            await anyio.lowlevel.checkpoint()
            return
        try:
            await anyio.sleep(seconds)
        except anyio.get_cancelled_exc_class():
            self.cancelled += 1
            raise


@pytest.fixture
def sleeps() -> Sleeps:
    """Pass as ``sleep=`` to a server the test builds: its backoff is recorded, and the
    jitter is zero, so backoff is the full, predictable 0.5 s, 1 s, 2 s."""
    return Sleeps()


def wired(sleep: Sleep | None) -> dict[str, Any]:
    """build_server's back-off seams for ``sleep`` (none: the real ones)."""
    return {} if sleep is None else {"sleep": sleep, "random": lambda: 0.0}


def settings_for(base_url: str, **overrides: object) -> Settings:
    return Settings.from_env({}, api_key=SANDBOX_API_KEY, base_url=base_url, **overrides)


def over_network(
    base_url: str, *, mode: str = "auto", sleep: Sleep | None = None, **overrides: object
) -> Client:
    """An MCP client whose server reaches ``base_url`` over real sockets."""
    server = build_server(settings_for(base_url, **overrides), **wired(sleep))
    return Client(server, mode=mode)


def over_asgi(
    app: object,
    base_url: str = "http://upstream.test",
    *,
    sleep: Sleep | None = None,
    **overrides: object,
) -> Client:
    """An MCP client whose server reaches an ASGI app in process."""
    transport = httpx2.ASGITransport(app=app)  # type: ignore[arg-type]
    settings = settings_for(base_url, **overrides)
    return Client(build_server(settings, http_transport=transport, **wired(sleep)))


_SDK_PREFIX = re.compile(r"Error executing tool [a-z_]+(?:: |$)")


def model_facing_error(result: CallToolResult) -> str:
    """Our message in an error result, checked for what must never reach a model.

    The SDK prefixes every tool error with "Error executing tool X: "; a crash (any
    exception that is not ours) gets the bare prefix and nothing else.
    """
    text = assert_no_secret(text_of(result))
    assert result.is_error, f"expected an error result, got: {text[:300]}"
    text = _SDK_PREFIX.sub("", text, count=1)
    assert text, "a crash: the tool raised something other than our errors"
    assert "Traceback" not in text
    assert SANDBOX_API_KEY not in text
    for word in UPSTREAM_WORDS:
        assert word not in text, f"upstream text {word!r} reached the model: {text}"
    return text


@dataclass
class RawPeer:
    """A loopback TCP server whose per-connection behaviour is a plain function."""

    port: int
    connections: list[int]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def raw_peer(handle: Callable[[socket.socket], object]) -> Iterator[RawPeer]:
    """Accept connections on 127.0.0.1 and hand each to ``handle`` in a thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    stop = threading.Event()
    peer = RawPeer(listener.getsockname()[1], [])

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            peer.connections.append(1)
            threading.Thread(target=_handle, args=(handle, conn, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _handle(
    handle: Callable[[socket.socket], object], conn: socket.socket, stop: threading.Event
) -> None:
    with conn:
        try:
            handle(conn)
            stop.wait(5)  # keep the connection open (silent) until the test ends
        except OSError:
            pass  # the client hung up: that is the point of most of these peers


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
