"""P6: our processing cost per tool call, vs the unavoidable work, side by side.

One stdio server process (``benchmarks/echo_server.py``: our server plus an ``echo``
tool) serves both measured calls, so protocol and transport costs are the same:

  ours        get_stage_messages round trip: one 100-message page of the stress stage
  unavoidable echo round trip on the same server + a bare httpx2 GET (and json) of the
              same page from the same loopback sandbox, with zero added latency

The measured page is page 2 (messages 100-199), a typical one; page 1, which holds the
~100 KB utterance, is measured too and shown for information. Calls alternate (echo,
ours, GET, ours on page 1, GET of page 1) and medians are compared. The ratio is what our server
spends on top of moving the page and the protocol message: validation, rendering,
redaction and fencing (the page is the only upstream request).

Run:  .venv/bin/python -m benchmarks.p6_call_overhead [--repetitions 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx2

from benchmarks.common import (
    BENCH_DIR,
    Outcome,
    Row,
    child_env,
    next_cursor,
    print_outcome,
    python,
    text_of,
)
from mcp import Client, StdioServerParameters
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, create_app, run_loopback

GOAL = 1.5
PAGE = 100
REPETITIONS = 15

Step = Callable[[], Awaitable[None]]


async def measure(base_url: str, call_id: str, stage_id: str, repetitions: int) -> dict[str, float]:
    params = StdioServerParameters(
        command=python(),
        args=[str(BENCH_DIR / "echo_server.py")],
        env=child_env({"ULTRAVOX_API_KEY": SANDBOX_API_KEY, "ULTRAVOX_BASE_URL": base_url}),
    )
    first_args = {"call_id": call_id, "call_stage_id": stage_id, "page_size": PAGE}
    path = f"/api/calls/{call_id}/stages/{stage_id}/messages"
    times: dict[str, list[float]] = {}
    with anyio.fail_after(120):
        async with (
            Client(params) as client,
            httpx2.AsyncClient(base_url=base_url, headers={"X-API-Key": SANDBOX_API_KEY}) as http,
        ):
            # Page 2 (messages 100-199) is a typical page; page 1 holds the ~100 KB utterance.
            first = await client.call_tool("get_stage_messages", first_args)
            cursor = next_cursor(text_of(first))
            body = (await http.get(path, params={"pageSize": str(PAGE)})).json()
            upstream = httpx2.URL(body["next"]).params["cursor"]
            if cursor is None:
                raise RuntimeError("get_stage_messages printed no cursor after page 1")

            async def echo() -> None:
                await client.call_tool("echo", {"text": "x" * 100})

            def ours(args: dict[str, Any]) -> Step:
                async def step() -> None:
                    result = await client.call_tool("get_stage_messages", args)
                    if result.is_error or text_of(result).count("\n[") < PAGE:
                        raise RuntimeError(text_of(result)[:300])

                return step

            def get(query: dict[str, str]) -> Step:
                async def step() -> None:
                    response = await http.get(path, params={"pageSize": str(PAGE), **query})
                    response.raise_for_status()
                    response.json()

                return step

            steps: dict[str, Step] = {
                "echo": echo,
                "ours": ours({**first_args, "cursor": cursor}),
                "get": get({"cursor": upstream}),
                "ours_page1": ours(first_args),
                "get_page1": get({}),
            }
            for step in steps.values():  # one untimed pass warms connections and caches
                await step()
            for _ in range(repetitions):
                for name, step in steps.items():
                    started = time.perf_counter()
                    await step()
                    times.setdefault(name, []).append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def run(quick: bool = False, repetitions: int = REPETITIONS) -> Outcome:
    """``quick`` takes two repetitions."""
    repetitions = 2 if quick else max(repetitions, 5)
    app = create_app()
    notable = app.state.data.notable
    with run_loopback(app) as base_url:
        medians = anyio.run(
            measure, base_url, notable.stress_call_id, notable.stress_stage_id, repetitions
        )
        # One more call, counted, to say which requests one tool call makes.
        app.state.requests.clear()
        anyio.run(_one_call_requests, base_url, notable.stress_call_id, notable.stress_stage_id)
        per_call = Counter(
            "page" if r.path.endswith("/messages") else "other" for r in app.state.requests
        )
    floor = medians["echo"] + medians["get"]
    ratio = medians["ours"] / floor
    floor1 = medians["echo"] + medians["get_page1"]
    ratio1 = medians["ours_page1"] / floor1
    ms = {name: f"{value * 1000:.1f} ms" for name, value in medians.items()}
    notes = [
        f"P6 one get_stage_messages call, {PAGE}-message page 2, median of {repetitions}: "
        f"{ms['ours']}; echo {ms['echo']} + bare GET {ms['get']} = {floor * 1000:.1f} ms "
        f"→ {ratio:.2f}x (goal <= {GOAL}x)",
        f"  page 1 (holds the ~100 KB utterance): {ms['ours_page1']} vs echo + GET "
        f"{floor1 * 1000:.1f} ms → {ratio1:.2f}x (information)",
        f"  upstream requests per call: {per_call['page']} page, {per_call['other']} other",
    ]
    return Outcome(
        rows=[
            Row(
                "P6 get_stage_messages / (echo + bare GET)",
                f"{ratio:.2f}x (page 1 with 100 KB msg: {ratio1:.2f}x)",
                f"<= {GOAL:.2f}x",
                ratio <= GOAL,
            )
        ],
        notes=notes,
        numbers={"ratio": ratio, "ratio_page1": ratio1, **medians},
    )


async def _one_call_requests(base_url: str, call_id: str, stage_id: str) -> None:
    from benchmarks.common import connect

    async with connect(base_url) as client:
        await client.call_tool(
            "get_stage_messages", {"call_id": call_id, "call_stage_id": stage_id, "page_size": PAGE}
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=REPETITIONS)
    print_outcome(run(repetitions=parser.parse_args().repetitions))


if __name__ == "__main__":
    main()
