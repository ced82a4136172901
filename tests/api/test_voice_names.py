"""Voice names: one lookup per voice per client, whatever the answer, bounded in memory."""

from __future__ import annotations

import anyio
import pytest
from starlette.applications import Starlette

from tests.api.conftest import ClientFactory
from ultravox_calls_mcp.api.errors import UpstreamError
from ultravox_calls_mcp.api.models import Voice
from ultravox_calls_mcp.api.voices import VoiceNames

pytestmark = pytest.mark.anyio

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _voice_requests(sandbox: Starlette) -> list[str]:
    return [path for path in sandbox.state.requests.paths() if path.startswith("/api/voices/")]


async def test_a_voice_is_looked_up_once_however_often_and_concurrently_it_is_asked_for(
    sandbox: Starlette, sandbox_client: ClientFactory
) -> None:
    voices = sandbox.state.data.voices
    ava, mark = voices["Ava"], voices["Mark"]
    async with sandbox_client(sandbox) as client:
        results: list[dict[str, str]] = []

        async def ask() -> None:
            results.append(await client.voice_names.resolve([ava, mark, ava.upper(), None]))

        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(ask)
        again = await client.voice_names.resolve([mark])
    assert results == [{ava: "Ava", mark: "Mark", ava.upper(): "Ava"}] * 5
    assert again == {mark: "Mark"}
    assert sorted(_voice_requests(sandbox)) == sorted([f"/api/voices/{ava}", f"/api/voices/{mark}"])


async def test_a_voice_given_by_name_or_unknown_upstream_shows_no_name_and_is_not_asked_again(
    sandbox: Starlette, sandbox_client: ClientFactory
) -> None:
    async with sandbox_client(sandbox) as client:
        assert await client.voice_names.resolve(["Mark", UNKNOWN]) == {}
        assert await client.voice_names.resolve([UNKNOWN]) == {}
    # "Mark" is a name already (no request); the unknown id was asked for once.
    assert _voice_requests(sandbox) == [f"/api/voices/{UNKNOWN}"]


async def test_a_failed_lookup_leaves_the_id_alone_instead_of_failing() -> None:
    asked: list[str] = []

    async def failing(voice_id: str) -> Voice:
        asked.append(voice_id)
        raise UpstreamError("Ultravox answered 500.")

    names = VoiceNames(failing)
    assert await names.resolve([UNKNOWN]) == {}
    assert await names.resolve([UNKNOWN]) == {}
    assert asked == [UNKNOWN]


async def test_the_cache_keeps_at_most_its_capacity_dropping_the_oldest() -> None:
    asked: list[str] = []

    async def fetch(voice_id: str) -> Voice:
        asked.append(voice_id)
        return Voice(voice_id=voice_id, name=f"v{len(asked)}")

    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(3)]
    names = VoiceNames(fetch, capacity=2)
    for voice_id in ids:
        await names.resolve([voice_id])
    await names.resolve(ids[1:])  # still held: no request
    assert asked == ids
    await names.resolve(ids[:1])  # dropped as the oldest: asked again
    assert asked == [*ids, ids[0]]
