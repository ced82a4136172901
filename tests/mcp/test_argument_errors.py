"""Bad arguments get one short message naming the fix, and never reach Ultravox."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_error, connect
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


async def test_an_unknown_argument_names_the_real_parameters(sandbox_app: Starlette) -> None:
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        message = await call_error(client, "list_calls", page=2)
    assert "has no parameter 'page'" in message
    assert "cursor" in message
    assert sandbox_app.state.requests == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 10_000}, "page_size"),
        ({"page_size": 1.5}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"max_chars": 10}, "max_chars"),
        ({"sort": "random"}, "sort"),
    ],
)
async def test_out_of_range_arguments_are_explained_without_pydantic_noise(
    sandbox_app: Starlette, arguments: dict[str, object], field: str
) -> None:
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        message = await call_error(client, "list_calls", **arguments)
    assert message.startswith("Invalid arguments for list_calls:")
    assert field in message
    assert "errors.pydantic.dev" not in message
    assert "input_value" not in message
    assert sandbox_app.state.requests == []


async def test_a_prompt_with_a_bad_call_id_is_refused(client: Client, data: SandboxData) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the SDK raises its protocol error
        await client.get_prompt("debug_call", {"call_id": "not-a-call"})
    assert "Traceback" not in str(caught.value)


async def test_more_than_five_bad_arguments_says_how_many_more_there_are(
    sandbox_app: Starlette,
) -> None:
    bad = {
        "page_size": 0,
        "max_chars": 10,
        "sort": "random",
        "search": "x" * 600,
        "voice_id": "v" * 100,
        "time_of_day_start": "t" * 20,
        "time_of_day_end": "t" * 20,
    }
    async with connect(sandbox_app) as client:
        message = await call_error(client, "list_calls", **bad)
    assert message.count(": ") >= 6
    assert "; and 2 more." in message
