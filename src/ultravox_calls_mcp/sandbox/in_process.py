"""The sandbox served inside this process: the settings and HTTP transport that point the
real client at it. Shared by ``--sandbox``, ``doctor --sandbox`` and the tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ultravox_calls_mcp.config import Settings

from .app import SANDBOX_API_KEY, create_app

if TYPE_CHECKING:
    import httpx2

# A made-up origin (RFC 6761 reserves .invalid): requests never leave the process.
SANDBOX_BASE_URL = "http://sandbox.ultravox.invalid"


def sandbox_settings(**overrides: object) -> Settings:
    """Settings for the sandbox and nothing from the environment (tests: a developer's
    variables cannot change them)."""
    return _settings({}, overrides)


def in_process_sandbox(
    environ: Mapping[str, str] | None = None, **overrides: object
) -> tuple[Settings, httpx2.AsyncBaseTransport]:
    """Settings and an ASGI transport serving a fresh sandbox app (seed 7). ``environ``
    (the command line passes the process's) sets everything but the key and base URL,
    which are the sandbox's."""
    import httpx2

    return _settings(environ or {}, overrides), httpx2.ASGITransport(app=create_app())


def _settings(environ: Mapping[str, str], overrides: Mapping[str, object]) -> Settings:
    values: dict[str, object] = {
        "api_key": SANDBOX_API_KEY,
        "base_url": SANDBOX_BASE_URL,
        "sandbox": True,
    }
    return Settings.from_env(environ, **{**values, **overrides})
