"""Audio from the API: one message's audio, or the call recording behind its redirects.

The recording endpoint answers with the audio, or with a 302 to a signed URL on a storage
host: a bearer link (whoever holds it can download). So:

- at most ``MAX_REDIRECTS`` redirects are followed; one more is refused;
- a redirect target must be https, except plain-http loopback when the configured API
  base URL is itself plain-http loopback (a local sandbox or test server);
- the API key goes only to the configured API origin (scheme, host and port); any other
  host is asked with a separate client that carries no credential and no cookie;
- a target holding a user name or password is refused;
- the body is capped at ``MAX_AUDIO_BYTES`` and the whole chain, retries included, at the
  request deadline;
- a signed URL is never logged or put in an error: only its host is named.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Final
from urllib.parse import urlsplit

import httpx2

from .errors import (
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    UltravoxError,
    UpstreamError,
    error_for_status,
)
from .exchange import Exchange, Sleep, media_type, read_capped
from .transport import ApiTransport

__all__ = ["MAX_AUDIO_BYTES", "MAX_REDIRECTS", "Audio", "fetch_audio", "sniff_wav"]

logger = logging.getLogger("ultravox_calls_mcp.api")

MAX_AUDIO_BYTES: Final = 50 * 1024 * 1024
MAX_REDIRECTS: Final = 3
_AUDIO_TYPES: Final = ("application/octet-stream", "binary/octet-stream")
_WAV_ALIASES: Final = ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave")
_MEDIA_TYPE = re.compile(r"[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}")
_HOST = re.compile(r"[A-Za-z0-9.:\[\]-]{1,255}")
_DEFAULT_PORTS: Final = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Audio:
    """Audio bytes and their media type (``audio/wav`` whenever the bytes are WAV)."""

    data: bytes = field(repr=False)
    media_type: str

    def __repr__(self) -> str:
        return f"Audio({self.media_type}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class _Hop:
    """A redirect answer: the status and the absolute target (a bearer link, maybe)."""

    status: int
    location: str


def sniff_wav(data: bytes) -> bool:
    return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _named(host: str) -> str:
    """A host as our messages may name it (it came from upstream: shape-checked)."""
    return host if _HOST.fullmatch(host) else "another host"


def _checked_target(location: str, base_url: str, subject: str) -> tuple[bool, str]:
    """Whether ``location`` is on the API origin, and its host; or our refusal."""
    try:
        parts = urlsplit(location)
        scheme, host, port = _origin(location)
    except ValueError:
        raise InvalidResponseError(
            f"The answer for {subject} redirected to something that is not a URL; not followed."
        ) from None
    if scheme not in _DEFAULT_PORTS or not host:
        raise InvalidResponseError(
            f"The answer for {subject} redirected to a target that is not an http(s) URL; "
            "not followed."
        )
    if parts.username is not None or parts.password is not None:
        raise InvalidResponseError(
            f"The answer for {subject} redirected to a URL holding a user name or password; "
            "not followed."
        )
    if (scheme, host, port) == _origin(base_url):
        return True, host
    if scheme != "https":
        base_scheme, base_host, _ = _origin(base_url)
        if not (_is_loopback(host) and base_scheme == "http" and _is_loopback(base_host)):
            raise InvalidResponseError(
                f"The answer for {subject} redirected to plain http on {_named(host)}; not "
                "followed: only https downloads are (plain-http loopback only when "
                "ULTRAVOX_BASE_URL is plain-http loopback itself)."
            )
    return False, host


def _storage_error(host: str, subject: str) -> Callable[[int, float | None], UltravoxError]:
    where = _named(host)

    def status_error(status: int, retry_after: float | None) -> UltravoxError:
        if status in (401, 403):
            return PermissionDeniedError(
                f"The storage host {where} refused the download of {subject} ({status}): the "
                "signed link may have expired. Ask again for a fresh link.",
                status_code=status,
            )
        if status == 404:
            return NotFoundError(
                f"The storage host {where} has no file for {subject} (404).", status_code=status
            )
        if 300 <= status < 400:
            return InvalidResponseError(
                f"The storage host {where} answered {status} without a target.",
                status_code=status,
            )
        return UpstreamError(
            f"The storage host {where} failed to send {subject} ({status}). Try again shortly.",
            status_code=status,
        )

    return status_error


async def fetch_audio(
    api: ApiTransport,
    path: str,
    subject: str,
    *,
    not_found: str,
    about: str | None = None,
    pause: Sleep | None = None,
    cap: int = MAX_AUDIO_BYTES,
) -> Audio:
    """The audio at ``path`` on the API, following redirects by the rules above.
    ``not_found``: our words for a 404 from the API."""
    too_large = f"The audio for {subject} is larger than the {cap:,} byte limit and was not read."

    def reader(source: str) -> Callable[[httpx2.Response], Awaitable[Audio | _Hop]]:
        async def read(response: httpx2.Response) -> Audio | _Hop:
            kind = media_type(response)
            if not kind.startswith("audio/") and kind not in _AUDIO_TYPES:
                shown = kind if _MEDIA_TYPE.fullmatch(kind) else "an unknown type"
                raise InvalidResponseError(
                    f"{source} answered the request for {subject} with {shown}, not audio."
                )
            data = await read_capped(response, cap, too_large, subject, source)
            if sniff_wav(data) or kind in _WAV_ALIASES:
                kind = "audio/wav"
            return Audio(data, kind)

        return read

    def api_status(status: int, retry_after: float | None) -> UltravoxError:
        if status == 404:
            return NotFoundError(not_found, status_code=status, about=about)
        if status in (409, 425):
            return UpstreamError(
                f"Ultravox has no audio for {subject} yet ({status}): a recording is ready "
                "only once the call has ended. Try again after it ends.",
                status_code=status,
            )
        return error_for_status(status, subject=subject, about=about, retry_after=retry_after)

    async def chain(deadline: float) -> Audio:
        exchange = replace(
            api.api_exchange(path, (), subject, about, reader("Ultravox"), on_redirect=_Hop),
            status_error=api_status,
        )
        for hops in range(MAX_REDIRECTS + 1):
            answer = await api.retry(exchange, deadline, pause)
            if isinstance(answer, Audio):
                return answer
            if hops == MAX_REDIRECTS:
                break
            on_api, host = _checked_target(answer.location, api.settings.base_url, subject)
            # Only the host is logged: the URL's query is the link's secret.
            logger.debug("%s: redirected (%d) to %s", path, answer.status, _named(host))
            if on_api:
                exchange = replace(exchange, url=answer.location, log_as=f"{path} (redirected)")
            else:
                exchange = Exchange(
                    http=api.bare_http(),
                    url=answer.location,
                    params=(),
                    log_as=f"storage host {_named(host)}",
                    read=reader(f"The storage host {_named(host)}"),
                    status_error=_storage_error(host, subject),
                    unreachable=(
                        f"Could not reach the storage host {_named(host)} holding {subject}. "
                        "Check the network connection and proxy settings."
                    ),
                    timed_out=(
                        f"The storage host {_named(host)} did not send {subject} in time. "
                        "Try again shortly."
                    ),
                    on_redirect=_Hop,
                )
        raise InvalidResponseError(
            f"The answer for {subject} redirected more than {MAX_REDIRECTS} times; stopped "
            "following."
        )

    return await api.within_deadline(subject, chain)
