"""The HTTP transports (streamable HTTP and SSE) as an ASGI app with our safety checks.

What every request meets, outermost first:
- an optional bearer token (``ULTRAVOX_MCP_HTTP_TOKEN``), compared in constant time and
  accepted only in the ``Authorization`` header — a token in a URL ends up in proxy and
  access logs, so a query-string token is refused outright;
- the SDK's DNS-rebinding protection: the Host header must be one we serve (421 otherwise)
  and a browser Origin must be one we allow (403), exact ports included;
- the SDK's 4 MiB request-body cap (413).
Sessions that go quiet are closed after an idle timeout, or there are none at all in
stateless mode (for several instances behind a load balancer).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl

from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Query parameters that would carry a credential if a client tried.
_TOKEN_PARAMS = frozenset({"access_token", "token", "auth", "api_key", "apikey", "key"})


class HttpConfigError(ValueError):
    """The HTTP options would expose the server unsafely; the message says what to add."""


@dataclass(frozen=True)
class HttpOptions:
    transport: Literal["http", "sse"] = "http"
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    bearer_token: SecretStr | None = None
    stateless: bool = False
    # Seconds a quiet session is kept; abandoned sessions must not pile up.
    session_idle_timeout: float = 600.0

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS

    def security(self) -> TransportSecuritySettings:
        hosts = list(self.allowed_hosts)
        origins = list(self.allowed_origins)
        if self.is_loopback:
            # Exact ports: a page served by another local port is another origin.
            for name in ("127.0.0.1", "localhost", "[::1]"):
                hosts.append(f"{name}:{self.port}")
                origins.append(f"http://{name}:{self.port}")
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
        )


def check_options(options: HttpOptions) -> None:
    """Refuse configurations that would serve call data to a network unprotected."""
    if options.is_loopback:
        return
    missing = []
    if not options.allowed_hosts:
        missing.append("--allowed-host HOST:PORT (the exact Host names clients use)")
    if options.bearer_token is None:
        missing.append("a bearer token in ULTRAVOX_MCP_HTTP_TOKEN")
    if missing:
        raise HttpConfigError(
            f"refusing to bind {options.host}: a non-loopback address needs "
            + " and ".join(missing)
        )


def build_http_app(server: MCPServer[Any], options: HttpOptions) -> ASGIApp:
    check_options(options)
    security = options.security()
    app: ASGIApp
    if options.transport == "sse":
        app = server.sse_app(transport_security=security, host=options.host)
    else:
        app = server.streamable_http_app(
            stateless_http=options.stateless,
            session_idle_timeout=None if options.stateless else options.session_idle_timeout,
            transport_security=security,
            host=options.host,
        )
    return BearerTokenGate(app, options.bearer_token)


class BearerTokenGate:
    """Pure ASGI middleware: an optional shared bearer token, header only."""

    def __init__(self, app: ASGIApp, token: SecretStr | None) -> None:
        self._app = app
        self._expected = (
            f"Bearer {token.get_secret_value()}".encode() if token is not None else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        if any(name.lower() in _TOKEN_PARAMS for name, _ in parse_qsl(query)):
            await _refuse(send, 400, "credentials are accepted only in the Authorization header")
            return
        if self._expected is not None:
            presented = dict(scope.get("headers", [])).get(b"authorization", b"")
            if not hmac.compare_digest(presented, self._expected):
                await _refuse(send, 401, "missing or wrong bearer token", bearer=True)
                return
        await self._app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str, *, bearer: bool = False) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if bearer:
        headers.append((b"www-authenticate", b'Bearer realm="ultravox-calls-mcp"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
