"""Paging and every list_calls filter, end to end against the sandbox (in process)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from datetime import time, timedelta
from typing import Any

import pytest

from ultravox_calls_mcp.api import CallFilters, UltravoxClient
from ultravox_calls_mcp.api.client import MessageMode, Severity
from ultravox_calls_mcp.api.models import CallEvent, Message

SEVERITY_ORDER = ["debug", "info", "warning", "error"]


def _query(sandbox: Any) -> list[tuple[str, str]]:
    return list(sandbox.state.requests[-1].query)


async def _all_calls(client: UltravoxClient, filters: CallFilters | None = None) -> list[Any]:
    calls = client.iter_items(lambda c: client.list_calls(filters, cursor=c, page_size=200))
    return [call async for call in calls]


def _every_message(
    client: UltravoxClient, call_id: str, mode: MessageMode = "in_call"
) -> AsyncIterator[Message]:
    return client.iter_items(lambda c: client.list_call_messages(call_id, mode=mode, cursor=c))


def _every_event(
    client: UltravoxClient, call_id: str, severity: Severity
) -> AsyncIterator[CallEvent]:
    return client.iter_items(
        lambda c: client.list_call_events(call_id, minimum_severity=severity, cursor=c)
    )


@pytest.mark.anyio
async def test_iterating_calls_walks_every_page_with_one_request_per_page(
    sandbox: Any, sandbox_client: Any
) -> None:
    expected = len(sandbox.state.data.calls)
    async with sandbox_client(sandbox) as client:
        first = await client.list_calls(page_size=7)
        calls = [
            call
            async for call in client.iter_items(lambda c: client.list_calls(cursor=c, page_size=7))
        ]
    assert first.total in (None, expected)
    assert len(calls) == expected
    assert len({c.call_id for c in calls}) == expected
    assert len(sandbox.state.requests) == 1 + math.ceil(expected / 7)
    assert all(("pageSize", "7") in r.query for r in sandbox.state.requests)


@pytest.mark.anyio
async def test_the_ten_thousand_message_stage_arrives_whole_in_ceil_n_over_size_requests(
    sandbox: Any, sandbox_client: Any
) -> None:
    notable = sandbox.state.data.notable
    async with sandbox_client(sandbox) as client:
        every_message = client.iter_items(
            lambda c: client.list_stage_messages(
                notable.stress_call_id, notable.stress_stage_id, cursor=c, page_size=200
            )
        )
        messages = [m async for m in every_message]
    assert len(messages) == 10_000
    assert len(sandbox.state.requests) == math.ceil(10_000 / 200)


@pytest.mark.anyio
async def test_a_caller_can_resume_from_an_explicit_cursor(
    sandbox: Any, sandbox_client: Any
) -> None:
    async with sandbox_client(sandbox) as client:
        first = await client.list_calls(page_size=5)
        assert first.next_cursor is not None
        second = await client.list_calls(cursor=first.next_cursor, page_size=5)
        resumed = [
            c
            async for c in client.iter_items(
                lambda c: client.list_calls(cursor=c, page_size=5), start_cursor=first.next_cursor
            )
        ]
    everything = [c.call_id for c in first.results] + [c.call_id for c in resumed]
    assert [c.call_id for c in second.results] == everything[5:10]
    assert len(everything) == len(sandbox.state.data.calls)


@pytest.mark.anyio
async def test_call_messages_default_to_every_stage_of_a_multi_stage_call(
    sandbox: Any, sandbox_client: Any
) -> None:
    call_id = sandbox.state.data.notable.multi_stage_call_id
    async with sandbox_client(sandbox) as client:
        in_call = [m async for m in _every_message(client, call_id)]
        assert ("mode", "in_call") in _query(sandbox)
        last_stage = [m async for m in _every_message(client, call_id, "last_stage")]
        assert ("mode", "last_stage") in _query(sandbox)
        stages = [
            s async for s in client.iter_items(lambda c: client.list_call_stages(call_id, cursor=c))
        ]
    assert len(stages) >= 2
    assert len({m.call_stage_id for m in in_call}) >= 2
    assert len(in_call) > len({m.call_stage_id for m in last_stage})


@pytest.mark.anyio
async def test_stage_endpoints_return_the_stage_its_messages_and_tools(
    sandbox: Any, sandbox_client: Any
) -> None:
    call_id = sandbox.state.data.notable.multi_stage_call_id
    async with sandbox_client(sandbox) as client:
        page = await client.list_call_stages(call_id)
        stage_id = page.results[-1].call_stage_id
        stage = await client.get_call_stage(call_id, stage_id)
        messages = await client.list_stage_messages(call_id, stage_id, page_size=3)
        stage_tools = await client.list_stage_tools(call_id, stage_id)
        call_tools = await client.list_call_tools(call_id)
    assert stage.call_stage_id == stage_id
    assert 0 < len(messages.results) <= 3
    assert isinstance(stage_tools, list)
    assert call_tools
    assert all(t.name for t in call_tools)


@pytest.mark.anyio
async def test_events_filter_by_minimum_severity_and_type_on_the_wire(
    sandbox: Any, sandbox_client: Any
) -> None:
    call_id = sandbox.state.data.notable.failed_tool_call_id
    async with sandbox_client(sandbox) as client:
        everything = [e async for e in _every_event(client, call_id, "debug")]
        warnings = [e async for e in _every_event(client, call_id, "warning")]
        assert ("minimum_severity", "warning") in _query(sandbox)
        some_type = everything[0].type
        assert some_type is not None
        typed = [
            e
            async for e in client.iter_items(
                lambda c: client.list_call_events(call_id, event_type=some_type, cursor=c)
            )
        ]
        assert ("type", some_type) in _query(sandbox)
    assert warnings
    assert len(warnings) < len(everything)
    assert {e.severity for e in warnings} <= {"warning", "error"}
    assert {e.type for e in typed} == {some_type}


@pytest.mark.anyio
async def test_agents_are_listed_searched_and_fetched(sandbox: Any, sandbox_client: Any) -> None:
    async with sandbox_client(sandbox) as client:
        agents = [
            a async for a in client.iter_items(lambda c: client.list_agents(cursor=c, page_size=2))
        ]
        name = agents[0].name
        assert name is not None
        found = await client.list_agents(search=name)
        assert ("search", name) in _query(sandbox)
        agent = await client.get_agent(agents[0].agent_id)
    assert len(agents) == len(sandbox.state.data.agents)
    assert agent.agent_id == agents[0].agent_id
    assert any(a.agent_id == agent.agent_id for a in found.results)


@pytest.mark.anyio
async def test_each_call_filter_reaches_the_wire_and_narrows_the_list(
    sandbox: Any, sandbox_client: Any
) -> None:
    data = sandbox.state.data
    records = {r.call_id: r for r in data.calls}
    async with sandbox_client(sandbox) as client:
        everything = await _all_calls(client)
        total = len(everything)

        async def check(filters: CallFilters, wire: list[tuple[str, str]]) -> list[Any]:
            calls = await _all_calls(client, filters)
            for pair in wire:
                assert pair in _query(sandbox), pair
            assert 0 < len(calls) < total, filters
            return calls

        middle = sorted(r.created for r in data.calls)[total // 2]
        later = await check(CallFilters(from_date=middle), [("fromDate", middle.isoformat())])
        assert all(records[c.call_id].created >= middle for c in later)
        earlier = await check(CallFilters(to_date=middle), [("toDate", middle.isoformat())])
        assert all(records[c.call_id].created <= middle for c in earlier)
        day = middle.date()
        one_day = await check(
            CallFilters(from_date=day, to_date=day),
            [("fromDate", day.isoformat()), ("toDate", day.isoformat())],
        )
        assert all(records[c.call_id].created.date() == day for c in one_day)

        mornings = await check(
            CallFilters(time_of_day_start=time(6, 0), time_of_day_end=time(12, 0)),
            [("timeOfDayStart", "06:00:00"), ("timeOfDayEnd", "12:00:00")],
        )
        assert all(time(6) <= records[c.call_id].created.time() <= time(12) for c in mornings)

        durations = sorted(r.duration_s for r in data.calls if r.duration_s)
        low = int(durations[len(durations) // 2])
        longer = await check(CallFilters(duration_min=low), [("durationMin", f"{low}s")])
        assert all((records[c.call_id].duration_s or 0) >= low for c in longer)
        shorter = await check(CallFilters(duration_max=low), [("durationMax", f"{low}s")])
        assert all((records[c.call_id].duration_s or 0) <= low + 1 for c in shorter)

        tagged = next(c for c in everything if c.metadata)
        key, value = next(iter(tagged.metadata.items()))
        by_metadata = await check(CallFilters(metadata={key: value}), [(f"metadata.{key}", value)])
        assert tagged.call_id in {c.call_id for c in by_metadata}
        assert all((c.metadata or {}).get(key) == value for c in by_metadata)

        agent_id = next(c.agent_id for c in everything if c.agent_id)
        by_agent = await check(CallFilters(agent_ids=[agent_id]), [("agentIds", agent_id)])
        assert {c.agent_id for c in by_agent} == {agent_id}

        voice_name, voice_id = next(iter(data.voices.items()))
        by_voice = await check(CallFilters(voice_id=voice_id), [("voiceId", voice_id)])
        assert {c.voice for c in by_voice} <= {voice_name, voice_id}

        summarised = next(c for c in everything if c.short_summary)
        word = max((summarised.short_summary or "").split(), key=len).strip(".,;:")
        found = await check(CallFilters(search=word), [("search", word)])
        assert summarised.call_id in {c.call_id for c in found}

        oldest_first = await _all_calls(client, CallFilters(sort="created"))
        assert ("sort", "created") in _query(sandbox)
        created = [records[c.call_id].created for c in oldest_first]
        assert created == sorted(created)
    assert timedelta(0) <= middle - min(r.created for r in data.calls)
