"""Cursor paging: DRF-shaped pages, opaque cursors, preserved parameters, clamping."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.applications import Starlette

from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, SandboxData, create_app

pytestmark = pytest.mark.anyio


async def test_walking_next_links_visits_every_call_once(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    seen: list[str] = []
    page = (await client.get("/api/calls", params={"pageSize": 7})).json()
    pages = 1
    assert page["previous"] is None
    while True:
        assert page["total"] == len(sandbox_data.calls)
        seen += [c["callId"] for c in page["results"]]
        if page["next"] is None:
            break
        page = (await client.get(page["next"])).json()
        pages += 1
        assert page["previous"] is not None
    assert seen == list(sandbox_data.notable.call_ids)
    assert pages == -(-len(seen) // 7)


async def test_next_is_a_full_url_that_keeps_other_parameters_and_hides_the_offset(
    client: httpx2.AsyncClient,
) -> None:
    page = (
        await client.get("/api/calls", params={"pageSize": 2, "metadata.customer_tier": "gold"})
    ).json()
    url = urlsplit(page["next"])
    assert (url.scheme, url.netloc, url.path) == ("http", "sandbox.test", "/api/calls")
    query = parse_qs(url.query)
    assert query["pageSize"] == ["2"]
    assert query["metadata.customer_tier"] == ["gold"]
    assert not query["cursor"][0].isdigit()


async def test_previous_of_the_second_page_leads_back_to_the_first(
    client: httpx2.AsyncClient,
) -> None:
    first = (await client.get("/api/agents", params={"pageSize": 2})).json()
    second = (await client.get(first["next"])).json()
    back = (await client.get(second["previous"])).json()
    assert back["results"] == first["results"]
    assert "cursor" not in parse_qs(urlsplit(second["previous"]).query)


async def test_a_tampered_cursor_is_a_404_like_drf(client: httpx2.AsyncClient) -> None:
    for cursor in ("12", "not base64!", "c2J4MTpvPXh4"):
        response = await client.get("/api/calls", params={"cursor": cursor})
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid cursor"}


async def test_page_size_defaults_and_is_clamped(sandbox_data: SandboxData) -> None:
    app: Starlette = create_app(sandbox_data, default_page_size=5, max_page_size=10)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="http://sandbox.test",
        headers={"X-API-Key": SANDBOX_API_KEY},
    ) as http:
        assert len((await http.get("/api/calls")).json()["results"]) == 5
        assert len((await http.get("/api/calls?pageSize=1000")).json()["results"]) == 10


@pytest.mark.parametrize("size", ["0", "-3", "ten", "1.5"])
async def test_an_unusable_page_size_is_a_400_field_map(
    client: httpx2.AsyncClient, size: str
) -> None:
    response = await client.get("/api/calls", params={"pageSize": size})
    assert response.status_code == 400
    assert list(response.json()) == ["pageSize"]
