"""Sandbox recordings answer byte ranges as real storage hosts (GCS, S3 signed URLs) do:
206 with a Content-Range and the slice, 416 past the end, the whole file for a header
they cannot read; on the storage route and the direct one; and a switch to ignore them."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, SandboxData, create_app

from .conftest import BASE_URL

pytestmark = pytest.mark.anyio

HEADERS = {"X-API-Key": SANDBOX_API_KEY}


async def _signed(app: Starlette, call_id: str) -> str:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, headers=HEADERS
    ) as api:
        answer = await api.get(f"/api/calls/{call_id}/recording")
    assert answer.status_code == 302
    return answer.headers["location"]


async def _storage_get(app: Starlette, url: str, **headers: str) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as storage:
        return await storage.get(url, headers=headers)


async def test_the_storage_host_answers_a_range_with_206_and_the_slice(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    call_id = sandbox_data.notable.dead_air.call_id
    url = await _signed(sandbox_app, call_id)
    whole = (await _storage_get(sandbox_app, url)).content
    total = len(whole)
    assert total > 10_000
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=1000-1999": (1000, 1999),
        f"bytes={total - 10}-": (total - 10, total - 1),
        f"bytes={total - 10}-{total + 500}": (total - 10, total - 1),  # clamped at the end
        "bytes=-16": (total - 16, total - 1),
    }
    for asked, (first, last) in cases.items():
        answer = await _storage_get(sandbox_app, url, Range=asked)
        assert answer.status_code == 206, asked
        assert answer.headers["content-range"] == f"bytes {first}-{last}/{total}"
        assert answer.headers["accept-ranges"] == "bytes"
        assert answer.content == whole[first : last + 1]
    past = await _storage_get(sandbox_app, url, Range=f"bytes={total}-")
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{total}"
    for unreadable in ("bytes=5-2", "items=0-9", "bytes=0-9,20-29", "bytes=-"):
        answer = await _storage_get(sandbox_app, url, Range=unreadable)
        assert answer.status_code == 200, unreadable  # ignored, as RFC 9110 allows
        assert answer.content == whole
    served = [r for r in sandbox_app.state.requests if r.path.startswith("/recordings/")]
    assert served[1].range == "bytes=0-99"
    assert served[1].status == 206
    assert served[1].body_bytes == 100
    assert served[0].body_bytes == total


async def test_a_ranged_request_carrying_the_key_is_still_refused_on_the_storage_host(
    sandbox_app: Starlette, sandbox_data: SandboxData
) -> None:
    url = await _signed(sandbox_app, sandbox_data.notable.dead_air.call_id)
    answer = await _storage_get(sandbox_app, url, Range="bytes=0-99", **HEADERS)
    assert answer.status_code == 403
    assert (await _storage_get(sandbox_app, url.split("?")[0], Range="bytes=0-99")).status_code == (
        403
    )


async def test_the_direct_recording_honours_ranges_and_the_switch_turns_them_off(
    sandbox_data: SandboxData,
) -> None:
    call_id = sandbox_data.notable.slow_after_tool.call_id
    app = create_app(sandbox_data, recording_redirect=False)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, headers=HEADERS
    ) as http:
        path = f"/api/calls/{call_id}/recording"
        whole = (await http.get(path)).content
        part = await http.get(path, headers={"Range": "bytes=44-143"})
        past = await http.get(path, headers={"Range": f"bytes={len(whole) + 1}-"})
        unauthenticated = await http.get(path, headers={"Range": "bytes=0-9", "X-API-Key": ""})
        app.state.recordings.ranges = False
        ignored = await http.get(path, headers={"Range": "bytes=44-143"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 44-143/{len(whole)}"
    assert part.content == whole[44:144]
    assert past.status_code == 416
    assert unauthenticated.status_code == 401  # the API's checks come before any range
    assert ignored.status_code == 200
    assert "accept-ranges" not in ignored.headers
    assert ignored.content == whole


async def test_a_planted_recording_is_served_as_given_and_by_range(
    sandbox_data: SandboxData,
) -> None:
    call_id = sandbox_data.notable.dead_air.call_id
    app = create_app(sandbox_data, recording_ranges=False)
    app.state.recordings.plant(call_id, b"RIFF-not-really")
    url = await _signed(app, call_id)
    assert (await _storage_get(app, url, Range="bytes=0-3")).content == b"RIFF-not-really"
    app.state.recordings.ranges = True
    assert (await _storage_get(app, url, Range="bytes=0-3")).content == b"RIFF"
