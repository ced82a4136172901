"""Fixtures shared by every test module."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SandboxData, create_app, generate_dataset


@pytest.fixture
def anyio_backend() -> str:
    # One event loop flavour keeps the suite fast; the code itself is anyio-only.
    return "asyncio"


@pytest.fixture(scope="session")
def sandbox_data() -> SandboxData:
    """The default sandbox dataset (seed 7); shared and read-only."""
    return generate_dataset(7)


@pytest.fixture
def sandbox_app(sandbox_data: SandboxData) -> Starlette:
    """A fresh sandbox app per test: its own fault switchboard and request log."""
    return create_app(sandbox_data)
