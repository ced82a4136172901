"""Which failures are retried, how long to wait between attempts, and Retry-After parsing.

The policy is plain data so that callers and tests can see and change it; the
random number is passed in so delays are reproducible in tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 501 (not implemented) and 505 are not transient: retrying cannot help.
DEFAULT_RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with subtractive jitter, honouring Retry-After up to a cap."""

    max_attempts: int = 4
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 8.0
    # Fraction of each backoff delay that may be shaved off at random, so that
    # clients failing together do not retry together.
    jitter: float = 0.5
    retryable_statuses: frozenset[int] = field(default=DEFAULT_RETRYABLE_STATUSES)
    # A Retry-After longer than this is not waited out: the caller is told instead.
    retry_after_cap: float = 20.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.retry_after_cap < 0:
            raise ValueError("delays must not be negative")
        if self.multiplier < 1:
            raise ValueError("multiplier must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def is_retryable_status(self, status: int) -> bool:
        return status in self.retryable_statuses

    def backoff(self, attempt: int, rand: float) -> float:
        """Delay after failed attempt number ``attempt`` (1-based); ``rand`` is in [0, 1)."""
        exponent = min(attempt - 1, 64)  # keeps the power finite for absurd attempt counts
        delay = min(self.max_delay, self.base_delay * self.multiplier**exponent)
        return delay * (1.0 - self.jitter * rand)

    def delay_before_retry(self, attempt: int, retry_after: float | None, rand: float) -> float:
        """How long to wait before the next attempt; the server's Retry-After wins if given.

        The caller checks ``exceeds_cap`` first: past the cap we do not wait at all.
        """
        if retry_after is not None:
            return retry_after
        return self.backoff(attempt, rand)

    def exceeds_cap(self, retry_after: float | None) -> bool:
        return retry_after is not None and retry_after > self.retry_after_cap


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta seconds or an HTTP date.

    Garbage gives ``None`` (fall back to our own backoff); a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until_http_date(text, now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _seconds_until_http_date(text: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
