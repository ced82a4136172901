"""Sample calls sound like calls on the clock: replies within about a second with a long
tail, speech as long as its words, tools that take a while, two clocks that agree."""

from __future__ import annotations

import itertools
import random
import statistics
from collections import defaultdict
from typing import Any

from ultravox_calls_mcp.sandbox import SandboxData, generate_dataset
from ultravox_calls_mcp.sandbox.data.agents import AGENT_SPECS
from ultravox_calls_mcp.sandbox.data.transcripts import assemble, plan_turns

Message = dict[str, Any]


def _at(message: Message, clock: str = "timespan") -> tuple[float, float]:
    span = message[clock]
    return float(span["start"].removesuffix("s")), float(span["end"].removesuffix("s"))


def _regular(data: SandboxData) -> list[list[Message]]:
    """Each regular call's timed messages on one time line (stress and planted left out)."""
    n = data.notable
    planted = {
        n.stress_call_id,
        n.slow_after_tool.call_id,
        n.barge_in.call_id,
        n.dead_air.call_id,
        n.talk_over.call_id,
        n.repeated_letters.call_id,
    }
    return [
        [m for s in r.stages for m in s.messages[s.first_own :]]
        for r in data.calls
        if r.call_id not in planted
    ]


def test_the_same_seed_gives_the_same_timing() -> None:
    first, again = generate_dataset.__wrapped__(11), generate_dataset.__wrapped__(11)
    assert first.notable == again.notable
    for a, b in zip(first.calls[:-1], again.calls[:-1], strict=True):  # the last is stress
        assert [s.messages for s in a.stages] == [s.messages for s in b.stages]
        assert a.events == b.events


def test_plain_replies_centre_on_each_agents_pace_with_a_long_tail(
    sandbox_data: SandboxData,
) -> None:
    """Agent replies with no tool in between: each agent's median within 0.6–1.2 s, a
    tail past 2 s, and nothing a listener would call dead air."""
    by_agent: dict[str, list[float]] = defaultdict(list)
    names = {r.call_id: r.call["agent"]["name"] for r in sandbox_data.calls}
    n = sandbox_data.notable
    planted = {n.stress_call_id, n.slow_after_tool.call_id, n.talk_over.call_id}
    for record in sandbox_data.calls:
        if record.call_id in planted:
            continue
        timed = [m for s in record.stages for m in s.messages[s.first_own :]]
        for before, after in itertools.pairwise(timed):
            if (before["role"], after["role"]) == ("MESSAGE_ROLE_USER", "MESSAGE_ROLE_AGENT"):
                by_agent[names[record.call_id]].append(_at(after)[0] - _at(before)[1])
    assert len(by_agent) == len(AGENT_SPECS)
    for name, latencies in by_agent.items():
        assert 0.6 <= statistics.median(latencies) <= 1.2, name
    everything = [x for latencies in by_agent.values() for x in latencies]
    assert sum(x > 2.0 for x in everything) >= 3
    assert min(everything) > 0.2


def test_speech_lasts_as_long_as_its_words(sandbox_data: SandboxData) -> None:
    rates = []
    for timed in _regular(sandbox_data):
        for m in timed:
            words = len(m["text"].split())
            latin = not any("\u3040" <= ch <= "\u9fff" for ch in m["text"])
            spoken = m["role"] in ("MESSAGE_ROLE_USER", "MESSAGE_ROLE_AGENT")
            if spoken and latin and words >= 8:  # CJK is timed by characters, not words
                start, end = _at(m)
                rates.append(words / (end - start))
    assert len(rates) > 200
    assert 2.3 <= statistics.median(rates) <= 3.0
    assert all(1.8 <= rate <= 3.6 for rate in rates)


def test_tool_results_arrive_after_a_wait_and_failures_wait_longer(
    sandbox_data: SandboxData,
) -> None:
    waits: dict[bool, list[float]] = {True: [], False: []}
    for timed in _regular(sandbox_data):
        calls = {m["invocationId"]: m for m in timed if m["role"] == "MESSAGE_ROLE_TOOL_CALL"}
        for m in timed:
            if m["role"] == "MESSAGE_ROLE_TOOL_RESULT":
                wait = _at(m)[0] - _at(calls[m["invocationId"]])[1]
                waits["errorDetails" in m].append(wait)
    assert waits[True]
    assert waits[False]
    assert all(0.1 < w < 4.0 for w in waits[False] + waits[True])
    assert min(waits[True]) > statistics.median(waits[False])


def test_the_wall_clock_runs_a_little_ahead_and_never_reorders(
    sandbox_data: SandboxData,
) -> None:
    checked = 0
    for timed in _regular(sandbox_data):
        if not timed or "wallClockTimespan" not in timed[0]:
            continue
        checked += 1
        for m in timed:
            ahead = _at(m, "wallClockTimespan")[0] - _at(m)[0]
            assert 0.05 < ahead < 1.0
        starts = [_at(m, "wallClockTimespan")[0] for m in timed]
        assert starts == sorted(starts)
    assert checked > 30


def test_assembling_a_call_draws_from_the_stream_exactly_as_it_always_did() -> None:
    """One draw per tool invocation id, then per message a wall-clock draw (when the call
    has that clock) and one more: timing may change, the dataset's ids may not."""
    for k, spec in enumerate(AGENT_SPECS * 8):
        turns = plan_turns(random.Random(k), spec, "Anna Müller", greeting=True, exchanges=4)
        wall = k % 2 == 0
        ours, theirs = random.Random(500 + k), random.Random(500 + k)
        assemble(["stage-a"], [turns], ours, wall_clock=wall)
        for turn in turns:
            if turn.role == "TOOL":
                theirs.randrange(16**6)
            for _ in range(2 if turn.role == "TOOL" else 1):
                if wall:
                    theirs.random()
                theirs.random()
        assert ours.getstate() == theirs.getstate(), (spec.name, wall)
