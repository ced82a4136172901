"""Percentiles by nearest rank: always a value that was measured, easy to check by hand."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["percentile"]


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0 < p ≤ 100) of values sorted ascending: the value at rank
    ⌈p/100 · n⌉. None for no values."""
    if not ordered:
        return None
    # p·n first: 0.9 · 30 is 27.000000000000004 in floats, 90 · 30 / 100 is 27.
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]
