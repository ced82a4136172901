"""Errors the Ultravox client raises, and the one place HTTP statuses become errors.

::

    UltravoxError                      every failure of the client; .status_code: int | None
    ├── InvalidRequestError            our input validation (zero requests sent); upstream 400/422
    ├── AuthenticationError            401: missing or rejected API key
    │   └── PermissionDeniedError      403: the key is valid but may not read this
    ├── NotFoundError                  404: no such call / stage / agent
    ├── RateLimitedError               429, or a Retry-After longer than we wait; .retry_after
    ├── UpstreamError                  5xx and statuses we do not expect
    ├── UpstreamUnavailableError       no usable answer from the network
    │   ├── ConnectionFailedError      refused, reset, DNS failure
    │   └── UpstreamTimeoutError       a socket timeout, or 408
    │       └── DeadlineExceededError  the whole logical request ran out of time
    ├── InvalidResponseError           redirect, non-JSON, bad JSON, wrong shape, cut off, too big
    └── PagingError                    a cursor repeated, or too many pages

Messages are written by us, for a reader who can act on them (often a model):
they never quote the upstream body, a URL's query, a header or the API key.
"""

from __future__ import annotations


class UltravoxError(Exception):
    """Base of every error the client raises."""

    def __init__(
        self, message: str, *, status_code: int | None = None, about: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        # The identifier the error is about ("call_id", "agent_id", ...) when a wrong or
        # unknown one caused it: the layer above knows where valid ones come from.
        self.about = about

    def __str__(self) -> str:
        return self.message


class InvalidRequestError(UltravoxError):
    """The request was malformed: caught by our validation, or rejected upstream (400/422)."""


class AuthenticationError(UltravoxError):
    """No API key, or Ultravox rejected it."""


class PermissionDeniedError(AuthenticationError):
    """The key is known but not allowed to read this resource."""


class NotFoundError(UltravoxError):
    """The call, stage or agent does not exist (for this account)."""


class RateLimitedError(UltravoxError):
    """Ultravox asked us to slow down for longer than we are willing to wait."""

    def __init__(
        self, message: str, *, status_code: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class UpstreamError(UltravoxError):
    """Ultravox failed (5xx) or answered with a status we do not handle."""


class UpstreamUnavailableError(UltravoxError):
    """We could not get an answer at all."""


class ConnectionFailedError(UpstreamUnavailableError):
    """The connection could not be made or was dropped before a response."""


class UpstreamTimeoutError(UpstreamUnavailableError):
    """Ultravox took too long to answer."""


class DeadlineExceededError(UpstreamTimeoutError):
    """All attempts of one request together exceeded the configured deadline."""


class InvalidResponseError(UltravoxError):
    """The answer was not the JSON we expect (or was a redirect, or too large)."""


class PagingError(UltravoxError):
    """Paging would loop or run away: a repeated cursor, or more pages than allowed."""


def error_for_status(
    status: int, *, subject: str, about: str | None = None, retry_after: float | None = None
) -> UltravoxError:
    """Map a non-2xx HTTP status to our error, worded for someone who can fix the cause.

    ``subject`` names what was asked for ("call 3f2c…", "call list");
    ``about`` names the identifier a 404 is about (None: the path itself, i.e. the base URL).
    """
    if 300 <= status < 400:
        return InvalidResponseError(
            f"Ultravox answered a request for {subject} with a redirect ({status}); "
            "redirects are never followed. Check that ULTRAVOX_BASE_URL points at the API "
            "(https://api.ultravox.ai).",
            status_code=status,
        )
    if status in (400, 422):
        return InvalidRequestError(
            f"Ultravox rejected the parameters of a request for {subject} ({status}). "
            "Check ids, dates, durations and filters, then try again.",
            status_code=status,
        )
    if status == 401:
        return AuthenticationError(
            "Ultravox rejected the API key (401). Set ULTRAVOX_API_KEY to a valid key "
            "from the Ultravox console.",
            status_code=status,
        )
    if status == 403:
        return PermissionDeniedError(
            f"The API key may not read {subject} (403). Use a key of the account that owns it.",
            status_code=status,
        )
    if status == 404:
        if about is None:
            return NotFoundError(
                f"Ultravox has no {subject} (404). Check that ULTRAVOX_BASE_URL points at the "
                "Ultravox API.",
                status_code=status,
            )
        return NotFoundError(f"Ultravox has no {subject} (404).", status_code=status, about=about)
    if status == 408:
        return UpstreamTimeoutError(
            f"Ultravox timed out answering a request for {subject} (408). Try again shortly.",
            status_code=status,
        )
    if status == 429:
        return RateLimitedError(
            f"Ultravox is rate limiting requests (429){_wait_hint(retry_after)}.",
            status_code=status,
            retry_after=retry_after,
        )
    if 500 <= status < 600:
        return UpstreamError(
            f"Ultravox failed to answer a request for {subject} ({status}). "
            f"Try again shortly{_wait_hint(retry_after)}.",
            status_code=status,
        )
    return UpstreamError(
        f"Ultravox answered a request for {subject} with an unexpected status ({status}).",
        status_code=status,
    )


def retry_after_too_long(status: int, retry_after: float, cap: float) -> RateLimitedError:
    """The server asked for a pause longer than we wait within one request."""
    return RateLimitedError(
        f"Ultravox asked to wait {retry_after:.0f} s before retrying ({status}), longer than "
        f"this client waits ({cap:.0f} s). Try again after that time.",
        status_code=status,
        retry_after=retry_after,
    )


def _wait_hint(retry_after: float | None) -> str:
    return "" if retry_after is None else f"; retry after {retry_after:.0f} s"
