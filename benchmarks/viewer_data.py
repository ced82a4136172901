"""The call viewer's data from the real server: app-tool calls and upstream requests for a
long call, and the size of a 60 s recording window on the wire.

Our server talks real HTTP to the sandbox on two loopback ports (the API, and the storage
host its recordings redirect to), reached through an in-memory MCP client as the viewer's
host would relay the page's calls:

- the 10,000-message call's timeline, walked page by page with the printed cursors as the
  page does: ``get_call_timeline`` calls against ceil(N / 250), and the message-list
  requests the first page needs (it computes the metrics of the whole call) against
  ceil(N / 200), the largest page the API grants;
- ``get_recording_window`` for 60 s of a ~3 minute recording: the result's JSON (the audio
  as base64 plus its note) against 2 MB, and whether the API key reached the storage host;
  the bytes read upstream for it (byte ranges: the file's head and the window's frames,
  not the whole recording) are reported beside.

Run:  .venv/bin/python -m benchmarks.viewer_data
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import anyio
from starlette.applications import Starlette

if not __package__:  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Outcome, Row, connect, print_outcome
from ultravox_calls_mcp.config import MAX_PAGE_SIZE
from ultravox_calls_mcp.mcp.app.contract import RECORDING_TOOL, TIMELINE_TOOL
from ultravox_calls_mcp.mcp.app.timeline import PAGE_MESSAGES
from ultravox_calls_mcp.sandbox import create_app, run_loopback_with_storage

WIRE_GOAL = 2_000_000
WINDOW_SECONDS = 60


async def _measure(api_url: str, storage_host: str, app: Starlette) -> dict[str, float]:
    data = app.state.data
    log = app.state.requests
    stress = data.notable.stress_call_id
    messages = sum(len(s.messages) - s.first_own for s in data.call(stress).stages)
    numbers: dict[str, float] = {"messages": messages}
    async with connect(api_url) as client:
        log.clear()
        started = time.perf_counter()
        calls, seen = 0, 0
        cursor: str | None = None
        first_requests = 0
        while True:
            args = {"call_id": stress} if cursor is None else {"call_id": stress, "cursor": cursor}
            result = await client.call_tool(TIMELINE_TOOL, args)
            if result.is_error or result.structured_content is None:
                raise RuntimeError("get_call_timeline failed")
            calls += 1
            page = result.structured_content
            seen += len(page["messages"])
            if calls == 1:
                first_requests = log.count_path("/messages")
            cursor = page["nextCursor"]
            if cursor is None:
                break
        numbers.update(
            walk_seconds=time.perf_counter() - started,
            tool_calls=calls,
            seen=seen,
            first_requests=first_requests,
            all_requests=log.count_path("/messages"),
        )
        recorded = data.notable.multi_stage_call_id
        log.clear()
        args = {"call_id": recorded, "start_seconds": 30, "duration_seconds": WINDOW_SECONDS}
        result = await client.call_tool(RECORDING_TOOL, args)
        if result.is_error:
            raise RuntimeError("get_recording_window failed")
        wire = json.dumps(result.model_dump(by_alias=True, exclude_none=True, mode="json"))
        storage = [r for r in log if r.host == storage_host]
        numbers.update(
            wire_bytes=len(wire.encode()),
            upstream_bytes=sum(r.body_bytes for r in log if "/recording" in r.path),
            recording_bytes=len(app.state.recordings.wav(data.call(recorded))),
            storage_requests=len(storage),
            key_to_storage=sum(r.had_api_key for r in storage),
        )
    return numbers


def run(quick: bool = False) -> Outcome:
    """``quick`` changes nothing: every figure here is a count or a size, measured once."""
    del quick
    app = create_app()
    with run_loopback_with_storage(app) as (api_url, storage_url):
        numbers = anyio.run(_measure, api_url, storage_url.removeprefix("http://"), app)
    n = int(numbers["messages"])
    want_calls = math.ceil(n / PAGE_MESSAGES)
    want_first = math.ceil(n / MAX_PAGE_SIZE)
    calls_ok = numbers["tool_calls"] == want_calls and numbers["seen"] == n
    wire_ok = numbers["wire_bytes"] <= WIRE_GOAL and numbers["key_to_storage"] == 0
    return Outcome(
        rows=[
            Row(
                f"viewer data, {n:,}-msg call: app-tool calls",
                f"{int(numbers['tool_calls'])} get_call_timeline calls, {int(numbers['seen']):,} "
                f"msgs; first page {int(numbers['first_requests'])} message requests",
                f"= ceil(N/{PAGE_MESSAGES}) = {want_calls}; first = ceil(N/{MAX_PAGE_SIZE})",
                calls_ok and numbers["first_requests"] == want_first,
            ),
            Row(
                f"viewer recording window, {WINDOW_SECONDS} s",
                f"{numbers['wire_bytes']:,.0f} bytes on the wire, key sent to storage "
                f"{int(numbers['key_to_storage'])}x; {numbers['upstream_bytes']:,.0f} bytes "
                "read upstream",
                f"<= {WIRE_GOAL:,} bytes, key never",
                wire_ok,
            ),
        ],
        notes=[
            "viewer data: real server -> loopback sandbox (API + storage origin), in-memory "
            "MCP client",
            f"  timeline walk of {n:,} messages: {numbers['walk_seconds']:.2f} s, "
            f"{int(numbers['all_requests'])} message-list requests in all "
            f"(first page {int(numbers['first_requests'])}, each later page reads its own "
            "250 from the cursor's upstream page)",
            f"  recording window: {int(numbers['storage_requests'])} storage request(s), "
            f"{numbers['wire_bytes']:,.0f} bytes of result JSON; "
            f"{numbers['upstream_bytes']:,.0f} bytes read upstream of the "
            f"{numbers['recording_bytes']:,.0f}-byte recording",
        ],
        numbers=numbers,
    )


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
