"""P5: cold start, spawn to initialize response over stdio, vs a bare one-tool MCPServer.

Both are spawned the same way (this interpreter, an environment of PATH/HOME/PYTHONPATH
only) and sent one initialize request; the clock stops at the first line of the answer.
Ours runs as production does (``python -m ultravox_calls_mcp`` with an API key and base
URL in the environment); the baseline is ``benchmarks/bare_server.py``. Runs alternate
A/B (which goes first alternates too) and medians are compared.

Run:  .venv/bin/python -m benchmarks.p5_cold_start [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics

from benchmarks.common import (
    BENCH_DIR,
    Outcome,
    Row,
    child_env,
    print_outcome,
    python,
    time_to_initialize,
)
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY

GOAL = 1.15
RUNS = 7


def run(quick: bool = False, runs: int = RUNS) -> Outcome:
    """``quick`` takes one run of each, without warm-up."""
    runs = 1 if quick else max(runs, 7)
    # Nothing is requested before initialize, so the base URL need not answer.
    ours_env = child_env(
        {"ULTRAVOX_API_KEY": SANDBOX_API_KEY, "ULTRAVOX_BASE_URL": "http://127.0.0.1:9"}
    )
    bare_argv = [python(), str(BENCH_DIR / "bare_server.py")]
    ours_argv = [python(), "-m", "ultravox_calls_mcp"]
    if not quick:
        # One untimed start each fills the OS file cache (and .pyc files) for both.
        time_to_initialize(bare_argv, child_env())
        time_to_initialize(ours_argv, ours_env)
    bare: list[float] = []
    ours: list[float] = []
    for i in range(runs):
        # Alternate which goes first, so a slow patch of the machine hits both alike.
        pair = [(bare, bare_argv, child_env()), (ours, ours_argv, ours_env)]
        for times, argv, env in pair if i % 2 == 0 else reversed(pair):
            times.append(time_to_initialize(argv, env))
    ratio = statistics.median(ours) / statistics.median(bare)
    notes = [
        f"P5 cold start, median of {runs} alternating spawns: ours "
        f"{statistics.median(ours) * 1000:.0f} ms, bare MCPServer "
        f"{statistics.median(bare) * 1000:.0f} ms → {ratio:.2f}x (goal <= {GOAL}x)",
    ]
    return Outcome(
        rows=[
            Row(
                "P5 cold start / bare MCPServer",
                f"{ratio:.2f}x (median of {runs})",
                f"<= {GOAL:.2f}x",
                ratio <= GOAL,
            )
        ],
        notes=notes,
        numbers={"ratio": ratio, "runs": runs},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    print_outcome(run(runs=parser.parse_args().runs))


if __name__ == "__main__":
    main()
