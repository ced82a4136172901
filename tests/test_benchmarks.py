"""Every benchmark runs on a tiny configuration and returns real numbers.

No timing is asserted here (the machines are shared and noisy): only that each module
still runs end to end against the sandbox and reports rows with figures. Counts and
sizes that do not depend on timing are checked where they are exact.
"""

from __future__ import annotations

import importlib
import math

import pytest
from benchmarks import run
from benchmarks.common import Outcome, format_table

MODULES = [
    "benchmarks.p1_list_size",
    "benchmarks.p2_transcript_size",
    "benchmarks.p3_largest_result",
    "benchmarks.p4_requests",
    "benchmarks.p5_cold_start",
    "benchmarks.p6_call_overhead",
    "benchmarks.paging",
    "benchmarks.audit",
    "benchmarks.http_load",
    "benchmarks.redaction",
    "benchmarks.hostile_regex",
    "benchmarks.metrics_scaling",
    "benchmarks.call_metrics",
    "benchmarks.viewer_render",
    "benchmarks.viewer_data",
]
EXACT_MISSING = {"benchmarks.p1_list_size", "benchmarks.p2_transcript_size"}
EXACT_ROWS = {"benchmarks.p4_requests", "benchmarks.viewer_data"}
# Rows that are counts, not timings: exact whatever the machine.
EXACT_NAMED = {"benchmarks.call_metrics": ("requests",)}
# Runs in Chromium: skipped where the browser parts are missing, failed for that under CI.
BROWSER_MODULES = {"benchmarks.viewer_render"}


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_runs_quickly_and_returns_numbers(name: str) -> None:
    """One quick run per benchmark; where a figure is exact (not a timing), it is checked."""
    if name in BROWSER_MODULES:
        _need_a_browser()
    outcome = importlib.import_module(name).run(quick=True)
    assert isinstance(outcome, Outcome)
    assert outcome.rows
    assert all(row.figure and row.goal for row in outcome.rows)
    assert outcome.numbers
    assert all(math.isfinite(value) and value >= 0 for value in outcome.numbers.values())
    if name in EXACT_MISSING:  # the size benchmarks keep every fact and message
        assert outcome.numbers["missing"] == 0
    if name in EXACT_ROWS:  # request counts match the page arithmetic
        assert all(row.ok for row in outcome.rows), format_table(outcome.rows)
    for fragment in EXACT_NAMED.get(name, ()):
        counted = [row for row in outcome.rows if fragment in row.name]
        assert counted, fragment
        assert all(row.ok for row in counted), format_table(outcome.rows)
    if name in BROWSER_MODULES:  # the page's request count is exact, not a timing
        (requests,) = [row for row in outcome.rows if row.name == "viewer timeline requests"]
        assert requests.ok, format_table(outcome.rows)


def _need_a_browser() -> None:
    from tests.e2e.clients import in_ci
    from tests.e2e.viewer_harness import missing_browser_parts

    missing = missing_browser_parts()
    if missing is not None:
        if in_ci():
            pytest.fail(f"{missing} (CI must run the viewer benchmark)")
        pytest.skip(missing)


def test_a_benchmark_that_breaks_shows_as_failed_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        run,
        "BENCHMARKS",
        [
            ("gone", "benchmarks.no_such_module", "missing benchmark"),
            ("p4", "benchmarks.p4_requests", "P4 upstream requests"),
        ],
    )
    rows = run.run_all([], quick=True)
    assert (rows[0].name, rows[0].ok) == ("missing benchmark", False)
    assert rows[0].figure.startswith("FAILED to run")
    assert len(rows) > 1
    assert all(row.ok for row in rows[1:])


def test_the_runner_lists_every_benchmark_module() -> None:
    assert set(MODULES) == {module for _, module, _ in run.BENCHMARKS}
