"""search_transcripts through a real MCP client: found across calls and stages, resumable,
within budget, redacted."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.audit.conftest import (
    PHRASE,
    Planted,
    audit_client,
    hits,
    matched_calls,
    next_cursor,
)
from tests.mcp.conftest import call_error, call_text
from ultravox_calls_mcp.audit import search as search_module
from ultravox_calls_mcp.audit.regex import compile_linear
from ultravox_calls_mcp.audit.search import search_messages
from ultravox_calls_mcp.mcp.tools import search as search_tool
from ultravox_calls_mcp.sandbox import create_app

pytestmark = pytest.mark.anyio


async def _read_all(client: Client, **args: object) -> list[str]:
    pages: list[str] = []
    cursor: str | None = None
    for _ in range(200):
        text = await call_text(
            client, "search_transcripts", **args, **({"cursor": cursor} if cursor else {})
        )
        pages.append(text)
        cursor = next_cursor(text)
        if cursor is None:
            return pages
    raise AssertionError("search_transcripts did not reach the end")


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_planted_phrase_is_found_in_every_call_and_stage_it_was_planted_in(
    app: Starlette, cache_dir: Path, planted: Planted, mode: str
) -> None:
    async with audit_client(app, cache_dir, mode=mode) as client:
        text = await call_text(client, "search_transcripts", query=PHRASE.lower())
    assert sorted(matched_calls(text)) == sorted({p.call_id for p in planted.plants})
    assert sorted(hits(text)) == sorted((p.stage_id, p.index, p.role) for p in planted.plants)
    assert f"«{PHRASE}»" in text
    assert "stage 3 " in text  # the three-stage call's last stage is numbered as such
    assert f"4 of {len(planted.data.calls)} calls matched" not in text
    assert f"3 of {len(planted.data.calls)} calls matched, 4 matching messages." in text
    assert text.rstrip().endswith(
        "message_index=<n>); whole transcript: get_call_transcript(call_id=…)"
    )


async def test_roles_case_sensitivity_and_regex_narrow_the_matches(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        users = await call_text(client, "search_transcripts", query=PHRASE, roles=["user"])
        exact = await call_text(
            client, "search_transcripts", query=PHRASE.lower(), case_sensitive=True
        )
        pattern = await call_text(
            client, "search_transcripts", query=r"purple\s+ele\w+", regex=True
        )
    assert {role for _, _, role in hits(users)} == {"USER"}
    assert len(hits(users)) == sum(p.role == "USER" for p in planted.plants)
    assert hits(exact) == []
    assert len(hits(pattern)) == len(planted.plants)


@pytest.mark.parametrize(
    ("query", "fix"),
    [
        ("(unclosed", "not a valid regular expression"),
        (r"(\w+) \1", "A backreference"),
        (r"(?<=order )\d+", "Lookbehind"),
        ("x" * 201, "the limit is 200"),
    ],
)
async def test_a_dangerous_or_broken_regex_is_refused_with_a_fix(
    app: Starlette, cache_dir: Path, query: str, fix: str
) -> None:
    async with audit_client(app, cache_dir) as client:
        message = await call_error(client, "search_transcripts", query=query, regex=True)
    assert fix in message
    assert len(app.state.requests) == 0  # refused before any request


async def test_max_calls_stops_the_scan_and_the_cursor_resumes_without_losing_a_call(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    async with audit_client(app, cache_dir) as client:
        whole = await call_text(client, "search_transcripts", query="appointment")
        pages = await _read_all(client, query="appointment", max_calls=7)
    total = len(planted.data.calls)
    assert len(pages) == -(-total // 7)
    assert "Scanned calls 1–7 of" in pages[0]
    assert "Scanned calls 8–14 of" in pages[1]
    assert "[stopped: " in pages[0]
    assert [c for page in pages for c in matched_calls(page)] == matched_calls(whole)


async def test_a_result_cut_by_the_budget_resumes_at_the_first_call_not_shown(
    app: Starlette, cache_dir: Path
) -> None:
    async with audit_client(app, cache_dir) as client:
        whole = await call_text(
            client, "search_transcripts", query="appointment", max_chars=200_000
        )
        pages = await _read_all(client, query="appointment", max_chars=2_000)
    assert len(pages) > 3
    assert all(len(page) <= 2_000 for page in pages)
    shown = [c for page in pages for c in matched_calls(page)]
    # A call whose lines were cut part-way is shown again, whole, on the next page.
    assert list(dict.fromkeys(shown)) == matched_calls(whole)


async def test_planted_secrets_are_neither_shown_nor_findable(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    canaries = planted.data.canaries
    async with audit_client(app, cache_dir) as client:
        texts = [await call_text(client, "search_transcripts", query="key", max_chars=200_000)]
        for canary in canaries:
            texts.append(await call_text(client, "search_transcripts", query=canary[:40]))
    assert "[redacted]" in texts[0]
    for text in texts:
        # The first line echoes the query the caller sent; what was found comes after it.
        found = text.split("\n", 1)[1]
        for canary in canaries:
            assert canary not in found
    # Matching runs on redacted text: a secret's own characters find nothing.
    assert all("0 of " in text for text in texts[1:])


async def test_progress_is_reported_to_the_client_up_to_the_total(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with audit_client(app, cache_dir) as client:
        result = await client.call_tool(
            "search_transcripts", {"query": "hello"}, progress_callback=on_progress
        )
    assert not result.is_error
    total = len(planted.data.calls)
    assert len(seen) >= 10
    assert [p for p, _, _ in seen] == sorted(p for p, _, _ in seen)
    assert seen[-1][:2] == (total, total)
    assert seen[-1][2] == f"search_transcripts: read {total} of {total} calls"


def _with_long_run(planted: Planted) -> tuple[Starlette, tuple[str, int, str]]:
    """The sandbox data with one call's first own message made 30,000 a's; its place as
    ``hits`` gives it (stage id, index, role)."""
    record = next(r for r in planted.data.calls if len(r.stages) == 1)
    stage = record.stages[0]
    messages: list[Any] = [dict(m) for m in stage.messages]
    long_run = messages[stage.first_own]
    long_run["text"] = "a" * 30_000
    stages = [replace(stage, messages=messages)]
    calls = [replace(r, stages=stages) if r is record else r for r in planted.data.calls]
    role = str(long_run["role"]).removeprefix("MESSAGE_ROLE_")
    place = (stage.stage_id, int(long_run["callStageMessageIndex"]), role)
    return create_app(replace(planted.data, calls=calls)), place


@pytest.mark.parametrize(("pattern", "matches"), [(r"(a|aa)*b", False), (r"(a+)+$", True)])
async def test_a_hostile_regex_over_a_30000_char_message_answers_with_its_result(
    planted: Planted, cache_dir: Path, pattern: str, matches: bool
) -> None:
    app, long_run = _with_long_run(planted)
    async with audit_client(app, cache_dir) as client:
        with anyio.fail_after(60):  # a bound on a hang, not a speed claim
            text = await call_text(
                client, "search_transcripts", query=pattern, regex=True, max_chars=200_000
            )
    # It is its call's first message: had it matched, it would be the call's first hit.
    assert (long_run in hits(text)) is matches
    assert "matching messages." in text


async def test_a_regex_search_works_off_the_event_loop_while_another_session_lists_calls(
    planted: Planted, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pattern is translated and compiled, and every message matched, in worker
    threads (the first \\w of a process works out Unicode tables; matching a long message
    takes a while): the event loop, which serves every session, only waits. Meanwhile
    another session's list_calls answers."""
    on_loop: dict[str, list[bool]] = {"compile": [], "match": []}
    real_compile, real_match = compile_linear, search_messages

    def compile_spy(*args: Any, **kwargs: Any) -> Any:
        on_loop["compile"].append(threading.current_thread() is threading.main_thread())
        return real_compile(*args, **kwargs)

    def match_spy(*args: Any, **kwargs: Any) -> Any:
        on_loop["match"].append(threading.current_thread() is threading.main_thread())
        return real_match(*args, **kwargs)

    monkeypatch.setattr(search_module, "compile_linear", compile_spy)
    monkeypatch.setattr(search_tool, "search_messages", match_spy)
    app, _ = _with_long_run(planted)
    listed: list[str] = []
    async with audit_client(app, cache_dir) as searcher, audit_client(app, cache_dir) as other:
        await call_text(searcher, "search_transcripts", query="aaaa")  # ended calls cached
        on_loop["match"].clear()

        async def keep_listing() -> None:
            for _ in range(5):
                listed.append(await call_text(other, "list_calls", page_size=5))

        with anyio.fail_after(60):  # a bound on a hang, not a speed claim
            async with anyio.create_task_group() as group:
                group.start_soon(keep_listing)
                text = await call_text(
                    searcher, "search_transcripts", query=r"(\w|\d)+$", regex=True
                )
    assert "matching messages." in text
    assert on_loop["compile"] == [False]
    assert len(on_loop["match"]) == len(planted.data.calls)
    assert not any(on_loop["match"])
    assert len(listed) == 5
    assert all("next cursor" in page for page in listed)
