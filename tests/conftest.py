"""Fixtures shared by every test module."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    # One event loop flavour keeps the suite fast; the code itself is anyio-only.
    return "asyncio"
