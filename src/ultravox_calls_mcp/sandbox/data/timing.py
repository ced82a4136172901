"""How long things take in a sandbox call: speech, response latency, tool waits, clocks.

Figures follow what voice platforms report for production agents: an agent answers
0.6–1.2 s after the caller stops (median, per agent) with a long tail of slow turns;
callers answer within about a second; people speak about 2.5–3 words a second; tools
take from a few hundred milliseconds to a few seconds, failures longer. Regular calls
stay free of overlaps and of silences of 4 s or more, so the planted cases
(``planted_timing.py``) are the only barge-ins, talk-overs and dead air in the data.

``timespan`` follows the input-audio clock; ``wallClockTimespan`` runs slightly ahead of
it (the audio starts a little after join and falls behind by a fraction of a percent).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Pace:
    """One stage configuration's timing: how fast its agent answers and speaks."""

    median_latency: float  # seconds from the caller's last word to the agent's first
    spread: float  # log-normal sigma of that latency
    words_per_second: float


PACES = {
    "Front Desk — Dental": Pace(0.85, 0.35, 2.8),
    "Billing Support": Pace(1.05, 0.45, 2.6),
    "Outbound Survey": Pace(0.65, 0.25, 3.0),
    "Appointment Reminders": Pace(0.7, 0.3, 2.9),
    "After-hours Triage": Pace(1.2, 0.45, 2.5),
    "Escalation Hold": Pace(0.9, 0.3, 2.7),
}
DEFAULT_PACE = Pace(0.9, 0.35, 2.75)

# Typical seconds from a tool call to its result, per tool; a failed call waits on the
# upstream's error (a 503 after the gateway's own retry) and takes longer.
TOOL_WAITS = {
    "lookupPatient": 0.35,
    "checkAvailability": 0.6,
    "bookAppointment": 0.9,
    "lookupInvoice": 0.7,
    "recordSurveyAnswer": 0.25,
    "transferToBilling": 0.3,
    "escalateToHuman": 0.4,
}
FAILED_TOOL_WAIT = 2.2
SLOWEST_REGULAR_GAP = 3.6  # below the 4 s dead-air threshold: regular calls hold no dead air


def response_latency(pace: Pace, u: float) -> float:
    """The agent's answer delay at quantile ``u``: log-normal around the agent's median,
    with a heavier top (a slow first token, a retried speech request)."""
    z = _NORMAL.inv_cdf(min(max(u, 0.001), 0.999))
    value = pace.median_latency * math.exp(pace.spread * z)
    if u > 0.93:
        value += (u - 0.93) * 30
    return min(value, SLOWEST_REGULAR_GAP)


def caller_gap(u: float) -> float:
    """How long a caller takes to start answering, at quantile ``u``."""
    gap = 0.2 + math.pow(u, 1.5)
    if u > 0.97:
        gap += (u - 0.97) * 50  # a caller who has to think
    return min(gap, SLOWEST_REGULAR_GAP)


def tool_wait(tool: str, failed: bool, u: float) -> float:
    if failed:
        return FAILED_TOOL_WAIT + u
    return TOOL_WAITS.get(tool, 0.6) * (0.6 + 0.8 * u)


def spoken_words(text: str) -> float:
    """Words as speech time sees them: CJK characters count as half a word each."""
    cjk = sum(1 for ch in text if "\u3040" <= ch <= "\u9fff")
    return len(text.split()) + cjk / 2


class CallClock:
    """One call's timing choices that need more randomness than the shared stream gives.

    Its generator is seeded from the call (its first stage id), so every call keeps the
    same timing for the same dataset seed while the dataset's own random stream, which
    fixes every id and word, is untouched by how timing is modelled.
    """

    def __init__(self, key: str, *, steady: bool = False) -> None:
        self._rng = random.Random(f"sandbox-timing/{key}")
        self.caller_words_per_second = 2.3 + self._rng.random() * 0.7
        self.first_word = 0.3 + self._rng.random() * 0.9
        self.hang_up = 0.6 + self._rng.random()
        self._wall_base = round(0.08 + self._rng.random() * 0.2, 3)
        self._wall_drift = 0.0005 + self._rng.random() * 0.0025
        # Planted calls keep the wall clock a constant offset from the audio clock, so a
        # planted overlap or gap measures exactly the same on both.
        self._steady = steady

    def speech(self, text: str, words_per_second: float) -> float:
        spoken = spoken_words(text) / words_per_second * (0.92 + self._rng.random() * 0.16)
        return max(0.4, spoken + 0.2)

    def tool_message(self, role: str, text: str) -> float:
        """A tool call streams its arguments from the model; a result arrives at once."""
        if role == "TOOL_RESULT":
            return 0.02 + self._rng.random() * 0.06
        return min(0.4, 0.08 + len(text) / 1000) * (0.8 + self._rng.random() * 0.4)

    def wall(self, t: float, jitter_draw: float) -> float:
        """The wall-clock time of input-audio time ``t``; ``jitter_draw`` (0–1) adds at most
        15 ms either way, far below any gap, so the two clocks never disagree on order."""
        if self._steady:
            return t + self._wall_base
        return t + self._wall_base + self._wall_drift * t + (jitter_draw - 0.5) * 0.03


def gap_before(
    previous: str, role: str, pace: Pace, u: float, *, tool: str = "", failed: bool = False
) -> float:
    """Seconds between the end of a ``previous``-role message and the start of the next."""
    if previous == "USER" and role == "AGENT":
        return response_latency(pace, u)
    if previous == "USER" and role == "TOOL_CALL":
        return min(response_latency(pace, u) * 0.6, 2.0)
    if previous == "TOOL_CALL" and role == "TOOL_RESULT":
        return tool_wait(tool, failed, u)
    if previous == "TOOL_RESULT" and role == "AGENT":
        return 0.3 + 0.4 * u * pace.median_latency
    if previous == "AGENT" and role == "USER":
        return caller_gap(u)
    if previous == "AGENT" and role == "TOOL_CALL":
        return 0.15 + 0.3 * u
    return 0.5 + u  # a new stage's caller line after the hand-over, and anything rarer
