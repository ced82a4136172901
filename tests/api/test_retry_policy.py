"""Retry policy arithmetic and Retry-After parsing, with randomness passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ultravox_calls_mcp.api.retry import RetryPolicy, parse_retry_after

NOW = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)


def test_backoff_grows_exponentially_and_stops_at_max_delay() -> None:
    policy = RetryPolicy(base_delay=0.5, multiplier=2.0, max_delay=3.0, jitter=0.0)
    assert [policy.backoff(attempt, rand=0.9) for attempt in range(1, 6)] == [
        0.5,
        1.0,
        2.0,
        3.0,
        3.0,
    ]


def test_jitter_only_shortens_the_delay_by_at_most_its_fraction() -> None:
    policy = RetryPolicy(base_delay=1.0, multiplier=2.0, max_delay=10.0, jitter=0.5)
    assert policy.backoff(2, rand=0.0) == 2.0
    assert policy.backoff(2, rand=0.5) == 1.5
    assert policy.backoff(2, rand=0.999) == pytest.approx(1.001)


def test_backoff_stays_finite_for_absurd_attempt_numbers() -> None:
    assert RetryPolicy(max_delay=8.0, jitter=0.0).backoff(10_000, rand=0.0) == 8.0


def test_retry_after_replaces_backoff_when_given() -> None:
    policy = RetryPolicy(jitter=0.0)
    assert policy.delay_before_retry(1, retry_after=7.0, rand=0.3) == 7.0
    assert policy.delay_before_retry(1, retry_after=None, rand=0.3) == policy.base_delay


def test_retry_after_beyond_the_cap_is_flagged() -> None:
    policy = RetryPolicy(retry_after_cap=10.0)
    assert policy.exceeds_cap(10.5)
    assert not policy.exceeds_cap(10.0)
    assert not policy.exceeds_cap(None)


def test_only_transient_statuses_are_retryable_by_default() -> None:
    policy = RetryPolicy()
    assert all(policy.is_retryable_status(s) for s in (408, 429, 500, 502, 503, 504))
    assert not any(policy.is_retryable_status(s) for s in (400, 401, 403, 404, 422, 501))


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"jitter": 1.5}, {"multiplier": 0.5}, {"base_delay": -1.0}],
)
def test_policy_rejects_nonsense_values(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_is_frozen_data() -> None:
    policy = RetryPolicy()
    with pytest.raises(AttributeError):
        policy.max_attempts = 9  # type: ignore[misc]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), (" 120 ", 120.0), ("1.5", 1.5), ("0", 0.0), ("-4", 0.0)],
)
def test_retry_after_delta_seconds_are_parsed(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_retry_after_http_date_is_seconds_from_now() -> None:
    header = format_datetime(NOW + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(header, now=NOW) == 42.0


def test_retry_after_http_date_in_the_past_means_no_wait() -> None:
    header = format_datetime(NOW - timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(header, now=NOW) == 0.0


@pytest.mark.parametrize("header", [None, "", "soon", "nan", "inf", "Mon, 99 Foo 2026"])
def test_garbage_retry_after_is_ignored(header: str | None) -> None:
    assert parse_retry_after(header, now=NOW) is None
