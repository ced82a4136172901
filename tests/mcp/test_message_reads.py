"""get_stage_messages(message_index=N): what reading one message costs upstream.

Cold, message N of a stage costs ceil((N + 1) / 200) page requests (the largest page);
every further window of it, and any message on a page already read in this server (by
the listing or another single read), costs one; an ended call an audit cached costs none.
Counted in the sandbox's request log."""

from __future__ import annotations

import math
import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.mcp.conftest import call_error, call_text, connect, next_cursor
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.results.stage_pages import StagePages
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio

LAST = 9_999  # the stress stage's last message


def _stage_path(data: SandboxData) -> str:
    n = data.notable
    return f"/api/calls/{n.stress_call_id}/stages/{n.stress_stage_id}/messages"


def _stage_reads(app: Starlette, data: SandboxData) -> list[str | None]:
    """pageSize of every request for the stress stage's messages, in order."""
    path = _stage_path(data)
    return [r.param("pageSize") for r in app.state.requests if r.path == path]


async def _read(client: Client, data: SandboxData, index: int, **more: object) -> str:
    n = data.notable
    return await call_text(
        client,
        "get_stage_messages",
        call_id=n.stress_call_id,
        call_stage_id=n.stress_stage_id,
        message_index=index,
        **more,
    )


def _text(data: SandboxData, index: int) -> str:
    record = data.call(data.notable.stress_call_id)
    assert record is not None
    return str(record.stages[0].messages[index]["text"])


async def test_message_9999_costs_ceil_of_the_largest_page_cold_then_one_per_window(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    text = _text(data, LAST)
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        first = await _read(client, data, LAST)
        cold = _stage_reads(sandbox_app, data)
        windows = []
        for offset in (10, 20, 30):
            sandbox_app.state.requests.clear()
            windows.append(await _read(client, data, LAST, text_offset=offset))
            assert _stage_reads(sandbox_app, data) == [str(MAX_PAGE_SIZE)]
            assert len(sandbox_app.state.requests) == 1
    assert cold == [str(MAX_PAGE_SIZE)] * math.ceil((LAST + 1) / MAX_PAGE_SIZE)
    assert text[:40] in first
    for offset, window in zip((10, 20, 30), windows, strict=True):
        assert text[offset : offset + 30] in window
        assert text[: offset - 1] not in window


async def test_any_message_on_a_page_already_read_costs_one_request_and_later_ones_walk_on(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    async with connect(sandbox_app) as client:
        await _read(client, data, 450)  # pages 0–199, 200–399, 400–599: 3 requests
        costs = {}
        for index in (0, 199, 250, 599):
            sandbox_app.state.requests.clear()
            assert _text(data, index)[:30] in await _read(client, data, index)
            costs[index] = len(_stage_reads(sandbox_app, data))
        sandbox_app.state.requests.clear()
        await _read(client, data, 1_000)  # on from 600: 600–799, 800–999, 1000–1199
        onwards = len(_stage_reads(sandbox_app, data))
    assert costs == {0: 1, 199: 1, 250: 1, 599: 1}
    assert onwards == 3


async def test_a_stage_listed_first_makes_its_messages_one_request_each(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    args = {"call_id": n.stress_call_id, "call_stage_id": n.stress_stage_id, "page_size": 100}
    async with connect(sandbox_app) as client:
        cursor = None
        for _ in range(3):  # messages 0–299, in pages of 100
            listing = await call_text(
                client, "get_stage_messages", **args, **({"cursor": cursor} if cursor else {})
            )
            cursor = next_cursor(listing)
        sandbox_app.state.requests.clear()
        await _read(client, data, 250)
        listed = len(_stage_reads(sandbox_app, data))
        sandbox_app.state.requests.clear()
        # Message 250 was read from the listed page at 200 at the largest size (200–399):
        # 999 walks on from 400, at 200 a page.
        await _read(client, data, 999)
        beyond = _stage_reads(sandbox_app, data)
    assert listed == 1
    assert beyond == [str(MAX_PAGE_SIZE)] * math.ceil((999 - 399) / MAX_PAGE_SIZE)


async def test_an_ended_call_an_audit_cached_serves_its_messages_with_no_request(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    record = data.call(data.notable.stress_call_id)
    assert record is not None
    created = record.created
    window = {
        "from_date": (created - timedelta(minutes=1)).isoformat(),
        "to_date": (created + timedelta(minutes=1)).isoformat(),
    }
    async with connect(sandbox_app) as client:
        audit = await call_text(client, "search_transcripts", query="invoice", **window)
        assert "Scanned calls 1–1 of 1" in audit
        sandbox_app.state.requests.clear()
        first = await _read(client, data, LAST)
        window_2 = await _read(client, data, LAST, text_offset=20)
        earlier = await _read(client, data, 1_234)
    assert len(sandbox_app.state.requests) == 0
    assert _text(data, LAST)[:40] in first
    assert _text(data, LAST)[20:50] in window_2
    assert _text(data, 1_234)[:40] in earlier


async def test_a_message_past_the_end_is_refused_and_asking_again_costs_one_request(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    args = {"call_id": n.stress_call_id, "call_stage_id": n.stress_stage_id}
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        error = await call_error(client, "get_stage_messages", **args, message_index=10_000)
        cold = len(_stage_reads(sandbox_app, data))
        sandbox_app.state.requests.clear()
        again = await call_error(client, "get_stage_messages", **args, message_index=10_000)
        warm = len(_stage_reads(sandbox_app, data))
    assert "has no message with index 10000" in error
    assert again == error
    assert cold == math.ceil(10_000 / MAX_PAGE_SIZE)
    assert warm == 1  # the last page again: a live stage may have grown since


async def test_a_noted_cursor_the_api_refuses_is_dropped_and_the_read_walks_from_the_start(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    async with connect(sandbox_app) as client:
        await _read(client, data, 450)
        sandbox_app.state.faults.fail_next(1, status=404, path=_stage_path(data))
        sandbox_app.state.requests.clear()
        text = await _read(client, data, 450)
        reads = sandbox_app.state.requests.count_path(_stage_path(data))
    assert _text(data, 450)[:30] in text
    assert reads == 1 + 3  # the refused cursor, then pages 0–599 again


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"roles": ["user"]}, "roles"),
        ({"page_size": 50}, "page_size"),
        ({"cursor": "abc"}, "cursor"),
        ({"roles": ["agent"], "page_size": 5}, "roles, page_size"),
    ],
)
async def test_message_index_refuses_the_listing_arguments_instead_of_ignoring_them(
    sandbox_app: Starlette, data: SandboxData, extra: dict[str, object], named: str
) -> None:
    n = data.notable
    async with connect(sandbox_app) as client:
        sandbox_app.state.requests.clear()
        error = await call_error(
            client,
            "get_stage_messages",
            call_id=n.stress_call_id,
            call_stage_id=n.stress_stage_id,
            message_index=3,
            **extra,
        )
    assert f"message_index reads one message whole and takes no {named}" in error
    assert "text_offset" in error  # how to read on instead
    assert len(sandbox_app.state.requests) == 0


async def test_text_offset_without_message_index_is_refused(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    n = data.notable
    async with connect(sandbox_app) as client:
        error = await call_error(
            client,
            "get_stage_messages",
            call_id=n.stress_call_id,
            call_stage_id=n.stress_stage_id,
            text_offset=100,
        )
    assert re.search(r"text_offset windows one message: pass it with message_index", error)
    assert len(sandbox_app.state.requests) == 0


def test_page_notes_stay_within_their_bound_dropping_the_least_recently_used_stage() -> None:
    from ultravox_calls_mcp.api.models import Message
    from ultravox_calls_mcp.api.paging import Page

    def page(first: int, after: str | None) -> Page[Message]:
        messages = [Message(call_stage_message_index=i) for i in range(first, first + 10)]
        return Page(messages, after)

    notes = StagePages(max_notes=6)
    for stage in ("a", "b", "c"):
        notes.note(("call", stage), None, page(0, "p1"))
        notes.note(("call", stage), "p1", page(10, None))
    assert len(notes) == 6
    notes.start(("call", "a"), 15)  # "a" is now the most recently used
    notes.note(("call", "d"), None, page(0, "p1"))
    assert len(notes) <= 6
    assert notes.start(("call", "b"), 15) is None  # dropped: read from the start
    assert notes.start(("call", "a"), 15) == "p1"
    assert notes.start(("call", "d"), 5) is None  # its first page: no cursor needed
    assert notes.start(("call", "d"), 15) == "p1"  # the cursor after its noted page

    one = StagePages(max_notes=3)
    for first in range(0, 50, 10):  # one stage in five pages: only the last three kept
        one.note(("call", "a"), f"c{first}", page(first, f"c{first + 10}"))
    assert len(one) == 3
    assert one.start(("call", "a"), 45) == "c40"
    assert one.start(("call", "a"), 5) is None  # its note was dropped: from the start
