"""Input validation that happens before any request is built."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import UUID

import pytest

from ultravox_calls_mcp.api import CallFilters, InvalidRequestError
from ultravox_calls_mcp.api.ids import canonical_uuid, check_cursor, check_page_size

CALL_ID = "3f2c0a4e-8b1d-4c6e-9a7f-1d2e3f4a5b6c"


@pytest.mark.parametrize(
    "spelling",
    [CALL_ID, CALL_ID.upper(), f" {CALL_ID} ", CALL_ID.replace("-", ""), f"{{{CALL_ID}}}"],
)
def test_ids_are_written_canonically_whatever_the_spelling(spelling: str) -> None:
    assert canonical_uuid(spelling, name="call_id") == CALL_ID
    assert canonical_uuid(UUID(CALL_ID), name="call_id") == CALL_ID


@pytest.mark.parametrize(
    "bad", ["", "abc", "../accounts/me", f"{CALL_ID}/../x", f"{CALL_ID}?x=1", 12, None]
)
def test_a_non_uuid_id_is_refused_with_a_fix_it_message(bad: object) -> None:
    with pytest.raises(InvalidRequestError, match="call_id must be a UUID") as info:
        canonical_uuid(bad, name="call_id")
    assert info.value.about == "call_id"  # the MCP layer adds where valid ids come from
    assert info.value.status_code is None


def test_page_size_outside_the_range_is_refused() -> None:
    assert check_page_size(None, default=100) == 100
    for bad in (0, -1, 201, True):
        with pytest.raises(InvalidRequestError, match="page_size"):
            check_page_size(bad, default=100)


def test_a_cursor_with_control_characters_is_refused() -> None:
    assert check_cursor("cD0yMDI0") == "cD0yMDI0"
    with pytest.raises(InvalidRequestError, match="next_cursor"):
        check_cursor("abc\r\nX-Other: 1")


def test_call_filters_become_the_apis_query_parameters() -> None:
    agent_a, agent_b = UUID(int=1), UUID(int=2)
    filters = CallFilters(
        search="refund",
        from_date=date(2026, 5, 1),
        to_date=datetime(2026, 5, 31, 18, 30, tzinfo=UTC),
        time_of_day_start=time(9, 0),
        time_of_day_end=time(17, 30, 15),
        duration_min=90,
        duration_max=90.5,
        metadata={"customer": "acme & co", "tier": "gold"},
        voice_id=UUID(int=3),
        agent_ids=[agent_a, agent_b],
        sort="-created",
    )
    assert filters.to_query() == [
        ("search", "refund"),
        ("fromDate", "2026-05-01"),
        ("toDate", "2026-05-31T18:30:00+00:00"),
        ("timeOfDayStart", "09:00:00"),
        ("timeOfDayEnd", "17:30:15"),
        ("durationMin", "90s"),
        ("durationMax", "90.5s"),
        ("metadata.customer", "acme & co"),
        ("metadata.tier", "gold"),
        ("voiceId", str(UUID(int=3))),
        ("agentIds", str(agent_a)),
        ("agentIds", str(agent_b)),
        ("sort", "-created"),
    ]


def test_a_bare_date_string_stays_a_whole_day() -> None:
    filters = CallFilters.parse(to_date="2026-05-31", from_date="2026-05-01T08:00:00")
    assert filters.to_query() == [("fromDate", "2026-05-01T08:00:00"), ("toDate", "2026-05-31")]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"metadata": {"a&pageSize=1": "x"}}, "metadata"),
        ({"metadata": {"a b": "x"}}, "metadata"),
        ({"from_date": "yesterday"}, "from_date"),
        ({"from_date": "2026-05-02", "to_date": "2026-05-01"}, "from_date"),
        ({"duration_min": 10, "duration_max": 5}, "duration_min"),
        ({"duration_min": -1}, "duration_min"),
        ({"voice_id": "not-a-uuid"}, "voice_id"),
        ({"agent_ids": ["x"]}, "agent_ids"),
        ({"sort": "created;drop"}, "sort"),
        ({"search": ""}, "search"),
        ({"time_of_day_start": "25:00"}, "time_of_day_start"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_filters_are_refused_in_our_words(values: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidRequestError, match="Invalid call filters") as info:
        CallFilters.parse(**values)
    assert field in str(info.value)
