"""Run every benchmark against the loopback sandbox and print one table.

    .venv/bin/python -m benchmarks            # or: .venv/bin/python benchmarks/run.py
    .venv/bin/python -m benchmarks --quick    # fewer repetitions, for a quick look
    .venv/bin/python -m benchmarks p1 p4      # only these (names as in the table)

All figures are ratios or counts measured side by side in this one run. Each benchmark's
own detail lines are printed before the table.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Outcome, Row, format_table, machine_line

# (short name, module, what the row is about if the benchmark fails to run)
BENCHMARKS: list[tuple[str, str, str]] = [
    ("p1", "benchmarks.p1_list_size", "P1 list_calls size"),
    ("p2", "benchmarks.p2_transcript_size", "P2 transcript size"),
    ("p3", "benchmarks.p3_largest_result", "P3 largest result"),
    ("p4", "benchmarks.p4_requests", "P4 upstream requests"),
    ("p5", "benchmarks.p5_cold_start", "P5 cold start"),
    ("p6", "benchmarks.p6_call_overhead", "P6 per-call cost"),
    ("paging", "benchmarks.paging", "paging"),
    ("audit", "benchmarks.audit", "audit"),
    ("http_load", "benchmarks.http_load", "HTTP load"),
    ("redaction", "benchmarks.redaction", "redaction scaling"),
    ("hostile_regex", "benchmarks.hostile_regex", "hostile regex"),
    ("metrics", "benchmarks.metrics_scaling", "metrics scaling"),
    ("call_metrics", "benchmarks.call_metrics", "call metrics"),
    ("viewer", "benchmarks.viewer_render", "viewer render"),
    ("viewer_data", "benchmarks.viewer_data", "viewer data"),
]


def _runner(module_name: str) -> Callable[[bool], Outcome]:
    module = importlib.import_module(module_name)
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"{module_name} has no run(quick: bool) -> Outcome")

    def call(quick: bool) -> Outcome:
        outcome = run(quick=quick)
        if not isinstance(outcome, Outcome):
            raise TypeError(f"{module_name}.run returned {type(outcome).__name__}, not Outcome")
        return outcome

    return call


def run_all(names: list[str], *, quick: bool) -> list[Row]:
    rows: list[Row] = []
    for short, module_name, label in BENCHMARKS:
        if names and short not in names:
            continue
        started = time.perf_counter()
        try:
            outcome = _runner(module_name)(quick)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc(file=sys.stderr)
            rows.append(Row(label, f"FAILED to run: {type(exc).__name__}", "-", False))
            continue
        for line in outcome.notes:
            print(line)
        print(f"  ({short} took {time.perf_counter() - started:.0f} s)", flush=True)
        rows.extend(outcome.rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    choices = ", ".join(b[0] for b in BENCHMARKS)
    parser.add_argument("names", nargs="*", help=f"only these: {choices}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    unknown = set(args.names) - {b[0] for b in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    print(machine_line(), flush=True)
    started = time.perf_counter()
    rows = run_all(args.names, quick=args.quick)
    print()
    print(format_table(rows))
    missed = [row.name for row in rows if row.ok is False]
    print(f"\n{len(rows)} rows, {len(missed)} missed, in {time.perf_counter() - started:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
