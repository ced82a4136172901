"""Against the real Ultravox API, read-only. Skipped unless ULTRAVOX_LIVE_API_KEY is set.

ULTRAVOX_LIVE_API_KEY=... python -m pytest -m live tests/live
"""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr

from ultravox_calls_mcp.api.client import UltravoxClient
from ultravox_calls_mcp.config import Settings

LIVE_KEY = os.environ.get("ULTRAVOX_LIVE_API_KEY", "")

pytestmark = [
    pytest.mark.live,
    pytest.mark.anyio,
    pytest.mark.skipif(not LIVE_KEY, reason="set ULTRAVOX_LIVE_API_KEY to run against the API"),
]


def _settings() -> Settings:
    return Settings(api_key=SecretStr(LIVE_KEY))


async def test_the_key_is_accepted_by_accounts_me() -> None:
    async with UltravoxClient(_settings()) as client:
        account = await client.get_account()
    assert account.account_id


async def test_the_newest_calls_parse_and_their_messages_read_across_stages() -> None:
    async with UltravoxClient(_settings()) as client:
        page = await client.list_calls(page_size=5)
        assert page.total is None or page.total >= len(page.results)
        for call in page.results[:2]:
            cid = call.call_id
            every_stage = client.iter_items(lambda c: client.list_call_stages(cid, cursor=c))  # noqa: B023
            stages = [s async for s in every_stage]
            messages = await client.list_call_messages(call.call_id, page_size=50)
            stage_ids = {m.call_stage_id for m in messages.results if m.call_stage_id}
            assert stage_ids <= {s.call_stage_id for s in stages}
