"""Client behaviour against tiny servers written in the test: what the sandbox can't fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ultravox_calls_mcp.api import (
    AuthenticationError,
    InvalidRequestError,
    InvalidResponseError,
    PagingError,
    UltravoxClient,
)
from ultravox_calls_mcp.api.models import Call

from .conftest import TinyApp

CALL = "3f2c0a4e-8b1d-4c6e-9a7f-1d2e3f4a5b6c"


def _call(n: int) -> dict[str, Any]:
    return {"callId": f"00000000-0000-4000-8000-{n:012d}"}


def _every_call(
    client: UltravoxClient, *, page_size: int | None = None, start_cursor: str | None = None
) -> AsyncIterator[Call]:
    return client.iter_items(
        lambda c: client.list_calls(cursor=c, page_size=page_size), start_cursor=start_cursor
    )


@pytest.mark.anyio
async def test_a_server_that_repeats_its_cursor_stops_with_a_paging_error(client_for: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        return JSONResponse({"results": [_call(n)], "next": "http://x/api/calls?cursor=same"})

    app = TinyApp(handler)
    async with client_for(app.build()) as client:
        with pytest.raises(PagingError, match="already given"):
            [call async for call in _every_call(client)]
    assert len(app.seen) == 2  # the first page, then the page at "same", which pointed to itself


@pytest.mark.anyio
async def test_iteration_stops_at_the_configured_page_limit(client_for: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        return JSONResponse({"results": [_call(n)], "next": f"http://x/?cursor=c{n}"})

    app = TinyApp(handler)
    async with client_for(app.build(), max_pages=5) as client:
        calls: list[Any] = []

        async def collect() -> None:
            async for call in _every_call(client, page_size=1):
                calls.append(call)

        with pytest.raises(PagingError, match="5 pages"):
            await collect()
    assert len(calls) == 5
    assert len(app.seen) == 5


@pytest.mark.anyio
async def test_a_next_url_on_another_host_gives_its_cursor_but_never_its_host(
    client_for: Any,
) -> None:
    async def handler(request: Request, n: int) -> Response:
        nxt = "https://attacker.example:8443/elsewhere?cursor=page2&pageSize=1" if n == 1 else None
        return JSONResponse({"results": [_call(n)], "next": nxt, "total": 2})

    app = TinyApp(handler)
    async with client_for(app.build()) as client:
        first = await client.list_calls(page_size=1)
        assert first.next_cursor == "page2"
        assert first.total == 2
        rest = [call async for call in _every_call(client, start_cursor=first.next_cursor)]
    assert [c.call_id for c in rest] == [_call(2)["callId"]]
    assert [url.host for url in app.seen] == ["ultravox.test", "ultravox.test"]
    assert app.seen[1].path == "/api/calls"
    assert app.seen[1].params.get("cursor") == "page2"


@pytest.mark.anyio
async def test_a_missing_total_is_none(client_for: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        return JSONResponse({"results": [], "next": None})

    async with client_for(TinyApp(handler).build()) as client:
        page = await client.list_call_stages(CALL)
    assert page.total is None
    assert page.next_cursor is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_call("not-a-uuid"),
        lambda c: c.get_call(f"{CALL}/../../accounts/me"),
        lambda c: c.get_call_stage(CALL, "stage-1"),
        lambda c: c.list_stage_messages("x", CALL),
        lambda c: c.list_call_messages(CALL, mode="everything"),
        lambda c: c.list_call_events(CALL, minimum_severity="loud"),
        lambda c: c.list_call_events(CALL, event_type="a&b=c"),
        lambda c: c.list_calls(page_size=0),
        lambda c: c.list_calls(cursor="a\nb"),
        lambda c: c.list_agents(search=""),
        lambda c: c.get_agent("7"),
        lambda c: c.list_call_tools("nope"),
    ],
)
async def test_bad_input_is_refused_before_any_request(client_for: Any, call: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        raise AssertionError("no request should arrive")

    app = TinyApp(handler)
    async with client_for(app.build()) as client:
        with pytest.raises(InvalidRequestError) as info:
            await call(client)
    assert info.value.status_code is None
    assert app.seen == []


@pytest.mark.anyio
async def test_iteration_refuses_a_bad_start_cursor_when_created(client_for: Any) -> None:
    async with client_for(None) as client:
        with pytest.raises(InvalidRequestError, match="cursor"):
            _every_call(client, start_cursor="a\nb")


@pytest.mark.anyio
async def test_ids_reach_the_path_in_canonical_form(client_for: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        return JSONResponse({"callId": CALL})

    app = TinyApp(handler)
    async with client_for(app.build()) as client:
        await client.get_call(CALL.upper().replace("-", ""))
    assert app.seen[0].path == f"/api/calls/{CALL}"


@pytest.mark.anyio
async def test_without_a_key_nothing_is_sent(client_for: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        raise AssertionError("no request should arrive")

    app = TinyApp(handler)
    async with client_for(app.build(), api_key=None) as client:
        with pytest.raises(AuthenticationError, match="ULTRAVOX_API_KEY"):
            await client.get_account()
    assert app.seen == []


@pytest.mark.anyio
async def test_requests_carry_the_key_header_and_our_user_agent(client_for: Any) -> None:
    async def handler(request: Request, n: int) -> Response:
        return JSONResponse({"accountId": "a"})

    app = TinyApp(handler)
    async with client_for(app.build()) as client:
        account = await client.get_account()
    assert account.account_id == "a"
    headers = app.headers[0]
    assert headers["x-api-key"].startswith("Zq8Wk2Lp.")
    assert headers["user-agent"].startswith("ultravox-calls-mcp/")
    assert app.seen[0].path == "/api/accounts/me"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("response", "message"),
    [
        (Response("<html>oops</html>", media_type="text/html"), "other than JSON"),
        (Response(b'{"callId": ', media_type="application/json"), "not valid JSON"),
        (JSONResponse({"callId": 12}), "expected shape"),
        (JSONResponse([1, 2]), "expected shape"),
    ],
)
async def test_unusable_bodies_are_invalid_responses_in_our_words(
    client_for: Any, response: Response, message: str
) -> None:
    async def handler(request: Request, n: int) -> Response:
        return response

    async with client_for(TinyApp(handler).build()) as client:
        with pytest.raises(InvalidResponseError, match=message) as info:
            await client.get_call(CALL)
    assert "oops" not in str(info.value)
    assert info.value.__context__ is None
