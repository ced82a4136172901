"""Upstream fault matrix, through the MCP tools: what the model sees when Ultravox misbehaves.

Each row arms the sandbox's fault switchboard, calls ``get_call`` through a real MCP
client, and checks the model-facing result (success, or one of our messages with no
traceback, upstream text or key), how many requests reached the sandbox, and the backoff
the client asked for (recorded, never slept). Every row runs in process and over a real
loopback socket, except the latency row (a sleeping uvicorn thread would slow shutdown).

Client-level detail of the same policies: tests/api/test_retries.py, test_loopback.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import connect, text_of
from tests.reliability.conftest import Sleeps, model_facing_error, over_network
from ultravox_calls_mcp.sandbox import Faults, run_loopback

pytestmark = pytest.mark.anyio

SUCCESS = "success"


def _http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


@dataclass(frozen=True)
class Row:
    id: str
    arm: Callable[[Faults], None]
    # SUCCESS, or a fragment of our own message.
    outcome: str
    requests: int
    # Backoff asked for, in order; None: check only ``longest_wait``.
    delays: tuple[float, ...] | None
    longest_wait: float = 0.0
    settings: tuple[tuple[str, object], ...] = ()
    loopback: bool = True


def _each(*steps: Callable[[Faults], None]) -> Callable[[Faults], None]:
    def arm(faults: Faults) -> None:
        for step in steps:
            step(faults)

    return arm


def _latency(faults: Faults) -> None:
    faults.latency = 5.0


ROWS = [
    Row("500-500-200->success", lambda f: f.fail_next(2, 500), SUCCESS, 3, (0.5, 1.0)),
    Row(
        "502-503-504-200->success",
        _each(
            lambda f: f.fail_next(1, 502),
            lambda f: f.fail_next(1, 503),
            lambda f: f.fail_next(1, 504),
        ),
        SUCCESS,
        4,
        (0.5, 1.0, 2.0),
    ),
    Row("408-408-200->success", lambda f: f.fail_next(2, 408), SUCCESS, 3, (0.5, 1.0)),
    Row(
        "500-persistent->error-after-4-attempts",
        lambda f: f.fail_next(50, 500),
        "failed to answer a request for call",
        4,
        (0.5, 1.0, 2.0),
    ),
    Row(
        "503-persistent-retry-after-2->error-naming-the-wait",
        lambda f: f.fail_next(50, 503, retry_after="2"),
        "retry after 2 s",
        4,
        (2.0, 2.0, 2.0),
    ),
    Row(
        "429-retry-after-1->short-wait-then-success",
        lambda f: f.rate_limit_next(1, "1"),
        SUCCESS,
        2,
        (1.0,),
    ),
    Row(
        "429-retry-after-3600->immediate-retry-after-result",
        lambda f: f.rate_limit_next(1, "3600"),
        "wait 3600 s",
        1,
        (),
    ),
    Row(
        "429-http-date-in-2s->short-wait-then-success",
        lambda f: f.rate_limit_next(1, _http_date(2)),
        SUCCESS,
        2,
        None,
        longest_wait=2.5,
    ),
    Row(
        "429-http-date-tomorrow->immediate-retry-after-result",
        lambda f: f.rate_limit_next(1, _http_date(86_400)),
        "before retrying (429)",
        1,
        (),
    ),
    Row(
        "429-http-date-in-the-past->retried-at-once",
        lambda f: f.rate_limit_next(1, "Wed, 21 Oct 2015 07:28:00 GMT"),
        SUCCESS,
        2,
        (0.0,),
    ),
    Row(
        "429-garbage-retry-after->our-backoff",
        lambda f: f.rate_limit_next(1, "soon-ish"),
        SUCCESS,
        2,
        (0.5,),
    ),
    Row(
        "429-no-retry-after->our-backoff", lambda f: f.rate_limit_next(1, None), SUCCESS, 2, (0.5,)
    ),
    Row(
        "429-persistent->rate-limited-result",
        lambda f: f.rate_limit_next(50, "1"),
        "rate limiting requests (429); retry after 1 s",
        4,
        (1.0, 1.0, 1.0),
    ),
    Row(
        "503-retry-after-3600->immediate-retry-after-result",
        lambda f: f.fail_next(1, 503, retry_after="3600"),
        "wait 3600 s",
        1,
        (),
    ),
    Row("401->one-request-key-message", lambda f: f.fail_next(1, 401), "ULTRAVOX_API_KEY", 1, ()),
    Row(
        "403->one-request-permission-message", lambda f: f.fail_next(1, 403), "may not read", 1, ()
    ),
    Row(
        "404->one-request-not-found-with-hint",
        lambda f: f.fail_next(1, 404),
        "list_calls shows",
        1,
        (),
    ),
    Row(
        "400->one-request-parameters-message",
        lambda f: f.fail_next(1, 400),
        "rejected the parameters",
        1,
        (),
    ),
    Row(
        "422->one-request-parameters-message",
        lambda f: f.fail_next(1, 422),
        "rejected the parameters",
        1,
        (),
    ),
    Row("501->not-retried", lambda f: f.fail_next(1, 501), "failed to answer", 1, ()),
    Row(
        "html-502-page-persistent->error-without-the-page",
        lambda f: f.fail_next(
            50, 502, body="<html><h1>502 Bad Gateway</h1>nginx/1.25 edge-7</html>"
        ),
        "(502)",
        4,
        (0.5, 1.0, 2.0),
    ),
    Row(
        "html-200-page->not-json-result",
        lambda f: f.fail_next(1, 200, body="<html><body>Sign in to continue</body></html>"),
        "something other than JSON",
        1,
        (),
    ),
    Row(
        "invalid-json->not-valid-json-result",
        lambda f: f.invalid_json_next(1),
        "not valid JSON",
        1,
        (),
    ),
    Row(
        "latency-beyond-deadline->deadline-result",
        _latency,
        "did not finish within 0.2 s",
        1,
        (),
        settings=(("request_deadline", 0.2),),
        loopback=False,
    ),
]

CASES = [
    pytest.param(row, way, id=f"{way}:{row.id}")
    for row in ROWS
    for way in ("asgi", "loopback")
    if way == "asgi" or row.loopback
]


@pytest.mark.parametrize(("row", "way"), CASES)
async def test_upstream_fault_reaches_the_model_as_data_or_our_message(
    row: Row, way: str, sandbox_app: Starlette, sleeps: Sleeps
) -> None:
    call_id = sandbox_app.state.data.notable.multi_stage_call_id
    settings: dict[str, Any] = dict(row.settings)
    row.arm(sandbox_app.state.faults)
    if way == "asgi":
        await _check(
            row, connect(sandbox_app, sleep=sleeps, **settings), sandbox_app, call_id, sleeps
        )
    else:
        with run_loopback(sandbox_app) as base_url:
            await _check(
                row, over_network(base_url, **settings, sleep=sleeps), sandbox_app, call_id, sleeps
            )


async def _check(row: Row, client: Client, app: Starlette, call_id: str, sleeps: Sleeps) -> None:
    async with client:
        with anyio.fail_after(5):  # every row finishes at once: no backoff is really slept
            result = await client.call_tool("get_call", {"call_id": call_id})
    if row.outcome == SUCCESS:
        assert not result.is_error, text_of(result)
        assert call_id in text_of(result)
    else:
        assert row.outcome in model_facing_error(result)
    assert app.state.requests.count_path(call_id) == row.requests
    if row.delays is not None:
        assert tuple(sleeps.delays) == pytest.approx(row.delays)
    else:
        assert len(sleeps.delays) == 1
        assert 0 <= sleeps.delays[0] <= row.longest_wait
