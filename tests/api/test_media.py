"""Audio through the client: the recording's redirect to a signed storage URL, over real
loopback sockets (two origins), and the rules around it: the key never leaves the API
origin, at most 3 redirects, https only (plain-http loopback only for a loopback API), the
signed link never in a result, an error or a log line."""

from __future__ import annotations

import io
import logging
import wave
from collections.abc import Iterator

import httpx2
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from ultravox_calls_mcp.api import InvalidResponseError, NotFoundError, UltravoxClient
from ultravox_calls_mcp.api.errors import PermissionDeniedError, UltravoxError
from ultravox_calls_mcp.api.media import MAX_REDIRECTS, Audio, fetch_audio
from ultravox_calls_mcp.api.transport import ApiTransport
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.sandbox import (
    SANDBOX_API_KEY,
    SandboxData,
    run_loopback_with_storage,
    sandbox_settings,
)

from .conftest import SleepRecorder

pytestmark = pytest.mark.anyio


@pytest.fixture
def loopback(sandbox_app: Starlette) -> Iterator[tuple[str, str]]:
    with run_loopback_with_storage(sandbox_app) as origins:
        yield origins


def _client(base_url: str, sleeps: SleepRecorder) -> UltravoxClient:
    settings = Settings(api_key=SecretStr(SANDBOX_API_KEY), base_url=base_url)
    return UltravoxClient(settings, sleep=sleeps, random=lambda: 0.0)


def _seconds(audio: Audio) -> float:
    with wave.open(io.BytesIO(audio.data)) as reader:
        return float(reader.getnframes() / reader.getframerate())


def _recorded_call(data: SandboxData) -> str:
    return data.notable.dead_air.call_id


def _storage_requests(app: Starlette, storage_url: str) -> list[bool]:
    host = storage_url.removeprefix("http://")
    return [r.had_api_key for r in app.state.requests if r.host == host]


async def test_the_recording_follows_the_redirect_without_the_key(
    loopback: tuple[str, str],
    sandbox_app: Starlette,
    sandbox_data: SandboxData,
    sleeps: SleepRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api_url, storage_url = loopback
    call_id = _recorded_call(sandbox_data)
    caplog.set_level(logging.DEBUG)
    async with _client(api_url, sleeps) as client:
        audio = await client.get_recording(call_id)
    record = sandbox_data.call(call_id)
    assert record is not None
    assert record.duration_s is not None
    assert audio.media_type == "audio/wav"
    assert _seconds(audio) == pytest.approx(record.duration_s, abs=0.01)
    # The API was asked with the key, the storage host without it (it refuses any: 403).
    api_requests = [r for r in sandbox_app.state.requests if r.path.endswith("/recording")]
    assert [r.had_api_key for r in api_requests] == [True]
    assert _storage_requests(sandbox_app, storage_url) == [False]
    token = sandbox_app.state.recordings.token(call_id)
    assert token not in caplog.text
    assert token not in repr(audio)
    assert storage_url.removeprefix("http://") in caplog.text  # the host alone is logged


async def test_three_redirects_are_followed_and_a_fourth_is_refused(
    loopback: tuple[str, str],
    sandbox_app: Starlette,
    sandbox_data: SandboxData,
    sleeps: SleepRecorder,
) -> None:
    api_url, storage_url = loopback
    call_id = _recorded_call(sandbox_data)
    signed = sandbox_app.state.recordings.signed_url(call_id)
    faults = sandbox_app.state.faults
    # The API's own 302 plus two more on the storage host: three in all.
    faults.redirect_next(MAX_REDIRECTS - 1, signed, path="/recordings/")
    async with _client(api_url, sleeps) as client:
        assert (await client.get_recording(call_id)).media_type == "audio/wav"
        faults.redirect_next(MAX_REDIRECTS, signed, path="/recordings/")
        with pytest.raises(InvalidResponseError, match="redirected more than 3 times") as caught:
            await client.get_recording(call_id)
    assert sandbox_app.state.recordings.token(call_id) not in str(caught.value)
    assert signed not in str(caught.value)
    assert not any(_storage_requests(sandbox_app, storage_url))


async def test_a_redirect_back_to_the_api_origin_keeps_the_key(
    loopback: tuple[str, str],
    sandbox_app: Starlette,
    sandbox_data: SandboxData,
    sleeps: SleepRecorder,
) -> None:
    api_url, _ = loopback
    case = sandbox_data.notable.barge_in
    audio_path = f"/api/calls/{case.call_id}/stages/{case.stage_id}/messages/0/audio"
    sandbox_app.state.faults.redirect_next(1, api_url + audio_path, path="/recording")
    async with _client(api_url, sleeps) as client:
        audio = await client.get_recording(case.call_id)
    assert audio.media_type == "audio/wav"
    second = [r for r in sandbox_app.state.requests if r.path == audio_path]
    assert [r.had_api_key for r in second] == [True]


@pytest.mark.parametrize(
    "target",
    [
        "http://storage.example.com/recordings/x.wav?token=abc",  # plain http, not loopback
        "ftp://storage.example.com/x.wav",
        "https://user:pass@storage.example.com/x.wav",
    ],
)
async def test_a_redirect_to_plain_http_another_scheme_or_userinfo_is_refused(
    target: str,
    loopback: tuple[str, str],
    sandbox_app: Starlette,
    sandbox_data: SandboxData,
    sleeps: SleepRecorder,
) -> None:
    api_url, _ = loopback
    sandbox_app.state.faults.redirect_next(1, target, path="/recording")
    async with _client(api_url, sleeps) as client:
        with pytest.raises(InvalidResponseError, match="not followed") as caught:
            await client.get_recording(_recorded_call(sandbox_data))
    assert "token=abc" not in str(caught.value)
    assert "user:pass" not in str(caught.value)


async def test_plain_http_loopback_storage_is_refused_when_the_api_is_not_loopback(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    # The in-process API is http://sandbox.ultravox.invalid: not loopback, so a redirect
    # to a plain-http loopback port is refused before any request is made to it.
    sandbox_app.state.faults.redirect_next(1, "http://127.0.0.1:9/x.wav", path="/recording")
    transport = httpx2.ASGITransport(app=sandbox_app)
    async with UltravoxClient(sandbox_settings(), transport=transport) as client:
        with pytest.raises(InvalidResponseError, match="only https downloads are"):
            await client.get_recording(_recorded_call(sandbox_data))
    assert [r.path for r in sandbox_app.state.requests][-1].endswith("/recording")


async def test_in_process_the_recording_comes_from_the_https_storage_host(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    transport = httpx2.ASGITransport(app=sandbox_app)
    async with UltravoxClient(sandbox_settings(), transport=transport) as client:
        audio = await client.get_recording(_recorded_call(sandbox_data))
    assert audio.media_type == "audio/wav"
    storage = [r for r in sandbox_app.state.requests if r.host == "storage.sandbox.invalid"]
    assert [r.had_api_key for r in storage] == [False]


async def test_missing_audio_and_refused_storage_are_told_in_our_words(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    transport = httpx2.ASGITransport(app=sandbox_app)
    unrecorded = sandbox_data.notable.stress_call_id  # recording was off for it
    tool_call = sandbox_data.notable.slow_after_tool  # its message 2 is a tool call
    async with UltravoxClient(sandbox_settings(), transport=transport) as client:
        with pytest.raises(NotFoundError, match="no recording for call") as no_recording:
            await client.get_recording(unrecorded)
        with pytest.raises(NotFoundError, match="Only spoken agent and caller messages"):
            await client.get_message_audio(tool_call.call_id, tool_call.stage_id, 2)
        sandbox_app.state.faults.fail_next(1, status=403, path="/recordings/")
        with pytest.raises(PermissionDeniedError, match="signed link may have expired"):
            await client.get_recording(_recorded_call(sandbox_data))
    assert no_recording.value.about == "call_id"


async def test_audio_over_the_size_cap_is_not_read(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    api = ApiTransport(sandbox_settings(), transport=httpx2.ASGITransport(app=sandbox_app))
    path = f"/api/calls/{_recorded_call(sandbox_data)}/recording"
    try:
        with pytest.raises(UltravoxError, match="larger than the 1,000 byte limit"):
            await fetch_audio(api, path, "a recording", not_found="none", cap=1_000)
    finally:
        await api.aclose()
