"""The fault switchboard: make the sandbox misbehave the ways a real API and network do.

Knobs (each ``*_next`` queues a rule for the next ``n`` matching requests; rules are
consumed in the order they were queued, one rule per request; ``path`` limits a rule to
requests whose path contains that substring, e.g. ``"/stages/"``):

- ``latency``: seconds slept before every response (all requests, not consumed).
- ``fail_next(n, status=503, retry_after=None, body=None)``: answer ``status`` with
  ``{"detail": ...}`` JSON, or with ``body`` verbatim (served as text/html, so a test can
  send the kind of HTML error page a proxy produces).
- ``rate_limit_next(n, retry_after="1")``: 429 with that ``Retry-After`` (any string:
  seconds, an HTTP date, garbage; ``None`` omits the header).
- ``invalid_json_next(n)``: 200 ``application/json`` whose body is not JSON.
- ``truncated_next(n)``: 200 declaring the real Content-Length but sending only half the
  body and never finishing; over a socket the server then drops the connection.
- ``trickle_next(n, chunk_bytes=1, interval=0.05)``: the real response, sent
  ``chunk_bytes`` at a time with ``interval`` seconds between chunks.
- ``redirect_next(n, location)``: 302 to ``location`` (typically another origin).
- ``reset()``: clear every rule and the latency.

The app may run on uvicorn's thread while a test thread arms faults, so rule bookkeeping
sits behind a lock.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class FaultRule:
    kind: str
    remaining: int
    path: str | None = None
    status: int = 200
    retry_after: str | None = None
    body: str | None = None
    location: str | None = None
    chunk_bytes: int = 1
    interval: float = 0.05


@dataclass
class Faults:
    """Mutable switchboard read by the fault middleware on every request."""

    latency: float = 0.0
    _rules: list[FaultRule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _add(self, rule: FaultRule) -> None:
        if rule.remaining < 1:
            raise ValueError("n must be at least 1")
        with self._lock:
            self._rules.append(rule)

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        retry_after: str | None = None,
        body: str | None = None,
        *,
        path: str | None = None,
    ) -> None:
        self._add(FaultRule("fail", n, path, status=status, retry_after=retry_after, body=body))

    def rate_limit_next(
        self, n: int = 1, retry_after: str | None = "1", *, path: str | None = None
    ) -> None:
        self._add(FaultRule("fail", n, path, status=429, retry_after=retry_after))

    def invalid_json_next(self, n: int = 1, *, path: str | None = None) -> None:
        self._add(FaultRule("invalid_json", n, path))

    def truncated_next(self, n: int = 1, *, path: str | None = None) -> None:
        self._add(FaultRule("truncated", n, path))

    def trickle_next(
        self,
        n: int = 1,
        chunk_bytes: int = 1,
        interval: float = 0.05,
        *,
        path: str | None = None,
    ) -> None:
        self._add(FaultRule("trickle", n, path, chunk_bytes=chunk_bytes, interval=interval))

    def redirect_next(self, n: int = 1, location: str = "", *, path: str | None = None) -> None:
        if not location:
            raise ValueError("redirect_next needs a location")
        self._add(FaultRule("redirect", n, path, status=302, location=location))

    def reset(self) -> None:
        with self._lock:
            self._rules.clear()
            self.latency = 0.0

    @property
    def pending(self) -> int:
        """Requests still to be faulted, summed over all rules."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def take(self, path: str) -> FaultRule | None:
        """Consume one use of the first queued rule that matches ``path``."""
        with self._lock:
            for rule in self._rules:
                if rule.path is None or rule.path in path:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                    return rule
        return None


_DETAILS = {
    429: "Request was throttled.",
    500: "A server error occurred.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable, try again later.",
    504: "Gateway timeout.",
}


class FaultMiddleware:
    """Applies ``Faults`` in front of the API (after request recording, before auth)."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.faults.latency > 0:
            await anyio.sleep(self.faults.latency)
        rule = self.faults.take(scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.kind == "fail":
            await _fail(rule, send)
        elif rule.kind == "redirect":
            assert rule.location is not None
            await _respond(send, 302, b"", "text/plain", [(b"location", rule.location.encode())])
        elif rule.kind == "invalid_json":
            body = b"{'next': None, 'results': [<html>oops</html>"
            await _respond(send, 200, body, "application/json")
        else:
            status, headers, body = await _capture(self.app, scope, receive)
            await _replay(rule, send, status, headers, body)


async def _fail(rule: FaultRule, send: Send) -> None:
    extra: list[tuple[bytes, bytes]] = []
    if rule.retry_after is not None:
        extra.append((b"retry-after", rule.retry_after.encode("latin-1")))
    if rule.body is not None:
        await _respond(send, rule.status, rule.body.encode(), "text/html; charset=utf-8", extra)
        return
    detail = _DETAILS.get(rule.status, "Error.")
    if rule.status == 429 and rule.retry_after and rule.retry_after.isdigit():
        detail = f"Request was throttled. Expected available in {rule.retry_after} seconds."
    body = json.dumps({"detail": detail}).encode()
    await _respond(send, rule.status, body, "application/json", extra)


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _capture(
    app: ASGIApp, scope: Scope, receive: Receive
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the real app and keep its response, so a fault can replay it badly."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return int(start["status"]), list(start.get("headers", [])), b"".join(chunks)


async def _replay(
    rule: FaultRule, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    if rule.kind == "truncated":
        # Content-Length promises the whole body; returning with the response unfinished
        # makes the server drop the connection, as a client sees when a proxy dies
        # mid-response. (In-process ASGI transports just hand over the short body.)
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        return
    step = max(1, rule.chunk_bytes)
    for offset in range(0, len(body), step):
        last = offset + step >= len(body)
        await send(
            {
                "type": "http.response.body",
                "body": body[offset : offset + step],
                "more_body": not last,
            }
        )
        if not last:
            await anyio.sleep(rule.interval)
    if not body:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
