"""Redaction and cleaning scale linearly, even on pathological text.

Every string that reaches the model passes ``clean`` and ``redact_text``. Unanchored
patterns once went quadratic on a long run of letters (minutes for 20 kB), so this times
each pathological shape at n and 4n characters, side by side in one run: linear work
reads ~4x, quadratic ~16x. Goal: the worst shape <= 6x. (Tests check what these
functions return; how fast they are is shown here, not asserted there.)

Run:  .venv/bin/python -m benchmarks.redaction
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from benchmarks.common import Outcome, print_outcome, scaling_outcome
from ultravox_calls_mcp.render.redact import redact_text
from ultravox_calls_mcp.render.text import clean, one_line

GOAL = 6.0
# Each shape is one unit repeated: runs that pull unanchored patterns through every
# position (letters, dots, scheme separators, key-ish names, unterminated escapes).
SHAPES: dict[str, str] = {
    "letters": "a",
    "letter.dot": "a.",
    "scheme sep": "://",
    "&key": "&key",
    "token=": "token=",
    "bearer ": "bearer ",
    "escape": "\x1b]",
    "zero-width": "a\u200b",
}


def _seconds(fn: Callable[[str], str], text: str, repetitions: int) -> float:
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pipeline(text: str) -> str:
    return redact_text(one_line(clean(text)))


def run(quick: bool = False) -> Outcome:
    """``quick`` uses 20 kB inputs and one repetition."""
    size = 20_000 if quick else 200_000
    repetitions = 1 if quick else 5
    ratios: dict[str, float] = {}
    notes = [
        f"redaction scaling: clean + one_line + redact_text at {size:,} and {4 * size:,} chars"
    ]
    for name, unit in SHAPES.items():
        small = unit * (size // len(unit))
        large = unit * (4 * size // len(unit))
        t_small = _seconds(_pipeline, small, repetitions)
        t_large = _seconds(_pipeline, large, repetitions)
        ratios[name] = t_large / t_small if t_small else float("inf")
        notes.append(
            f"  {name:<11} {t_small * 1000:7.1f} ms → {t_large * 1000:7.1f} ms "
            f"({ratios[name]:.1f}x for 4x the text)"
        )
    return scaling_outcome("redaction, 4x pathological text", ratios, notes, goal=GOAL)


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
