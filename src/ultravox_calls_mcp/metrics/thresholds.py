"""The two limits that turn timing numbers into findings, with documented defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Thresholds"]

# A limit beyond an hour is a typo, not a choice: no voice call waits that long on purpose.
_LARGEST = 3_600.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """``slow_response_seconds``: a turn whose response latency is over this is slow.
    ``dead_air_seconds``: a silence at least this long is dead air (or a long tool wait)."""

    slow_response_seconds: float = 2.0
    dead_air_seconds: float = 4.0
    # The server's defaults come from Settings (ULTRAVOX_MCP_SLOW_RESPONSE_SECONDS,
    # ULTRAVOX_MCP_DEAD_AIR_SECONDS); a tool call may override either.

    def __post_init__(self) -> None:
        _check("slow_response_seconds", self.slow_response_seconds)
        _check("dead_air_seconds", self.dead_air_seconds)


def _valid(value: float) -> bool:
    return math.isfinite(value) and 0 < value <= _LARGEST


def _check(name: str, value: float) -> None:
    if not _valid(value):
        raise ValueError(
            f"{name} must be a number of seconds above 0 and at most {_LARGEST:g}, not {value!r}"
        )
