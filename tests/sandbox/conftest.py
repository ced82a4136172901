"""Fixtures for the sandbox's own tests: an in-process client with the sandbox key."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY

BASE_URL = "http://sandbox.test"


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sandbox_app),
        base_url=BASE_URL,
        headers={"X-API-Key": SANDBOX_API_KEY},
    ) as http:
        yield http
