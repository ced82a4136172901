"""The API key appears only in the X-API-Key header: never in logs, errors, reprs or URLs."""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

import pytest

from ultravox_calls_mcp.api import RetryPolicy, UltravoxError

LOGGERS = ("ultravox_calls_mcp", "httpx2", "httpcore2", "")


@pytest.mark.anyio
async def test_the_key_never_leaves_the_header(
    sandbox: Any, sandbox_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    key = sandbox_client.api_key
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    notable = sandbox.state.data.notable
    errors: list[UltravoxError] = []
    sandbox.state.faults.fail_next(1, status=500)
    async with sandbox_client(sandbox, retry_policy=RetryPolicy(max_attempts=2)) as client:
        assert key not in repr(client)
        await client.get_account()
        await client.get_call(notable.secrets_call_id)
        await client.list_calls(page_size=3)
        for fault in (
            lambda: sandbox.state.faults.fail_next(5, status=503),
            lambda: sandbox.state.faults.rate_limit_next(1, retry_after="9999"),
            lambda: sandbox.state.faults.invalid_json_next(1),
            lambda: sandbox.state.faults.redirect_next(1, "http://elsewhere.example/"),
            lambda: None,
        ):
            fault()
            try:
                await client.get_call(str(uuid.UUID(int=99)))
            except UltravoxError as exc:
                errors.append(exc)
        try:
            await client.get_call(key)  # a key pasted where an id belongs
        except UltravoxError as exc:
            errors.append(exc)
    assert len(errors) == 6

    assert caplog.records, "DEBUG logging should have recorded the requests"
    assert any(r.name == "ultravox_calls_mcp.api" for r in caplog.records)
    for record in caplog.records:
        assert key not in record.getMessage()
    for error in errors:
        assert key not in str(error)
        assert key not in repr(error)
        assert key not in "".join(traceback.format_exception(error))
    for request in sandbox.state.requests:
        assert key not in request.path
        assert all(key not in value for _name, value in request.query)


@pytest.mark.anyio
async def test_a_key_pasted_as_an_id_is_not_echoed(sandbox_client: Any) -> None:
    key = sandbox_client.api_key
    async with sandbox_client(None) as client:
        with pytest.raises(UltravoxError) as info:
            await client.get_call(key)
    # Echoing a short preview of bad input helps; a key is longer than the preview.
    assert key not in str(info.value)
