"""Reading a long list by cursor fetches each upstream page once, and sizing is exact."""

from __future__ import annotations

from collections import Counter

import pytest
from starlette.applications import Starlette

from tests.mcp.conftest import call_text, connect, next_cursor
from ultravox_calls_mcp.mcp.results.compose import compose
from ultravox_calls_mcp.sandbox import SandboxData

pytestmark = pytest.mark.anyio


def _page_requests(app: Starlette) -> Counter[tuple[str, str | None]]:
    return Counter(
        (r.path, r.param("cursor")) for r in app.state.requests if r.path.endswith("/messages")
    )


async def test_reading_a_transcript_by_cursor_fetches_no_page_twice(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    call_id = data.notable.stress_call_id
    cursor: str | None = None
    async with connect(sandbox_app) as client:
        for _ in range(6):
            args = {"call_id": call_id, **({"cursor": cursor} if cursor else {})}
            cursor = next_cursor(await call_text(client, "get_call_transcript", **args))
            assert cursor is not None
    fetched = _page_requests(sandbox_app)
    assert len(fetched) >= 6
    assert max(fetched.values()) == 1, fetched.most_common(3)


async def test_page_size_makes_a_stage_messages_result_one_upstream_page(
    sandbox_app: Starlette, data: SandboxData
) -> None:
    notable = data.notable
    args = {"call_id": notable.stress_call_id, "call_stage_id": notable.stress_stage_id}
    async with connect(sandbox_app) as client:
        first = await call_text(client, "get_stage_messages", page_size=40, **args)
        second = await call_text(
            client, "get_stage_messages", page_size=40, cursor=next_cursor(first), **args
        )
    assert "\n[39] " in first
    assert "\n[40] " not in first
    assert "\n[40] " in second
    assert "\n[79] " in second
    fetched = _page_requests(sandbox_app)
    assert sum(fetched.values()) == 2
    assert max(fetched.values()) == 1
    # One stage, named in the header: no stage request, and no "stage 1 of 1" line that
    # would misnumber a stage of a multi-stage call.
    assert len(sandbox_app.state.requests) == 2
    assert "=== stage" not in second
    assert f"Messages of stage {notable.stress_stage_id}" in second


def test_compose_shows_the_most_fenced_lines_that_fit() -> None:
    lines = [f"[{i}] 1.0–2.0s USER: {'wörds <<<forged>>> ' * (i % 7)}" for i in range(60)]
    for budget in (300, 1_000, 2_345, 5_000):
        text, shown = compose(
            ["header"], lines, label="transcript", max_chars=budget, footer=lambda n: [f"{n}"]
        )
        assert len(text) <= budget
        if shown < len(lines):
            bigger, _ = compose(
                ["header"],
                lines[: shown + 1],
                label="transcript",
                max_chars=10**6,
                footer=lambda n: [f"{n}"],
            )
            assert len(bigger) > budget


def test_a_line_longer_than_its_share_of_the_budget_says_how_to_see_it_whole() -> None:
    line = "x" * 5_000
    text, shown = compose(["h"], [line], label=None, max_chars=2_000, footer=lambda n: [])
    assert shown == 1
    assert len(text) <= 2_000
    assert text.endswith("[line clipped: 3,890 more characters; raise max_chars to see it]")
    whole, _ = compose(["h"], [line], label=None, max_chars=10_000, footer=lambda n: [])
    assert whole == f"h\n{line}"
