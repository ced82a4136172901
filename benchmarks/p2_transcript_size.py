"""P2: characters of a 300-message, 3-stage get_call_transcript vs the raw messages JSON.

The default sandbox has no such call (its three-stage calls hold a few dozen messages),
and its dataset must not change (snapshots depend on it), so this builds one: the default
data plus a front desk → billing → escalation call of exactly 300 in-call messages, made
by the sandbox's own generators. The transcript is read to the end by following its
cursor; all characters received are summed and compared with the raw JSON of every page
of ``/api/calls/{id}/messages?mode=in_call`` at the page size the tool asks for. The
script checks that every message of every stage is in the transcript (its [index] line
in the right stage; speech by its opening words).

Run:  .venv/bin/python -m benchmarks.p2_transcript_size
"""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import timedelta
from typing import Any

import anyio
import httpx2

from benchmarks.common import (
    Outcome,
    Row,
    connect,
    next_cursor,
    print_outcome,
    received_chars,
    text_of,
)
from ultravox_calls_mcp.sandbox import (
    SANDBOX_API_KEY,
    SandboxData,
    create_app,
    generate_dataset,
    run_loopback,
)
from ultravox_calls_mcp.sandbox.data.agents import AGENT_SPECS, STAGE_TARGETS, build_agents
from ultravox_calls_mcp.sandbox.data.calls import CallPlan, build_call
from ultravox_calls_mcp.sandbox.data.model import ANCHOR
from ultravox_calls_mcp.sandbox.data.transcripts import Turn, plan_turns

GOAL = 0.5
MESSAGES_PER_STAGE = (110, 100, 90)  # 300 in all
PAGE_SIZE = 100  # the server's default page size, which the transcript tool asks for
_MAX_CALLS = 50  # a transcript needing more calls than this is a bug, not a benchmark

_STAGE_MARK = re.compile(r"^=== stage (\d+) of \d+ · ([0-9a-f-]{36})", re.M)
_LINE_INDEX = re.compile(r"^\[(\d+)\] ", re.M)


def _stage_turns(
    rng: random.Random, index: int, quota: int, switch: str | None, caller: str
) -> list[Turn]:
    """Turns of one stage holding exactly ``quota`` messages (a tool turn makes two)."""
    spec = (AGENT_SPECS[0], STAGE_TARGETS["Billing Support"], STAGE_TARGETS["Escalation Hold"])[
        index
    ]
    planned = plan_turns(rng, spec, caller, greeting=index == 0, exchanges=quota, switch_tool=None)
    turns: list[Turn] = []
    room = quota - (2 if switch else 0)
    for turn in planned:
        size = 2 if turn.role == "TOOL" else 1
        if size > room:
            continue
        turns.append(turn)
        room -= size
        if room == 0:
            break
    if switch:
        # plan_turns puts the stage-change tool last; ask for it alone.
        turns += plan_turns(rng, spec, caller, greeting=False, exchanges=0, switch_tool=switch)
    return turns


def long_three_stage_data(base: SandboxData) -> tuple[SandboxData, str]:
    """``base`` plus one 300-message, 3-stage call; returns the new data and the call id."""
    rng = random.Random(300)
    _, prompts = build_agents(random.Random(base.seed), base.voices)
    specs = [AGENT_SPECS[0], STAGE_TARGETS["Billing Support"], STAGE_TARGETS["Escalation Hold"]]
    switches = ("transferToBilling", "escalateToHuman", None)
    caller = "Anna Müller"
    turns = [
        _stage_turns(rng, i, quota, switches[i], caller)
        for i, quota in enumerate(MESSAGES_PER_STAGE)
    ]
    agent = next(a for a in base.agents if a["name"] == AGENT_SPECS[0].name)
    plan = CallPlan(
        agent=agent,
        stage_specs=specs,
        stage_prompts=[prompts[s.name] for s in specs],
        turns=turns,
        created=ANCHOR - timedelta(hours=1),
        end_reason="hangup",
        voices=base.voices,
        metadata={"campaign": "benchmark-p2"},
        medium={"twilio": {}},
    )
    record = build_call(plan, rng)
    own = sum(len(s.messages) - s.first_own for s in record.stages)
    if own != sum(MESSAGES_PER_STAGE):
        raise RuntimeError(f"built a call of {own} messages, wanted {sum(MESSAGES_PER_STAGE)}")
    calls = sorted([record, *base.calls], key=lambda c: c.created, reverse=True)
    return dataclasses.replace(base, calls=calls), record.call_id


async def raw_pages(base_url: str, call_id: str) -> tuple[int, list[dict[str, Any]]]:
    """(characters of every raw page, the messages) of the in-call message list."""
    chars, messages = 0, []
    cursor: str | None = None
    async with httpx2.AsyncClient(
        base_url=base_url, headers={"X-API-Key": SANDBOX_API_KEY}
    ) as http:
        for _ in range(_MAX_CALLS):
            params = {"mode": "in_call", "pageSize": str(PAGE_SIZE)}
            if cursor:
                params["cursor"] = cursor
            response = await http.get(f"/api/calls/{call_id}/messages", params=params)
            response.raise_for_status()
            body = response.json()
            chars += len(response.text)
            messages += body["results"]
            if not body["next"]:
                break
            cursor = httpx2.URL(body["next"]).params["cursor"]
    return chars, messages


async def read_transcript(base_url: str, call_id: str) -> tuple[int, list[str]]:
    """(characters received, the text of each result) reading to the end by cursor."""
    texts: list[str] = []
    chars = 0
    cursor: str | None = None
    async with connect(base_url, page_size=PAGE_SIZE) as client:
        for _ in range(_MAX_CALLS):
            args: dict[str, Any] = {"call_id": call_id}
            if cursor:
                args["cursor"] = cursor
            result = await client.call_tool("get_call_transcript", args)
            if result.is_error:
                raise RuntimeError(text_of(result)[:300])
            text_chars, structured_chars = received_chars(result)
            chars += text_chars + structured_chars
            texts.append(text_of(result))
            cursor = next_cursor(texts[-1])
            if cursor is None:
                break
    return chars, texts


def missing_messages(messages: list[dict[str, Any]], texts: list[str]) -> list[str]:
    """Messages of the raw list not found in their stage's part of the transcript."""
    seen: set[tuple[str, int]] = set()
    sections: dict[str, list[str]] = {}
    for text in texts:
        marks = list(_STAGE_MARK.finditer(text))
        for mark, after in zip(marks, [*marks[1:], None], strict=True):
            part = text[mark.end() : after.start() if after else len(text)]
            stage_id = mark.group(2)
            sections.setdefault(stage_id, []).append(part)
            seen |= {(stage_id, int(i)) for i in _LINE_INDEX.findall(part)}
    missing = []
    for message in messages:
        key = (message["callStageId"], message["callStageMessageIndex"])
        where = f"stage {key[0][:8]} [{key[1]}]"
        if key not in seen:
            missing.append(where)
        elif message["role"] in ("MESSAGE_ROLE_USER", "MESSAGE_ROLE_AGENT"):
            words = message["text"][:30]
            if not any(words in part for part in sections[key[0]]):
                missing.append(f"{where} text")
    return missing


def run(quick: bool = False) -> Outcome:
    del quick  # one measurement; nothing to shrink
    data, call_id = long_three_stage_data(generate_dataset())
    with run_loopback(create_app(data)) as base_url:
        raw, messages = anyio.run(raw_pages, base_url, call_id)
        ours, texts = anyio.run(read_transcript, base_url, call_id)
    missing = missing_messages(messages, texts)
    share = ours / raw
    ok = share <= GOAL and not missing and len(messages) == sum(MESSAGES_PER_STAGE)
    notes = [
        f"P2 get_call_transcript of a built 3-stage call with {len(messages)} in-call messages",
        f"  raw /messages?mode=in_call JSON, {PAGE_SIZE} per page: {raw:,} chars",
        f"  ours: {len(texts)} results following the cursor: {ours:,} chars "
        f"= {share:.3f} of raw (goal <= {GOAL})",
        "  every message in its stage: "
        + ("yes" if not missing else f"MISSING {len(missing)}: {', '.join(missing[:5])}"),
    ]
    return Outcome(
        rows=[
            Row(
                "P2 300-msg 3-stage transcript / raw JSON",
                f"{share:.3f} ({ours:,}/{raw:,} chars, {len(texts)} calls)",
                f"<= {GOAL:.3f}, all messages",
                ok,
            )
        ],
        notes=notes,
        numbers={
            "raw": raw,
            "ours": ours,
            "share": share,
            "results": len(texts),
            "missing": len(missing),
        },
    )


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
