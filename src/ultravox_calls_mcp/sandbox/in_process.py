"""The sandbox served inside this process: the settings and HTTP transport that point the
real client at it. Shared by ``--sandbox``, ``doctor --sandbox`` and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ultravox_calls_mcp.config import Settings

from .app import SANDBOX_API_KEY, create_app

if TYPE_CHECKING:
    import httpx2

# A made-up origin (RFC 6761 reserves .invalid): requests never leave the process.
SANDBOX_BASE_URL = "http://sandbox.ultravox.invalid"


def sandbox_settings(**overrides: object) -> Settings:
    """Settings for the sandbox, ignoring the environment's key and base URL."""
    values: dict[str, object] = {
        "api_key": SANDBOX_API_KEY,
        "base_url": SANDBOX_BASE_URL,
        "sandbox": True,
    }
    return Settings.from_env({}, **{**values, **overrides})


def in_process_sandbox(**overrides: object) -> tuple[Settings, httpx2.AsyncBaseTransport]:
    """Settings and an ASGI transport serving a fresh sandbox app (seed 7)."""
    import httpx2

    return sandbox_settings(**overrides), httpx2.ASGITransport(app=create_app())
