"""What the audits read of a call's voice timing, kept in the cache beside its messages.

find_problem_calls and summarize_calls need a few numbers per call (latencies, the
slowest turn, barge-in and talk-over counts, dead air); working them out from the
messages costs a time line per call on every audit. An ended call's messages never
change, so these facts are worked out once, when the call is loaded, and cached as the
call's ``timing`` part; a warm audit reads them instead of the time line.

They hold for any thresholds: every measured latency is kept (slow = over the limit),
and every silence with time outside tool waits (dead air = that time at least the
limit), so a call with other limits needs nothing recomputed.

Each fact set names the code that made it (``source``, a digest of its files): facts
made by another version are not read but worked out again, so a changed definition never
meets stale numbers in the cache, and nobody has to remember to bump a version.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.metrics.silence import SilenceScan
from ultravox_calls_mcp.metrics.timeline import split_by_stage, timeline_from_stages
from ultravox_calls_mcp.metrics.tools import ToolPairing
from ultravox_calls_mcp.metrics.turns import scan_turns

__all__ = ["DeadAir", "TimingFacts", "facts_source", "timing_facts"]

# (the largest threshold at which it is dead air, seconds as reported, stage, index of
# the message before it)
DeadAir = tuple[float, float, int, int]


class TimingFacts(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    timed: bool  # any timed message at all
    latencies: tuple[float, ...]  # every measured turn's, in time-line order
    slowest: tuple[float, int, int] | None  # (latency, stage, index) of the first slowest
    barge_ins: int
    talk_overs: int
    quiet: tuple[DeadAir, ...]  # the dead-air candidates, in time-line order

    def slow(self, limit: float) -> int:
        """Turns whose latency is over ``limit``."""
        return sum(1 for latency in self.latencies if latency > limit)

    def dead_air(self, limit: float) -> list[DeadAir]:
        return [stretch for stretch in self.quiet if stretch[0] >= limit]

    def longest_dead_air(self, limit: float) -> DeadAir | None:
        """The first of the longest (by seconds reported) dead-air stretches."""
        return max(self.dead_air(limit), key=lambda stretch: stretch[1], default=None)


def timing_facts(messages: Sequence[Message]) -> TimingFacts:
    """The facts of a call's in-call messages. Stages are numbered as the messages name
    them, in call order, whether or not the stage list was loaded, so facts cached by one
    audit mean the same to every other (the audits have never read the stage list)."""
    timeline = timeline_from_stages(split_by_stage((), messages))
    pairing = ToolPairing(timeline)
    turns = scan_turns(timeline, pairing)
    slowest = max(turns.turns, key=lambda turn: turn.latency, default=None)
    quiet = SilenceScan(timeline, pairing, 0.0).quiet_stretches()
    return TimingFacts(
        source=facts_source(),
        timed=bool(timeline.timed),
        latencies=tuple(turn.latency for turn in turns.turns),
        slowest=None if slowest is None else (slowest.latency, slowest.stage, slowest.index),
        barge_ins=len(turns.barge_ins),
        talk_overs=len(turns.talk_overs),
        # A threshold is above 0 (Thresholds), so a stretch of 0 s is never dead air.
        quiet=tuple((limit, s.seconds, s.stage, s.after_index) for limit, s in quiet if limit > 0),
    )


@cache
def facts_source() -> str:
    """A digest of the code the facts come from: the metrics package, the message model
    and the two render helpers its time line reads messages with, and this file. Where
    the sources cannot be read (an install without them), one of this process's own:
    facts are then never taken from another process, rather than trusted blind."""
    package = Path(__file__).resolve().parent.parent
    files = [
        *sorted((package / "metrics").glob("*.py")),
        package / "api" / "models.py",
        package / "render" / "fmt.py",
        package / "render" / "transcript.py",
        Path(__file__).resolve(),
    ]
    digest = hashlib.sha256()
    try:
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    except OSError:
        return f"process-{secrets.token_hex(8)}"
    return digest.hexdigest()[:16]
