"""Start a server subprocess on a free loopback port, wait until it accepts, stop it after."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import anyio
import anyio.from_thread


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(command: Callable[[int], Sequence[str]], env: dict[str, str]) -> Iterator[int]:
    """Run ``command(port)``; yield the port once it accepts connections (30 s at most)."""
    port = free_port()
    proc = subprocess.Popen(
        list(command(port)),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # A portal thread works whether or not the caller is inside an event loop.
        with anyio.from_thread.start_blocking_portal() as portal:
            portal.call(_wait_for_port, port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


async def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    with anyio.fail_after(30):
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited early with code {proc.returncode}")
            try:
                stream = await anyio.connect_tcp("127.0.0.1", port)
            except OSError:
                await anyio.sleep(0.05)
                continue
            await stream.aclose()
            return
