"""P1: characters the assistant receives for a 20-call list_calls page vs the raw API JSON.

Both sides read the same page of the loopback sandbox (``/api/calls?pageSize=20``). Ours
counts the text AND the structured copy (``structuredContent``, compact JSON), since the
model receives both. The script then checks that every fact of the raw page a reader
needs is in our text: each call id, created time, end reason, agent name and short
summary.

Run:  .venv/bin/python benchmarks/p1_list_size.py
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import anyio
import httpx2

from benchmarks.common import (
    Outcome,
    Row,
    connect,
    print_outcome,
    received_chars,
    text_of,
)
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, create_app, run_loopback

GOAL = 0.1
PAGE = 20


def _created(raw: str) -> str:
    """The API's ``2026-11-03T10:00:00.123Z`` as our rows print it (whole seconds, Z)."""
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def missing_facts(calls: list[dict[str, Any]], text: str) -> list[str]:
    """Facts of the raw page that our text lacks, as 'call id: fact' strings."""
    missing = []
    for call in calls:
        cid = call["callId"]
        facts = {
            "id": cid,
            "created": _created(call["created"]),
            "end reason": call.get("endReason"),
            "agent": (call.get("agent") or {}).get("name"),
            "summary": call.get("shortSummary"),
        }
        row = next((line for line in text.splitlines() if line.startswith(cid)), "")
        for name, value in facts.items():
            if value and value not in row:
                missing.append(f"{cid}: {name} {value!r}")
    return missing


async def measure(base_url: str) -> tuple[int, int, int, list[str], int]:
    async with httpx2.AsyncClient(
        base_url=base_url, headers={"X-API-Key": SANDBOX_API_KEY}
    ) as http:
        response = await http.get("/api/calls", params={"pageSize": str(PAGE)})
        response.raise_for_status()
    raw = response.text
    calls = response.json()["results"]
    async with connect(base_url) as client:
        result = await client.call_tool("list_calls", {"page_size": PAGE})
    text_chars, structured_chars = received_chars(result)
    return len(raw), text_chars, structured_chars, missing_facts(calls, text_of(result)), len(calls)


def run(quick: bool = False) -> Outcome:
    del quick  # one measurement; nothing to shrink
    with run_loopback(create_app()) as base_url:
        raw, text, structured, missing, rows = anyio.run(measure, base_url)
    both = text + structured
    share = both / raw
    text_share = text / raw
    facts_ok = not missing
    notes = [
        f"P1 list_calls page of {rows} calls: raw API JSON {raw:,} chars",
        f"  ours: text {text:,} + structured copy {structured:,} = {both:,} chars",
        f"  share of raw: text+structured {share:.4f}, text only {text_share:.4f} (goal <= {GOAL})",
        f"  facts kept (id, created, end reason, agent, summary) for {rows} calls: "
        + ("all" if facts_ok else f"MISSING {len(missing)}: {'; '.join(missing[:5])}"),
    ]
    return Outcome(
        rows=[
            Row(
                "P1 list_calls 20-call page / raw JSON",
                f"{share:.3f} ({both:,}/{raw:,} chars; text only {text_share:.3f})",
                f"<= {GOAL:.3f}, all facts",
                share <= GOAL and facts_ok,
            ),
        ],
        notes=notes,
        numbers={
            "raw": raw,
            "text": text,
            "structured": structured,
            "share": share,
            "missing": len(missing),
        },
    )


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
