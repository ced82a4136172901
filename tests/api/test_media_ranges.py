"""Byte-range reads of a recording through the client: the Range goes to the API and, after
the redirect, to the storage host (still without the key); a 206 is checked against what
was asked; a 200 is the whole file; a 416 is our words; a bad Content-Range is refused."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx2
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ultravox_calls_mcp.api import InvalidResponseError, UltravoxClient
from ultravox_calls_mcp.api.errors import InvalidRequestError
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.sandbox import (
    SANDBOX_API_KEY,
    SandboxData,
    create_app,
    run_loopback_with_storage,
    sandbox_settings,
)

pytestmark = pytest.mark.anyio

CALL = "00000000-0000-4000-8000-000000000001"


@pytest.fixture
def loopback(sandbox_app: Starlette) -> Iterator[tuple[str, str]]:
    with run_loopback_with_storage(sandbox_app) as origins:
        yield origins


def _in_process(app: Starlette) -> UltravoxClient:
    return UltravoxClient(sandbox_settings(), transport=httpx2.ASGITransport(app=app))


async def test_a_range_reaches_the_storage_host_without_the_key_and_comes_back_as_a_slice(
    loopback: tuple[str, str],
    sandbox_app: Starlette,
    sandbox_data: SandboxData,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api_url, storage_url = loopback
    call_id = sandbox_data.notable.dead_air.call_id
    caplog.set_level(logging.DEBUG)
    settings = Settings(api_key=SecretStr(SANDBOX_API_KEY), base_url=api_url)
    async with UltravoxClient(settings) as client:
        whole = await client.get_recording(call_id)
        head = await client.get_recording(call_id, byte_range=(0, 99))
        tail = await client.get_recording(call_id, byte_range=(1_000, None))
    assert not whole.partial
    assert whole.file_size == len(whole.data)
    assert (head.partial, head.offset, head.file_size) == (True, 0, len(whole.data))
    assert head.data == whole.data[:100]
    assert head.media_type == "audio/wav"
    assert (tail.offset, tail.data) == (1_000, whole.data[1_000:])
    storage_host = storage_url.removeprefix("http://")
    storage = [r for r in sandbox_app.state.requests if r.host == storage_host]
    assert [(r.range, r.had_api_key, r.status) for r in storage] == [
        (None, False, 200),
        ("bytes=0-99", False, 206),
        ("bytes=1000-", False, 206),
    ]
    assert [r.body_bytes for r in storage][1:] == [100, len(whole.data) - 1_000]
    api = [r for r in sandbox_app.state.requests if r.path.endswith("/recording")]
    assert [(r.range, r.had_api_key) for r in api] == [
        (None, True),
        ("bytes=0-99", True),
        ("bytes=1000-", True),
    ]
    token = sandbox_app.state.recordings.token(call_id)
    assert token not in caplog.text
    assert token not in repr(head)


async def test_a_server_ignoring_ranges_gives_the_whole_file(sandbox_data: SandboxData) -> None:
    call_id = sandbox_data.notable.dead_air.call_id
    app = create_app(sandbox_data, recording_ranges=False)
    async with _in_process(app) as client:
        audio = await client.get_recording(call_id, byte_range=(0, 99))
    assert not audio.partial
    assert audio.file_size == len(audio.data) > 100


@pytest.mark.parametrize("redirect", [True, False])
async def test_a_range_past_the_end_is_an_error_in_our_words(
    redirect: bool, sandbox_data: SandboxData
) -> None:
    call_id = sandbox_data.notable.dead_air.call_id
    app = create_app(sandbox_data, recording_redirect=redirect)
    async with _in_process(app) as client:
        size = (await client.get_recording(call_id)).file_size
        assert size is not None
        with pytest.raises(InvalidRequestError, match="past the end") as caught:
            await client.get_recording(call_id, byte_range=(size, None))
    assert caught.value.status_code == 416
    assert app.state.recordings.token(call_id) not in str(caught.value)
    assert "sbxcanary" not in str(caught.value)


def _answering(status: int, content_range: str | None, body: bytes) -> Starlette:
    """An API whose recording route answers this, whatever was asked."""

    async def recording(request: Request) -> Response:
        headers = {} if content_range is None else {"Content-Range": content_range}
        return Response(body, status_code=status, media_type="audio/wav", headers=headers)

    return Starlette(routes=[Route(f"/api/calls/{CALL}/recording", recording)])


@pytest.mark.parametrize(
    ("content_range", "body", "message"),
    [
        (None, b"x" * 100, "without a readable Content-Range"),
        ("bytes 10-109/1000", b"x" * 100, "not the bytes=0-99 asked for"),
        ("bytes 0-199/1000", b"x" * 200, "not the bytes=0-99 asked for"),
        ("bytes 0-99/50", b"x" * 100, "not the bytes=0-99 asked for"),
        ("bytes 0-99/1000", b"x" * 60, "for a range of 100"),
    ],
)
async def test_a_206_that_is_not_what_was_asked_is_refused(
    content_range: str | None, body: bytes, message: str
) -> None:
    async with _in_process(_answering(206, content_range, body)) as client:
        with pytest.raises(InvalidResponseError, match=message):
            await client.get_recording(CALL, byte_range=(0, 99))


async def test_a_206_to_a_whole_request_is_refused_and_a_star_total_is_accepted() -> None:
    async with _in_process(_answering(206, "bytes 0-99/*", b"x" * 100)) as client:
        with pytest.raises(InvalidResponseError, match="though the whole was asked for"):
            await client.get_recording(CALL)
        audio = await client.get_recording(CALL, byte_range=(0, 99))
    assert (audio.partial, audio.file_size, len(audio.data)) == (True, None, 100)


async def test_a_206_longer_than_its_range_is_refused_as_it_streams() -> None:
    app = _answering(206, "bytes 0-99/1000", b"x" * 5_000_000)
    async with _in_process(app) as client:
        with pytest.raises(InvalidResponseError, match="sent more than the 100 bytes"):
            await client.get_recording(CALL, byte_range=(0, 99))


async def test_an_empty_recording_is_said_to_be_empty() -> None:
    async with _in_process(_answering(416, None, b"")) as client:
        with pytest.raises(InvalidResponseError, match="as an empty file") as caught:
            await client.get_recording(CALL, byte_range=(0, 65_535))
    assert "earlier start" not in str(caught.value)
