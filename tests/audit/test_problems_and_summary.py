"""find_problem_calls and summarize_calls against a witness computed from the sandbox data,
and every audit result within its budget."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.audit.conftest import PHRASE, Planted, audit_client
from tests.mcp.conftest import call_text, text_of
from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.audit.fetch import CallData
from ultravox_calls_mcp.audit.problems import find_problems
from ultravox_calls_mcp.audit.summary import GroupStats, summarize

pytestmark = pytest.mark.anyio

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _kind_line(text: str, title: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"- {title}: "))


async def test_every_problem_kind_is_found_with_its_calls(
    app: Starlette, cache_dir: Path, planted: Planted
) -> None:
    calls = planted.data.calls
    async with audit_client(app, cache_dir) as client:
        text = await call_text(client, "find_problem_calls", examples=50, max_chars=200_000)
    failed_tools = {
        r.call_id
        for r in calls
        if any("errorDetails" in m for s in r.stages for m in s.messages[s.first_own :])
    }
    line = _kind_line(text, "failed tool calls (errorDetails)")
    assert set(_UUID.findall(line)) == failed_tools
    assert "(lookupPatient)" in line or "(bookAppointment)" in line
    for reason in ("system_error", "connection_error", "timeout", "unjoined"):
        expected = {r.call_id for r in calls if r.call["endReason"] == reason}
        assert set(_UUID.findall(_kind_line(text, f"end reason {reason}"))) == expected
    for severity in ("error", "warning"):
        by_type: dict[str, set[str]] = {}
        for r in calls:
            if r.call["ended"] is None:
                continue
            for event in r.events:
                if event["severity"] == severity:
                    by_type.setdefault(event["type"], set()).add(r.call_id)
        for kind, ids in by_type.items():
            assert set(_UUID.findall(_kind_line(text, f"{severity} events {kind}"))) == ids
    assert "- long duration > " in text
    assert "1 live call(s) skipped" in text


async def test_few_examples_are_shown_with_a_count_of_the_rest(
    app: Starlette, cache_dir: Path
) -> None:
    async with audit_client(app, cache_dir) as client:
        text = await call_text(client, "find_problem_calls", examples=1)
    line = _kind_line(text, "warning events llm_latency_warning")
    assert len(_UUID.findall(line)) == 1
    assert re.search(r"\(\+\d+ more; raise examples\)$", line)


@pytest.mark.parametrize("group_by", ["agent", "end_reason", "day"])
async def test_summary_counts_match_the_data(
    app: Starlette, cache_dir: Path, planted: Planted, group_by: str
) -> None:
    calls = planted.data.calls
    async with audit_client(app, cache_dir) as client:
        text = await call_text(client, "summarize_calls", group_by=group_by, max_chars=200_000)
    overall = next(line for line in text.splitlines() if line.startswith("all calls · "))
    assert f"all calls · {len(calls)} calls (1 live)" in overall
    failures = sum(
        "errorDetails" in m for r in calls for s in r.stages for m in s.messages[s.first_own :]
    )
    assert f", {failures} failed (" in overall
    if group_by == "end_reason":
        for reason, count in Counter(r.call["endReason"] or "live" for r in calls).items():
            assert re.search(rf"^{reason} · {count} calls?\b", text, re.M), reason
    if group_by == "day":
        days = sorted({r.call["created"][:10] for r in calls})
        shown = re.findall(r"^(\d{4}-\d\d-\d\d) · ", text, re.M)
        assert shown == days
    if group_by == "agent":
        for agent_id, count in Counter(r.call["agentId"] for r in calls).items():
            assert re.search(rf"\({agent_id}\) · {count} calls?\b", text), agent_id


@pytest.mark.parametrize("budget", [2_000, 24_000])
async def test_every_audit_result_fits_its_budget_and_leaks_no_secret(
    app: Starlette, cache_dir: Path, planted: Planted, budget: int
) -> None:
    cases: list[tuple[str, dict[str, object]]] = [
        ("search_transcripts", {"query": "the"}),
        ("search_transcripts", {"query": PHRASE}),
        ("search_transcripts", {"query": r"\w+", "regex": True, "max_calls": 3}),
        ("find_problem_calls", {"examples": 50}),
        ("summarize_calls", {"group_by": "day"}),
        ("summarize_calls", {"group_by": "agent", "max_calls": 5}),
    ]
    async with audit_client(app, cache_dir, max_chars=budget) as client:
        for tool, args in cases:
            result = await client.call_tool(tool, args)
            text = text_of(result)
            assert not result.is_error, text
            assert len(text) <= budget, f"{tool} {args}: {len(text)} > {budget}"
            for canary in planted.data.canaries:
                assert canary not in text


def _call(n: int, seconds: float | None, *, joined: bool = True) -> CallData:
    start = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=n)
    return CallData(
        call=Call(
            call_id=f"00000000-0000-0000-0000-{n:012d}",
            created=start,
            joined=start if joined else None,
            ended=start + timedelta(seconds=seconds or 0) if seconds is not None else None,
            end_reason=("hangup" if joined else "unjoined") if seconds is not None else None,
        ),
        messages=[],
        events=[],
    )


def test_durations_far_outside_the_quartiles_are_flagged_both_ways() -> None:
    calls = [_call(n, 60 + n) for n in range(10)] + [_call(10, 900), _call(11, 1)]
    calls += [_call(12, 0, joined=False), _call(13, None)]
    report = find_problems(calls)
    long = next(g for g in report.groups if g.kind == "long duration")
    short = next(g for g in report.groups if g.kind == "short duration")
    assert long.call_ids == [calls[10].call.call_id]
    assert long.notes[calls[10].call.call_id] == "900.0 s"
    assert short.call_ids == [calls[11].call.call_id]
    assert report.live == 1
    assert report.fences is not None
    assert report.fences.count == 12  # the unjoined call is not counted


def test_too_few_durations_give_no_outliers() -> None:
    report = find_problems([_call(n, 10 * n + 1) for n in range(5)])
    assert report.fences is None
    assert report.groups == []


def test_percentiles_are_nearest_rank_over_joined_ended_calls() -> None:
    overall, groups = summarize(
        [_call(n, float(n + 1)) for n in range(10)] + [_call(10, 0, joined=False)], "end_reason"
    )
    assert (overall.percentile(0.5), overall.percentile(0.9), overall.percentile(1.0)) == (
        5.0,
        9.0,
        10.0,
    )
    assert [g.key for g in groups] == ["hangup", "unjoined"]
    assert GroupStats("x", "x").percentile(0.5) is None
