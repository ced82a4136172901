"""One logical GET against the Ultravox API: deadline, retries, status mapping, capped body.

Kept apart from the endpoint methods so that this is the only code that sees
an HTTP response; everything it raises is an ``UltravoxError``.
"""

from __future__ import annotations

import logging
import random as _random
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, TypeVar
from urllib.parse import urlsplit

import anyio
import httpx2
from pydantic import ValidationError

from .. import __version__
from ..config import Settings
from .errors import (
    AuthenticationError,
    ConnectionFailedError,
    DeadlineExceededError,
    InvalidResponseError,
    UltravoxError,
    UpstreamTimeoutError,
    error_for_status,
    retry_after_too_long,
)
from .retry import RetryPolicy, parse_retry_after

logger = logging.getLogger("ultravox_calls_mcp.api")

Sleep = Callable[[float], Awaitable[None]]
R = TypeVar("R")

BASE_HINT: Final = "Check that ULTRAVOX_BASE_URL points at the Ultravox API."
_SHAPE_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}|\d{1,6}")


class _Retry(Exception):
    """Internal: this attempt failed in a way worth another try."""

    def __init__(self, error: UltravoxError, retry_after: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class _CutOff(InvalidResponseError):
    """A body that ended early; retried like a timeout, reported as an invalid answer."""


class ApiTransport:
    """Owns the ``httpx2.AsyncClient``; turns one GET into bytes or an UltravoxError."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Sleep = anyio.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._settings = settings
        self._policy = retry_policy if retry_policy is not None else RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._origin = display_origin(settings.base_url)
        headers = {
            "User-Agent": f"ultravox-calls-mcp/{__version__}",
            "Accept": "application/json",
        }
        if settings.api_key is not None:
            headers["X-API-Key"] = settings.api_key.get_secret_value()
        self._http = httpx2.AsyncClient(
            base_url=settings.base_url,
            headers=headers,
            timeout=httpx2.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            follow_redirects=False,
            transport=transport,
        )

    @property
    def origin(self) -> str:
        return self._origin

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        subject: str,
        about: str | None = None,
        *,
        pause: Sleep | None = None,
    ) -> bytes:
        """``about``: the identifier a 404 would be about; ``pause``: how to wait before a
        retry, instead of this transport's own sleep (see UltravoxClient.with_retry_pause)."""
        if self._settings.api_key is None:
            raise AuthenticationError(
                "No Ultravox API key is configured. Set ULTRAVOX_API_KEY to a key from the "
                "Ultravox console."
            )
        deadline = self._settings.request_deadline
        with anyio.move_on_after(deadline) as scope:
            return await self._attempts(path, params, subject, about, scope.deadline, pause)
        raise DeadlineExceededError(
            f"A request for {subject} did not finish within {deadline:g} s, retries included. "
            "Try again later or ask for less (a smaller page_size)."
        )

    async def _attempts(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        subject: str,
        about: str | None,
        deadline: float,
        pause: Sleep | None,
    ) -> bytes:
        policy = self._policy
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(path, params, subject, about, attempt)
            except _Retry as retry:
                failure = retry
            # Raised outside the except block so no httpx exception (which
            # holds the request and its headers) rides along as __context__.
            if policy.exceeds_cap(failure.retry_after):
                status = failure.error.status_code or 429
                raise retry_after_too_long(
                    status, failure.retry_after or 0.0, policy.retry_after_cap
                )
            if attempt >= policy.max_attempts:
                raise failure.error
            delay = policy.delay_before_retry(attempt, failure.retry_after, self._random())
            if anyio.current_time() + delay >= deadline:
                raise failure.error  # waiting would outlast the deadline anyway
            logger.debug("GET %s: retrying in %.3f s (attempt %d failed)", path, delay, attempt)
            await (pause or self._sleep)(delay)

    async def _attempt(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        subject: str,
        about: str | None,
        attempt: int,
    ) -> bytes:
        started = time.perf_counter()
        failure: UltravoxError | None = None
        status = 0
        retry_after: float | None = None
        try:
            async with self._http.stream("GET", path, params=tuple(params)) as response:
                status = response.status_code
                if 200 <= status < 300:
                    body = await self._read_body(response, subject)
                    _log(path, status, attempt, started)
                    return body
                retry_after = parse_retry_after(response.headers.get("retry-after"))
        except httpx2.TimeoutException:
            failure = UpstreamTimeoutError(
                f"Ultravox did not answer a request for {subject} in time. Try again shortly."
            )
        except httpx2.TransportError:
            failure = ConnectionFailedError(
                f"Could not reach Ultravox at {self._origin} for {subject}. Check the network "
                "connection and ULTRAVOX_BASE_URL."
            )
        if failure is not None:
            _log(path, None, attempt, started)
            raise _Retry(failure, None)
        _log(path, status, attempt, started)
        error = error_for_status(status, subject=subject, about=about, retry_after=retry_after)
        if self._policy.is_retryable_status(status):
            raise _Retry(error, retry_after)
        raise error

    async def _read_body(self, response: httpx2.Response, subject: str) -> bytes:
        media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise InvalidResponseError(
                f"Ultravox answered a request for {subject} with something other than JSON. "
                f"{BASE_HINT}"
            )
        cap = self._settings.max_response_bytes
        declared = response.headers.get("content-length", "")
        too_large = InvalidResponseError(
            f"The answer for {subject} is larger than the {cap} byte limit and was not read. "
            "Ask for a smaller page_size."
        )
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        problem: UltravoxError | None = None
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    problem = too_large  # stop reading: closing the stream drops the rest
                    break
                chunks.append(chunk)
        except httpx2.TimeoutException:
            problem = UpstreamTimeoutError(
                f"Ultravox stopped sending the answer for {subject}. Try again shortly."
            )
        except httpx2.TransportError:
            # The connection dropped mid-body: transient, and a GET is safe to repeat.
            problem = _CutOff(f"The answer for {subject} was cut off. Try again shortly.")
        except httpx2.HTTPError:
            problem = InvalidResponseError(
                f"The answer for {subject} could not be decoded. Try again."
            )
        if isinstance(problem, UpstreamTimeoutError | _CutOff):
            raise _Retry(problem, None)
        if problem is not None:
            raise problem
        return b"".join(chunks)


def parse_body(body: bytes, parse: Callable[[bytes], R], subject: str) -> R:
    try:
        return parse(body)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False, include_context=False)
    if any(error["type"] == "json_invalid" for error in errors):
        raise InvalidResponseError(f"The answer for {subject} was not valid JSON.")
    # Field paths are our names and indexes; anything else (a metadata key chosen
    # upstream) is elided rather than echoed.
    where = ".".join(
        str(part) if _SHAPE_PART.fullmatch(str(part)) else "…" for part in errors[0]["loc"]
    )
    raise InvalidResponseError(
        f"The answer for {subject} did not have the expected shape "
        f"({len(errors)} problem(s), first at {where or 'the top level'})."
    )


def _log(path: str, status: int | None, attempt: int, started: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        elapsed_ms = (time.perf_counter() - started) * 1000
        outcome = status if status is not None else "no response"
        logger.debug("GET %s -> %s (attempt %d, %.1f ms)", path, outcome, attempt, elapsed_ms)


def display_origin(base_url: str) -> str:
    """Scheme, host and port of the base URL, for messages and repr: never any userinfo
    (a proxy-style ``user:pass@``) or path from the setting."""
    try:
        parts = urlsplit(base_url)
        port = parts.port
    except ValueError:  # e.g. a port out of range: making the HTTP client reports it
        return "(not a valid URL)"
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")
