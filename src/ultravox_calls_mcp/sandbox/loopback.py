"""Serve an app over real HTTP on 127.0.0.1 in a background thread, for socket-level tests."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp


@contextmanager
def run_loopback(
    app: ASGIApp,
    *,
    startup_timeout: float = 10.0,
    log_level: str = "warning",
    fast: bool = False,
) -> Iterator[str]:
    """``with run_loopback(app) as base_url:`` serves ``app`` on a free 127.0.0.1 port.

    The socket is bound here (port 0) before uvicorn starts, so the port is known without
    racing, and nothing else can take it in between. On exit the server is asked to stop
    and the thread joined; open connections get a short grace period.

    The server runs on plain asyncio and h11 unless ``fast`` asks for uvloop and
    httptools (the dev extras, where installed), named explicitly either way: uvicorn's
    "auto" would switch every server to them as soon as they are installed.
    """
    # proto must say TCP: asyncio turns Nagle off (TCP_NODELAY) only on sockets that do,
    # and with Nagle on, uvicorn's separate header and body writes stall ~40 ms on
    # delayed ACKs for any response that fits in one loopback segment.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        loop="uvloop" if fast and _installed("uvloop") else "asyncio",
        http="httptools" if fast and _installed("httptools") else "h11",
        log_level=log_level,
        lifespan="off",
        timeout_graceful_shutdown=2,
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("sandbox server did not start")
            time.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        sock.close()


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@contextmanager
def run_loopback_with_storage(app: Starlette, **options: Any) -> Iterator[tuple[str, str]]:
    """``with run_loopback_with_storage(app) as (api_url, storage_url):`` serves a sandbox
    app on two loopback ports: the API, and a second origin its recordings redirect to
    (``create_app``'s storage host), as the real API redirects to a storage service."""
    store = app.state.recordings
    before = store.base_url
    with run_loopback(app, **options) as api_url, run_loopback(app, **options) as storage_url:
        store.base_url = storage_url
        try:
            yield api_url, storage_url
        finally:
            store.base_url = before
