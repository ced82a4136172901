"""One HTTP GET attempt and the retry loop around attempts: what the JSON GET
(``transport.py``) and the audio GET with its redirects (``media.py``) share.

An ``Exchange`` says everything that differs between them: which client (with or without
the API key), how a 2xx body is read, whether a redirect is an answer, and the words for
each failure. ``attempt`` is the only code here that sees an HTTP response; ``retrying``
repeats it under the retry policy until the caller's deadline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import anyio
import httpx2

from .errors import (
    ConnectionFailedError,
    InvalidResponseError,
    UltravoxError,
    UpstreamTimeoutError,
    retry_after_too_long,
)
from .retry import RetryPolicy, parse_retry_after

logger = logging.getLogger("ultravox_calls_mcp.api")

R = TypeVar("R")
Sleep = Callable[[float], Awaitable[None]]


class Retry(Exception):
    """This attempt failed in a way worth another try."""

    def __init__(self, error: UltravoxError, retry_after: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class CutOff(InvalidResponseError):
    """A body that ended early; retried like a timeout, reported as an invalid answer."""


@dataclass(frozen=True)
class Exchange(Generic[R]):
    """One GET and how to read its answer.

    ``log_as`` is what the debug log names (an API path, or a host): never a URL with a
    query. ``status_error`` maps a non-2xx status (and its Retry-After) to our error.
    ``on_redirect``, when set, makes a 3xx with a Location an answer: it gets the status and
    the absolute target (which may be a bearer link, a signed URL: never log or show it).
    ``headers`` are sent on top of the client's own (a ``Range``): never a credential, as
    they go to whichever host the exchange names.
    """

    http: httpx2.AsyncClient
    url: str
    params: Sequence[tuple[str, str]]
    log_as: str
    read: Callable[[httpx2.Response], Awaitable[R]]
    status_error: Callable[[int, float | None], UltravoxError]
    unreachable: str
    timed_out: str
    on_redirect: Callable[[int, str], R] | None = None
    headers: Sequence[tuple[str, str]] = ()


async def attempt(exchange: Exchange[R], number: int, policy: RetryPolicy) -> R:
    started = time.perf_counter()
    failure: UltravoxError | None = None
    status = 0
    retry_after: float | None = None
    location: str | None = None
    bad_location = False
    try:
        # No params at all, not an empty set: an empty one would erase the URL's own query
        # (a signed link's token).
        params = tuple(exchange.params) or None
        headers = tuple(exchange.headers) or None
        async with exchange.http.stream(
            "GET", exchange.url, params=params, headers=headers
        ) as response:
            status = response.status_code
            if 200 <= status < 300:
                body = await exchange.read(response)
                _log(exchange.log_as, status, number, started)
                return body
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if exchange.on_redirect is not None and 300 <= status < 400:
                raw = response.headers.get("location")
                if raw:
                    location = str(response.url.join(raw))
    except httpx2.TimeoutException:
        failure = UpstreamTimeoutError(exchange.timed_out)
    except httpx2.TransportError:
        failure = ConnectionFailedError(exchange.unreachable)
    except httpx2.InvalidURL:
        bad_location = True  # raised below, outside the except block
    if bad_location:
        # A Location we cannot even parse: an invalid answer, not worth another try.
        raise InvalidResponseError("The answer named a redirect target that is not a URL.")
    if failure is not None:
        _log(exchange.log_as, None, number, started)
        raise Retry(failure, None)
    _log(exchange.log_as, status, number, started)
    if location is not None and exchange.on_redirect is not None:
        return exchange.on_redirect(status, location)
    error = exchange.status_error(status, retry_after)
    if policy.is_retryable_status(status):
        raise Retry(error, retry_after)
    raise error


async def retrying(
    send: Callable[[int], Awaitable[R]],
    *,
    policy: RetryPolicy,
    deadline: float,
    sleep: Sleep,
    random: Callable[[], float],
    log_as: str,
) -> R:
    """``send(attempt_number)`` until it answers, a failure is final, the attempts run out
    or waiting would outlast ``deadline`` (an ``anyio.current_time()`` value)."""
    number = 0
    while True:
        number += 1
        try:
            return await send(number)
        except Retry as retry:
            failure = retry
        # Raised outside the except block so no httpx exception (which
        # holds the request and its headers) rides along as __context__.
        if policy.exceeds_cap(failure.retry_after):
            status = failure.error.status_code or 429
            raise retry_after_too_long(status, failure.retry_after or 0.0, policy.retry_after_cap)
        if number >= policy.max_attempts:
            raise failure.error
        delay = policy.delay_before_retry(number, failure.retry_after, random())
        if anyio.current_time() + delay >= deadline:
            raise failure.error  # waiting would outlast the deadline anyway
        logger.debug("GET %s: retrying in %.3f s (attempt %d failed)", log_as, delay, number)
        await sleep(delay)


async def read_capped(
    response: httpx2.Response, cap: int, too_large: str, subject: str, source: str = "Ultravox"
) -> bytes:
    """The body, streamed and abandoned past ``cap`` bytes (``too_large`` says so);
    ``source`` names who was sending it."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise InvalidResponseError(too_large)
    chunks: list[bytes] = []
    size = 0
    problem: UltravoxError | None = None
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                problem = InvalidResponseError(too_large)  # closing the stream drops the rest
                break
            chunks.append(chunk)
    except httpx2.TimeoutException:
        problem = UpstreamTimeoutError(
            f"{source} stopped sending the answer for {subject}. Try again shortly."
        )
    except httpx2.TransportError:
        # The connection dropped mid-body: transient, and a GET is safe to repeat.
        problem = CutOff(f"The answer for {subject} was cut off. Try again shortly.")
    except httpx2.HTTPError:
        problem = InvalidResponseError(f"The answer for {subject} could not be decoded. Try again.")
    if isinstance(problem, UpstreamTimeoutError | CutOff):
        raise Retry(problem, None)
    if problem is not None:
        raise problem
    return b"".join(chunks)


def media_type(response: httpx2.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _log(what: str, status: int | None, number: int, started: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        elapsed_ms = (time.perf_counter() - started) * 1000
        outcome = status if status is not None else "no response"
        logger.debug("GET %s -> %s (attempt %d, %.1f ms)", what, outcome, number, elapsed_ms)
