"""Sandbox audio: per-message WAV, the recording behind a redirect to a signed storage URL,
and sound that follows the timeline (a tone per speaker, silence in the gaps)."""

from __future__ import annotations

import io
import itertools
import math
import wave
from array import array
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import (
    SANDBOX_API_KEY,
    SandboxData,
    create_app,
    run_loopback_with_storage,
)
from ultravox_calls_mcp.sandbox.audio import AGENT_HZ, SAMPLE_RATE, USER_HZ

from .conftest import BASE_URL

pytestmark = pytest.mark.anyio

HEADERS = {"X-API-Key": SANDBOX_API_KEY}


def _read(body: bytes) -> tuple[array[int], float]:
    with wave.open(io.BytesIO(body)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        assert reader.getframerate() == SAMPLE_RATE
        samples = array("h", reader.readframes(reader.getnframes()))
        return samples, reader.getnframes() / SAMPLE_RATE


def _window(samples: array[int], start: float, end: float) -> array[int]:
    return samples[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]


def _rms(samples: array[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def _pitch(samples: array[int]) -> float:
    """Frequency from upward zero crossings."""
    ups = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return ups / (len(samples) / SAMPLE_RATE)


def _span(message: dict[str, object]) -> tuple[float, float]:
    span = message["timespan"]
    assert isinstance(span, dict)
    return float(span["start"].rstrip("s")), float(span["end"].rstrip("s"))


async def _recording(http: httpx2.AsyncClient, app: Starlette, call_id: str) -> bytes:
    redirect = await http.get(f"/api/calls/{call_id}/recording")
    assert redirect.status_code == 302
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as storage:
        answer = await storage.get(redirect.headers["location"])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "audio/wav"
    return answer.content


async def test_the_recording_redirects_to_a_signed_url_on_another_host(
    client: httpx2.AsyncClient, sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    call_id = sandbox_data.notable.dead_air.call_id
    answer = await client.get(f"/api/calls/{call_id}/recording")
    assert answer.status_code == 302
    assert answer.content == b""
    target = urlsplit(answer.headers["location"])
    assert (target.scheme, target.netloc) == ("https", "storage.sandbox.invalid")
    assert target.netloc != urlsplit(BASE_URL).netloc
    token = parse_qs(target.query)["token"]
    assert token == [sandbox_app.state.recordings.token(call_id)]


async def test_the_signed_url_refuses_credentials_bad_tokens_and_the_api_host(
    client: httpx2.AsyncClient, sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    call_id = sandbox_data.notable.dead_air.call_id
    location = (await client.get(f"/api/calls/{call_id}/recording")).headers["location"]
    bare = location.split("?")[0]
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=sandbox_app)) as storage:
        assert (await storage.get(location, headers=HEADERS)).status_code == 403
        authorization = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}
        assert (await storage.get(location, headers=authorization)).status_code == 403
        assert (await storage.get(bare)).status_code == 403
        assert (
            await storage.get(bare, params={"token": "sbxcanary_recording_0"})
        ).status_code == 403
        assert (await storage.get(location)).status_code == 200
        api_on_storage = f"https://storage.sandbox.invalid/api/calls/{call_id}"
        assert (await storage.get(api_on_storage, headers=HEADERS)).status_code == 404
    # The storage path is not served on the API's host either.
    assert (await client.get(f"/recordings/{call_id}.wav")).status_code == 404
    served = [r for r in sandbox_app.state.requests if r.path.startswith("/recordings/")]
    assert [r.had_api_key for r in served][:2] == [True, False]


async def test_the_recording_follows_the_timeline_tone_in_speech_silence_in_gaps(
    client: httpx2.AsyncClient, sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    case = sandbox_data.notable.dead_air
    record = sandbox_data.call(case.call_id)
    assert record is not None
    assert record.duration_s is not None
    samples, seconds = _read(await _recording(client, sandbox_app, case.call_id))
    assert seconds == pytest.approx(record.duration_s, abs=1 / SAMPLE_RATE)
    messages = record.stages[0].messages
    gap = (_span(messages[case.message_index])[1], _span(messages[case.message_index + 1])[0])
    assert gap[1] - gap[0] == pytest.approx(12.0)
    assert max(map(abs, _window(samples, gap[0] + 0.02, gap[1] - 0.02))) == 0
    for message, hz in ((messages[0], AGENT_HZ), (messages[1], USER_HZ)):
        start, end = _span(message)
        middle = _window(samples, start + 0.2, end - 0.2)
        assert _rms(middle) > 5_000
        assert _pitch(middle) == pytest.approx(hz, rel=0.02)
    first_word = _span(messages[0])[0]
    assert max(map(abs, _window(samples, 0, first_word - 0.02))) == 0


async def test_a_barge_in_sounds_like_two_voices_at_once(
    client: httpx2.AsyncClient, sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    case = sandbox_data.notable.barge_in
    record = sandbox_data.call(case.call_id)
    assert record is not None
    samples, _ = _read(await _recording(client, sandbox_app, case.call_id))
    user_start = _span(record.stages[0].messages[case.message_index])[0]
    agent_end = _span(record.stages[0].messages[case.message_index - 1])[1]
    both = _window(samples, user_start + 0.1, agent_end - 0.1)
    alone = _window(samples, user_start - 1.0, user_start - 0.1)
    assert max(map(abs, both)) > 1.5 * max(map(abs, alone))


async def test_message_audio_is_the_speakers_tone_for_as_long_as_it_was_spoken(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    case = sandbox_data.notable.slow_after_tool
    record = sandbox_data.call(case.call_id)
    assert record is not None
    base = f"/api/calls/{case.call_id}/stages/{case.stage_id}/messages"
    answer = await client.get(f"{base}/{case.message_index}/audio")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "audio/wav"
    samples, seconds = _read(answer.content)
    start, end = _span(record.stages[0].messages[case.message_index])
    assert seconds == pytest.approx(end - start, abs=1 / SAMPLE_RATE)
    assert _pitch(samples) == pytest.approx(AGENT_HZ, rel=0.02)
    tool_index = case.message_index - 1  # the tool result it waited on
    for index in (str(tool_index), "9999", "x", "-1"):
        assert (await client.get(f"{base}/{index}/audio")).status_code == 404, index
    assert (await client.get(f"{base}/0/audio", headers={"X-API-Key": ""})).status_code == 401


async def test_carried_over_messages_have_no_audio(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    record = sandbox_data.call(sandbox_data.notable.multi_stage_call_id)
    assert record is not None
    second = record.stages[1]
    base = f"/api/calls/{record.call_id}/stages/{second.stage_id}/messages"
    assert (await client.get(f"{base}/0/audio")).status_code == 404
    own = next(
        i
        for i, m in enumerate(second.messages)
        if i >= second.first_own and m["role"] == "MESSAGE_ROLE_USER"
    )
    assert (await client.get(f"{base}/{own}/audio")).status_code == 200


async def test_recordings_that_do_not_exist_yet_or_at_all_answer_like_the_api(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    n = sandbox_data.notable
    unrecorded = next(c for c in sandbox_data.calls if not c.call["recordingEnabled"])
    assert (await client.get(f"/api/calls/{unrecorded.call_id}/recording")).status_code == 404
    assert (await client.get(f"/api/calls/{n.stress_call_id}/recording")).status_code == 404
    live = await client.get(f"/api/calls/{n.live_call_id}/recording")
    assert live.status_code == 425
    assert "detail" in live.json()
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (await client.get(f"/api/calls/{unknown}/recording")).status_code == 404
    url = f"/api/calls/{n.dead_air.call_id}/recording"
    assert (await client.get(url, headers={"X-API-Key": ""})).status_code == 401


async def test_the_recording_can_be_served_directly_and_is_built_only_when_asked(
    sandbox_data: SandboxData,
) -> None:
    app = create_app(sandbox_data, recording_redirect=False)
    store = app.state.recordings
    assert store.cached_calls == ()
    call_id = sandbox_data.notable.slow_after_tool.call_id
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, headers=HEADERS
    ) as http:
        answer = await http.get(f"/api/calls/{call_id}/recording")
        again = await http.get(f"/api/calls/{call_id}/recording")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "audio/wav"
    assert again.content == answer.content
    assert store.cached_calls == (call_id,)
    _, seconds = _read(answer.content)
    per_minute = len(answer.content) / seconds * 60
    assert per_minute < 1_000_000  # a 60 s window is well under 2 MB


async def test_over_loopback_the_recording_redirects_to_a_second_origin(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    call_id = sandbox_data.notable.barge_in.call_id
    with run_loopback_with_storage(sandbox_app) as (api_url, storage_url):
        assert api_url != storage_url
        with anyio.fail_after(10):
            async with httpx2.AsyncClient(base_url=api_url, headers=HEADERS) as api:
                redirect = await api.get(f"/api/calls/{call_id}/recording")
                location = redirect.headers["location"]
                assert location.startswith(f"{storage_url}/recordings/{call_id}.wav?token=")
                forwarded = await api.get(location)  # a client that forwards its key
            async with httpx2.AsyncClient() as storage:
                fetched = await storage.get(location)
    assert forwarded.status_code == 403
    assert fetched.status_code == 200
    _read(fetched.content)
    assert sandbox_app.state.recordings.base_url == "https://storage.sandbox.invalid"
    storage_host = urlsplit(storage_url).netloc
    served = [r for r in sandbox_app.state.requests if r.host == storage_host]
    assert [r.had_api_key for r in served] == [True, False]
