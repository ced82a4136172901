"""Shared pieces of the benchmarks: result rows, an MCP client over the loopback sandbox,
character counting, subprocess timing and the machine line.

Every benchmark module exposes ``run(quick: bool = False) -> Outcome`` (``quick`` shrinks
repetitions for the smoke test) and a ``main()`` that prints the outcome on its own;
``benchmarks/run.py`` collects the rows of all of them into one table.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import platform
import re
import selectors
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.request import urlopen

from mcp.client import advertise
from mcp.types import CallToolResult, TextContent
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from mcp import Client
from ultravox_calls_mcp.cli import freeze_start_up_heap
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.mcp.app.contract import VIEWER_MIME_TYPE
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, RequestLog

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

_CURSOR = re.compile(r'next cursor: "([^"]+)"')


@dataclass(frozen=True)
class Row:
    """One line of the combined table. ``ok`` None: not run (e.g. the benchmark is missing)."""

    name: str
    figure: str
    goal: str
    ok: bool | None

    @property
    def status(self) -> str:
        return {True: "OK", False: "MISSED", None: "-"}[self.ok]


@dataclass
class Outcome:
    """What a benchmark measured: table rows plus the detail lines its own script prints."""

    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    # The raw numbers, so the smoke test can check that real counts came back.
    numbers: dict[str, float] = field(default_factory=dict)


def scaling_outcome(
    row: str, ratios: dict[str, float], notes: list[str], *, goal: float, measured: str = ""
) -> Outcome:
    """A linear-scaling row: the worst of ``ratios`` (time at 4n / time at n, per input
    shape) against ``goal``; ``measured`` says what grew, e.g. " for 4x messages"."""
    worst = max(ratios, key=lambda name: ratios[name])
    return Outcome(
        rows=[
            Row(
                row,
                f"{ratios[worst]:.1f}x time{measured} (worst: {worst})",
                f"<= {goal:.0f}x (linear: 4x)",
                ratios[worst] <= goal,
            )
        ],
        notes=notes,
        numbers={f"ratio {name}": value for name, value in ratios.items()},
    )


def print_outcome(outcome: Outcome) -> None:
    for line in outcome.notes:
        print(line)
    print(format_table(outcome.rows))


def format_table(rows: Sequence[Row]) -> str:
    header = ("benchmark", "measured", "goal", "status")
    cells = [header, *((r.name, r.figure, r.goal, r.status) for r in rows)]
    widths = [max(len(cell[i]) for cell in cells) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"machine: {os.cpu_count()} cores ({cpu}, {platform.machine()}), "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.system()}"
    )


def sandbox_settings(base_url: str, **overrides: object) -> Settings:
    return Settings.model_validate(
        {"api_key": SecretStr(SANDBOX_API_KEY), "base_url": base_url, **overrides}
    )


@asynccontextmanager
async def connect(
    base_url: str, *, apps: bool = True, **overrides: object
) -> AsyncIterator[Client]:
    """Our real server (real HTTP to the loopback sandbox) behind an in-memory MCP client
    that, like Claude Desktop, renders MCP Apps (so the viewer's own tools are listed);
    ``apps=False``: one that does not, which lists only what a model may call."""
    server = build_server(sandbox_settings(base_url, **overrides))
    apps_host = advertise("io.modelcontextprotocol/ui", {"mimeTypes": [VIEWER_MIME_TYPE]})
    async with Client(server, extensions=[apps_host] if apps else None) as client:
        yield client


def text_of(result: CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if isinstance(b, TextContent))


def received_chars(result: CallToolResult) -> tuple[int, int]:
    """(text characters, structured-copy characters) the model receives for one result.

    The structured copy counts as compact JSON with non-ASCII kept, the smallest form a
    client could forward it in.
    """
    text = sum(len(b.text) for b in result.content if isinstance(b, TextContent))
    structured = result.structured_content
    extra = 0 if structured is None else len(compact_json(structured))
    return text, extra


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def next_cursor(text: str) -> str | None:
    match = _CURSOR.search(text)
    return match.group(1) if match else None


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A stdio child's environment: nothing inherited but what Python needs to run."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
    env.update(extra or {})
    return env


INITIALIZE = compact_json(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "benchmarks", "version": "0"},
        },
    }
)


def time_to_initialize(
    argv: Sequence[str], env: Mapping[str, str], *, timeout: float = 30.0
) -> float:
    """Seconds from spawning ``argv`` to the first line of its initialize response."""
    started = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
        [*argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=dict(env),
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        # Written at once: the pipe buffers it until the child starts reading.
        proc.stdin.write(INITIALIZE.encode() + b"\n")
        proc.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=timeout):
                raise TimeoutError(f"{argv} did not answer initialize in {timeout}s")
            line = proc.stdout.readline()
        elapsed = time.perf_counter() - started
        if b'"result"' not in line:
            raise RuntimeError(f"{argv} answered initialize with {line[:200]!r}")
        return elapsed
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def python() -> str:
    return sys.executable


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


class RequestLogRoute:
    """``GET /_bench/log`` on a sandbox app: the paths requested since the last read (then
    forgotten), for a sandbox served from another process."""

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/_bench/log":
            await self.app(scope, receive, send)
            return
        body = json.dumps(self.log.paths()).encode()
        self.log.clear()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def logged_paths(base_url: str) -> list[str]:
    """What ``RequestLogRoute`` logged since it was last asked."""
    with urlopen(f"{base_url}/_bench/log") as response:  # noqa: S310 - our loopback server
        paths: list[str] = json.loads(response.read())
    return paths


@contextmanager
def sandbox_process(
    serve: Callable[..., None], *args: object, startup_timeout: float = 120.0
) -> Iterator[object]:
    """Run ``serve(*args, conn)`` in a spawned process, as Ultravox runs apart from us: the
    sandbox's CPU work then does not share our interpreter lock, nor its sample data our
    heap. ``serve`` sends one picklable value (its base URL, ...) and serves until the
    next message; that value is what this yields. A child that dies or never answers is
    an error here, not a hang."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(*args, child), daemon=True)
    server.start()
    child.close()  # ours closed, the pipe reports the child's end closing when it dies
    try:
        deadline = time.monotonic() + startup_timeout
        while not parent.poll(0.1):
            if not server.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the sandbox process did not start (exit code {server.exitcode})"
                )
        try:
            value = parent.recv()
        except EOFError:
            server.join(timeout=5)
            raise RuntimeError(
                f"the sandbox process ended before it served (exit code {server.exitcode})"
            ) from None
        yield value
    finally:
        with contextlib.suppress(OSError):  # a child already gone cannot be told
            parent.send("stop")
        server.join(timeout=10)
        if server.is_alive():
            server.kill()
            server.join(timeout=10)


def serve_until_told(conn: Connection, value: object) -> None:
    """The ``serve`` side of ``sandbox_process``: announce ``value``, wait for the word."""
    conn.send(value)
    with contextlib.suppress(EOFError):  # the parent went away: stop serving as well
        conn.recv()


@contextmanager
def frozen_like_the_server() -> Iterator[None]:
    """Within, this process's heap is frozen as ``cli.freeze_start_up_heap`` freezes the
    server's before it serves, so code measured in process meets the collector as the
    server's does; undone on exit, so later benchmarks (and tests) start as they would
    alone. Enter once set up, before anything is timed."""
    gc.collect()  # the benchmark's own set-up garbage; the server has little
    freeze_start_up_heap()
    try:
        yield
    finally:
        gc.unfreeze()
