"""Fixtures shared by every test module."""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
import traceback
from collections.abc import Iterator

import hypothesis.strategies._internal as hypothesis_strategies
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, SandboxData, create_app, generate_dataset

SECRET_INPUT = "secret_input"


@pytest.fixture(scope="session", autouse=True)
def _hypothesis_strategy_modules_loaded() -> None:
    """Hypothesis imports some strategy modules (regex, ...) on first draw, which can be
    deep inside a running test; pytest rewrites those imports (ast.parse), and at that
    depth CPython 3.11.7 can fail with "AST constructor recursion depth mismatch". They
    are imported here instead, at the top of the stack (not at conftest import, where
    Hypothesis warns that they read its character tables too early)."""
    for module in pkgutil.iter_modules(hypothesis_strategies.__path__):
        importlib.import_module(f"{hypothesis_strategies.__name__}.{module.name}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SECRET_INPUT}: the test hands a secret to the server on purpose (e.g. a key pasted "
        "as an id), so log lines may echo it; the suite-wide log check is skipped",
    )


@functools.cache
def planted_secrets() -> tuple[str, ...]:
    """Every value that must never reach a model, a log or an exception text: the sandbox
    key and each canary the default dataset plants (SIP password, TTS headers, callback
    secrets, a key read out in a transcript...)."""
    return (SANDBOX_API_KEY, *generate_dataset(7).canaries)


def leaked_secret(text: str, *, exempt: str = "") -> str | None:
    """The first planted secret in ``text``, ignoring any whose prefix is in ``exempt``
    (a test that hands a secret, or part of one, to the server on purpose)."""
    return next((s for s in planted_secrets() if s in text and s[:16] not in exempt), None)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record whose args do not format still carries its msg
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += "".join(traceback.format_exception(record.exc_info[1]))
        if (secret := leaked_secret(text)) is not None:
            self.leaks.append(f"{record.name}: …{secret[:12]}…")


@pytest.fixture(autouse=True)
def no_secret_in_any_log_line(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every record of every logger, at DEBUG, with its exception text: no planted secret."""
    if request.node.get_closest_marker(SECRET_INPUT):
        yield
        return
    root = logging.getLogger()
    capture = _Capture()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
    assert not capture.leaks, f"planted secret in log records: {capture.leaks[:3]}"


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
