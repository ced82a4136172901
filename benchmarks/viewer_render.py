"""The call viewer draws a long call in time proportional to its length, in a real browser.

In one Chromium run, the viewer (inside the test host page built on the official
``app-bridge``) loads a 250-message and a 2,500-message call, alternately, several times. The
time measured is the page's own: from its first ``get_call_timeline`` request to the frame
painted after the last page was drawn (``performance`` marks the page sets), so it includes
every page's round trip through App and AppBridge, building the DOM, style and layout.
Answers are prepared in advance and served inside the host page: Playwright's bridge back to
Python (hundreds of ms per large answer, a test-harness cost no real host has) stays out of
the figure. Linear work reads ~10x for 10x the messages; the goal allows no more. It also
counts the timeline requests the page made: they must be ceil(N / page size). Skipped, with
a note, where Chromium, Playwright or the npm packages are missing.

Run:  .venv/bin/python -m benchmarks.viewer_render
"""

from __future__ import annotations

import math
import statistics
import sys
from pathlib import Path

import anyio

if not __package__:  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.viewer_fixture import synthetic_timeline
from tests.e2e.viewer_harness import (
    BrowserSession,
    InPageTimeline,
    browser_session,
    missing_browser_parts,
    viewer_in,
)
from tests.e2e.viewer_relay import FixtureRelay

from benchmarks.common import Outcome, Row, print_outcome

GOAL = 10.0
SMALL, LARGE = 250, 2500
PAGE_SIZE = 250
_ELAPSED = """() => {
  const first = performance.getEntriesByName('viewer:first-request')[0];
  const painted = performance.getEntriesByName('viewer:painted')[0];
  const sum = (name) => performance.getEntriesByName(name).reduce((t, e) => t + e.duration, 0);
  return [painted.startTime - first.startTime, sum('viewer:render'), sum('viewer:fetch')];
}"""


Load = tuple[float, float, float, int]


async def _load_once(session: BrowserSession, count: int) -> Load:
    """(ms to painted, ms building the DOM, ms waiting for answers, timeline requests)."""
    timeline = synthetic_timeline(count)
    relay = InPageTimeline(FixtureRelay(timeline, page_size=PAGE_SIZE).prepared_pages())
    async with viewer_in(session, relay, {"call_id": timeline["callId"]}) as viewer:
        state = await viewer.state()
        if state != "ready":
            raise RuntimeError(f"the viewer ended in state {state!r} for {count} messages")
        await viewer.frame.wait_for_function(
            "() => performance.getEntriesByName('viewer:painted').length > 0"
        )
        lines = await viewer.frame.locator("#transcript .line").count()
        if lines != count:
            raise RuntimeError(f"the viewer listed {lines} of {count} messages")
        elapsed, render, fetch = await viewer.frame.evaluate(_ELAPSED)
        requests = await relay.calls(viewer)
    return float(elapsed), float(render), float(fetch), requests


async def _measure(repetitions: int) -> dict[int, list[Load]]:
    runs: dict[int, list[Load]] = {SMALL: [], LARGE: []}
    async with browser_session() as session:
        await _load_once(session, SMALL)  # warm-up: first page load in a fresh browser
        for _ in range(repetitions):
            for count in (SMALL, LARGE):
                runs[count].append(await _load_once(session, count))
    return runs


def run(quick: bool = False) -> Outcome:
    """``quick``: one load of each size."""
    missing = missing_browser_parts()
    name = f"viewer render, {LARGE:,} vs {SMALL} messages"
    if missing is not None:
        note = f"viewer render: skipped — {missing}"
        return Outcome(
            rows=[Row(name, "skipped (no browser)", f"<= {GOAL:.0f}x", None)], notes=[note]
        )
    runs = anyio.run(_measure, 1 if quick else 5)
    small = statistics.median(r[0] for r in runs[SMALL])
    large = statistics.median(r[0] for r in runs[LARGE])
    dom = {count: statistics.median(r[1] for r in results) for count, results in runs.items()}
    wait = {count: statistics.median(r[2] for r in results) for count, results in runs.items()}
    requests = {count: {r[3] for r in results} for count, results in runs.items()}
    wanted = {count: math.ceil(count / PAGE_SIZE) for count in runs}
    ratio = large / small
    pages_ok = all(requests[count] == {wanted[count]} for count in runs)
    return Outcome(
        rows=[
            Row(
                name,
                f"{ratio:.1f}x time ({small:.0f} → {large:.0f} ms)",
                f"<= {GOAL:.0f}x",
                ratio <= GOAL,
            ),
            Row(
                "viewer timeline requests",
                f"{sorted(requests[SMALL])} / {sorted(requests[LARGE])} for {SMALL} / {LARGE}",
                f"ceil(N/{PAGE_SIZE}) = {wanted[SMALL]} / {wanted[LARGE]}",
                pages_ok,
            ),
        ],
        notes=[
            f"viewer render: Chromium, test host + official app-bridge, page size {PAGE_SIZE}, "
            f"median of {len(runs[SMALL])} loads each",
            f"  first request → painted: {small:.0f} ms ({SMALL}) vs {large:.0f} ms ({LARGE})",
            f"  of which building the DOM: {dom[SMALL]:.1f} ms vs {dom[LARGE]:.1f} ms "
            f"({dom[LARGE] / dom[SMALL]:.1f}x); waiting for the answers through App and AppBridge: "
            f"{wait[SMALL]:.0f} ms vs {wait[LARGE]:.0f} ms",
        ],
        numbers={
            "small ms": small,
            "large ms": large,
            "ratio": ratio,
            "small requests": float(max(requests[SMALL])),
            "large requests": float(max(requests[LARGE])),
        },
    )


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
