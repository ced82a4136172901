"""Each /api/calls filter narrows the list the way its name says."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import httpx2
import pytest

from ultravox_calls_mcp.sandbox import SandboxData
from ultravox_calls_mcp.sandbox.filters import parse_duration

pytestmark = pytest.mark.anyio


async def _calls(http: httpx2.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await http.get("/api/calls", params={"pageSize": 200, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["results"])
    results: list[dict[str, Any]] = body["results"]
    return results


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_search_matches_summaries_and_metadata(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    found = await _calls(client, search="INVOICE question")
    assert found
    assert all("invoice" in (c["shortSummary"] or "").lower() for c in found)
    by_meta = await _calls(client, search="zürich-hb")
    assert by_meta
    assert all(c["metadata"].get("clinic") == "zürich-hb" for c in by_meta)
    assert len(found) < len(sandbox_data.calls)


async def test_date_range_is_inclusive_and_a_bare_date_means_the_whole_day(
    client: httpx2.AsyncClient,
) -> None:
    found = await _calls(client, fromDate="2026-11-01", toDate="2026-11-07")
    assert found
    for call in found:
        assert datetime(2026, 11, 1, tzinfo=UTC) <= _when(call["created"])
        assert _when(call["created"]) < datetime(2026, 11, 8, tzinfo=UTC)
    later = await _calls(client, fromDate="2026-11-15T12:00:00Z")
    assert all(_when(c["created"]) >= datetime(2026, 11, 15, 12, tzinfo=UTC) for c in later)


async def test_time_of_day_filters_regardless_of_date_and_wraps_midnight(
    client: httpx2.AsyncClient,
) -> None:
    morning = await _calls(client, timeOfDayStart="08:00", timeOfDayEnd="10:00:00")
    assert morning
    assert all(time(8) <= _when(c["created"]).time() <= time(10) for c in morning)
    night = await _calls(client, timeOfDayStart="22:00", timeOfDayEnd="06:00")
    assert night
    for call in night:
        moment = _when(call["created"]).time()
        assert moment >= time(22) or moment <= time(6)


@pytest.mark.parametrize(
    ("text", "value"), [("90s", 90.0), ("1.5s", 1.5), ("00:01:30", 90.0), ("90", 90.0)]
)
def test_durations_accept_seconds_and_clock_forms(text: str, value: float) -> None:
    assert parse_duration(text) == value


async def test_duration_bounds_compare_joined_to_ended(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    found = await _calls(client, durationMin="00:00:30", durationMax="60s")
    assert found
    for call in found:
        record = sandbox_data.call(call["callId"])
        assert record is not None
        assert record.duration_s is not None
        assert 30 <= record.duration_s <= 60
    assert sandbox_data.notable.live_call_id not in {c["callId"] for c in found}


async def test_metadata_filters_combine(client: httpx2.AsyncClient) -> None:
    gold = await _calls(client, **{"metadata.customer_tier": "gold"})
    both = await _calls(
        client, **{"metadata.customer_tier": "gold", "metadata.campaign": "walk-in"}
    )
    assert gold
    assert all(c["metadata"]["customer_tier"] == "gold" for c in gold)
    assert both
    assert len(both) < len(gold)
    assert all(c["metadata"]["campaign"] == "walk-in" for c in both)


async def test_voice_and_agent_filters(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    voice = sandbox_data.voices["Hans"]
    found = await _calls(client, voiceId=voice)
    assert found
    assert all(c["voice"] == voice for c in found)
    first, second = sandbox_data.notable.agent_ids[:2]
    response = await client.get("/api/calls", params=[("agentIds", first), ("agentIds", second)])
    agents = {c["agentId"] for c in response.json()["results"]}
    assert agents == {first, second}


async def test_sort_orders_by_created_either_way(
    client: httpx2.AsyncClient, sandbox_data: SandboxData
) -> None:
    oldest_first = await _calls(client, sort="created")
    default = await _calls(client)
    assert [c["callId"] for c in default] == list(sandbox_data.notable.call_ids)
    assert [c["callId"] for c in oldest_first] == list(reversed(sandbox_data.notable.call_ids))
    assert [c["callId"] for c in await _calls(client, sort="-created")] == [
        c["callId"] for c in default
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fromDate", "last tuesday"),
        ("timeOfDayStart", "25:00"),
        ("durationMin", "ninety"),
        ("voiceId", "Ava"),
        ("agentIds", "not-a-uuid"),
    ],
)
async def test_bad_filter_values_are_a_400_naming_the_field(
    client: httpx2.AsyncClient, name: str, value: str
) -> None:
    response = await client.get("/api/calls", params={name: value})
    assert response.status_code == 400
    assert list(response.json()) == [name]


async def test_agents_search_and_sort(client: httpx2.AsyncClient) -> None:
    found = (await client.get("/api/agents", params={"search": "billing"})).json()
    assert [a["name"] for a in found["results"]] == ["Billing Support"]
    names = [a["name"] for a in (await client.get("/api/agents?sort=name")).json()["results"]]
    assert names == sorted(names)
