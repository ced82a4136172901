"""One logical GET against the Ultravox API: deadline, retries, status mapping, capped body.

Kept apart from the endpoint methods; with ``exchange.py`` (one attempt, the retry loop)
it is the only code that sees an HTTP response, and everything it raises is an
``UltravoxError``. ``media.py`` builds on the same pieces for audio and its redirects.
"""

from __future__ import annotations

import random as _random
import re
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
    DeadlineExceededError,
    InvalidResponseError,
    UltravoxError,
    error_for_status,
)
from .exchange import Exchange, Sleep, attempt, media_type, read_capped, retrying
from .log_guard import guard_http_logs
from .retry import RetryPolicy

__all__ = ["BASE_HINT", "ApiTransport", "Sleep", "display_origin", "parse_body"]

R = TypeVar("R")

BASE_HINT: Final = "Check that ULTRAVOX_BASE_URL points at the Ultravox API."
_SHAPE_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}|\d{1,6}")


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
        guard_http_logs()  # a redirect's signed URL must not reach a log line
        self._settings = settings
        self._policy = retry_policy if retry_policy is not None else RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._origin = display_origin(settings.base_url)
        self._transport = transport
        self._bare: httpx2.AsyncClient | None = None
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

    @property
    def settings(self) -> Settings:
        return self._settings

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._bare is not None:
            await self._bare.aclose()

    async def get(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        subject: str,
        about: str | None = None,
        *,
        pause: Sleep | None = None,
    ) -> bytes:
        """A JSON answer's body. ``about``: the identifier a 404 would be about; ``pause``:
        how to wait before a retry, instead of this transport's own sleep (see
        UltravoxClient.with_retry_pause)."""

        async def read(response: httpx2.Response) -> bytes:
            return await self._read_json(response, subject)

        exchange = self.api_exchange(path, params, subject, about, read)
        return await self.within_deadline(
            subject, lambda deadline: self.retry(exchange, deadline, pause)
        )

    def api_exchange(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        subject: str,
        about: str | None,
        read: Callable[[httpx2.Response], Awaitable[R]],
        *,
        on_redirect: Callable[[int, str], R] | None = None,
    ) -> Exchange[R]:
        """A GET of ``path`` on the API origin, with the API key."""

        def status_error(status: int, retry_after: float | None) -> UltravoxError:
            return error_for_status(status, subject=subject, about=about, retry_after=retry_after)

        return Exchange(
            http=self._http,
            url=path,
            params=params,
            log_as=path,
            read=read,
            status_error=status_error,
            unreachable=(
                f"Could not reach Ultravox at {self._origin} for {subject}. Check the network "
                "connection and ULTRAVOX_BASE_URL."
            ),
            timed_out=(
                f"Ultravox did not answer a request for {subject} in time. Try again shortly."
            ),
            on_redirect=on_redirect,
        )

    def bare_http(self) -> httpx2.AsyncClient:
        """A client that sends no credential and no cookie, for hosts other than the API
        origin (a recording's signed storage URL); same timeouts and network seam."""
        if self._bare is None:
            self._bare = httpx2.AsyncClient(
                headers={"User-Agent": f"ultravox-calls-mcp/{__version__}"},
                timeout=self._http.timeout,
                follow_redirects=False,
                transport=self._transport,
            )
        self._bare.cookies.clear()  # nothing one storage answer set reaches another request
        return self._bare

    async def within_deadline(
        self, subject: str, work: Callable[[float], Awaitable[R]], *, deadline: float | None = None
    ) -> R:
        """``work(deadline)`` bounded by the request deadline, retries (and redirects)
        included; the key must be configured first."""
        if self._settings.api_key is None:
            raise AuthenticationError(
                "No Ultravox API key is configured. Set ULTRAVOX_API_KEY to a key from the "
                "Ultravox console."
            )
        seconds = self._settings.request_deadline if deadline is None else deadline
        with anyio.move_on_after(seconds) as scope:
            return await work(scope.deadline)
        raise DeadlineExceededError(
            f"A request for {subject} did not finish within {seconds:g} s, retries included. "
            "Try again later or ask for less (a smaller page_size)."
        )

    async def retry(self, exchange: Exchange[R], deadline: float, pause: Sleep | None = None) -> R:
        """``exchange`` attempted under this transport's retry policy until ``deadline``."""
        return await retrying(
            lambda number: attempt(exchange, number, self._policy),
            policy=self._policy,
            deadline=deadline,
            sleep=pause or self._sleep,
            random=self._random,
            log_as=exchange.log_as,
        )

    async def _read_json(self, response: httpx2.Response, subject: str) -> bytes:
        kind = media_type(response)
        if kind != "application/json" and not kind.endswith("+json"):
            raise InvalidResponseError(
                f"Ultravox answered a request for {subject} with something other than JSON. "
                f"{BASE_HINT}"
            )
        cap = self._settings.max_response_bytes
        too_large = (
            f"The answer for {subject} is larger than the {cap} byte limit and was not read. "
            "Ask for a smaller page_size."
        )
        return await read_capped(response, cap, too_large, subject)


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
