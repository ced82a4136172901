"""Client fixtures: a sleep recorder, the sandbox app, and clients wired to ASGI apps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ultravox_calls_mcp.api import RetryPolicy, UltravoxClient
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY

BASE_URL = "http://ultravox.test"
_DEFAULT = object()


@dataclass
class SleepRecorder:
    """Stands in for anyio.sleep: records how long the client wanted to wait."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


class ClientFactory:
    """``async with factory(app, **settings) as client``: in process, recorded sleeps."""

    def __init__(self, sleeps: SleepRecorder, api_key: str) -> None:
        self.sleeps = sleeps
        self.api_key = api_key

    def __call__(
        self,
        app: Any,
        *,
        api_key: Any = _DEFAULT,
        retry_policy: RetryPolicy | None = None,
        **overrides: Any,
    ) -> AbstractAsyncContextManager[UltravoxClient]:
        key = self.api_key if api_key is _DEFAULT else api_key
        values: dict[str, Any] = {"base_url": BASE_URL, "request_deadline": 10.0, **overrides}
        if key is not None:
            values["api_key"] = SecretStr(key)
        client = UltravoxClient(
            Settings(**values),
            transport=httpx2.ASGITransport(app=app) if app is not None else None,
            retry_policy=retry_policy,
            sleep=self.sleeps,
            random=lambda: 0.5,
        )
        return _owned(client)


@asynccontextmanager
async def _owned(client: UltravoxClient) -> AsyncIterator[UltravoxClient]:
    async with client:
        yield client


@pytest.fixture
def client_for(sleeps: SleepRecorder) -> ClientFactory:
    return ClientFactory(sleeps, api_key="Zq8Wk2Lp.aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1x")


@pytest.fixture
def sandbox_client(sleeps: SleepRecorder) -> ClientFactory:
    return ClientFactory(sleeps, api_key=SANDBOX_API_KEY)


@pytest.fixture
def sandbox(sandbox_app: Starlette) -> Starlette:
    """The shared sandbox app fixture (tests/conftest.py), under a shorter name."""
    return sandbox_app


@dataclass
class TinyApp:
    """A one-route Starlette app written inside a test, recording what reached it."""

    handler: Callable[[Request, int], Awaitable[Response]]
    seen: list[httpx2.URL] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def build(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            self.seen.append(httpx2.URL(str(request.url)))
            self.headers.append(dict(request.headers))
            return await self.handler(request, len(self.seen))

        return Starlette(routes=[Route("/{path:path}", endpoint)])
