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

A read may ask for a byte range (``Range: bytes=a-b``, sent to the API and, the same, to
the storage host after a redirect). A 206 answer is that slice, checked against what was
asked (its Content-Range starts where asked and ends no later; its total is the file's
size); a 200 answer is the whole file (the server ignored the range: the caller slices);
a 416 says the range starts past the end. The cap applies to each read.
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
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    UltravoxError,
    UpstreamError,
    error_for_status,
)
from .exchange import Exchange, Sleep, media_type, read_capped
from .transport import ApiTransport

__all__ = [
    "MAX_AUDIO_BYTES",
    "MAX_REDIRECTS",
    "Audio",
    "ByteRange",
    "fetch_audio",
    "sniff_wav",
]

logger = logging.getLogger("ultravox_calls_mcp.api")

MAX_AUDIO_BYTES: Final = 50 * 1024 * 1024
MAX_REDIRECTS: Final = 3
_AUDIO_TYPES: Final = ("application/octet-stream", "binary/octet-stream")
_WAV_ALIASES: Final = ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave")
_MEDIA_TYPE = re.compile(r"[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}")
_HOST = re.compile(r"[A-Za-z0-9.:\[\]-]{1,255}")
_DEFAULT_PORTS: Final = {"https": 443, "http": 80}
_CONTENT_RANGE = re.compile(r"bytes (\d{1,15})-(\d{1,15})/(\d{1,15}|\*)")

ByteRange = tuple[int, int | None]
"""First and last byte wanted, both included (None: to the end), as HTTP counts them."""


@dataclass(frozen=True)
class Audio:
    """Audio bytes and their media type (``audio/wav`` whenever the bytes are WAV)."""

    data: bytes = field(repr=False)
    media_type: str
    offset: int = 0  # where ``data`` starts in the file (not 0 only for a slice)
    file_size: int | None = None  # the whole file's, when the answer said (or was the file)
    partial: bool = False  # a 206 answer: ``data`` is the slice asked for, not the file

    def __repr__(self) -> str:
        where = f" at byte {self.offset} of {self.file_size}" if self.partial else ""
        return f"Audio({self.media_type}, {len(self.data)} bytes{where})"


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


def _range_header(byte_range: ByteRange) -> str:
    first, last = byte_range
    return f"bytes={first}-" if last is None else f"bytes={first}-{last}"


def _past_end(source: str, subject: str, byte_range: ByteRange | None) -> UltravoxError:
    if byte_range is not None and byte_range[0] == 0:
        return InvalidResponseError(
            f"{source} holds {subject} as an empty file (416 for its first byte): there is "
            "no audio to play.",
            status_code=416,
        )
    asked = "the bytes asked for" if byte_range is None else _range_header(byte_range)
    return InvalidRequestError(
        f"{source} has no {asked} of {subject} (416): the window starts past the end of the "
        "file. Ask for an earlier start.",
        status_code=416,
    )


def _checked_range(
    header: str, byte_range: ByteRange, source: str, subject: str
) -> tuple[int, int, int | None]:
    """First and last byte of a 206 answer, and the file's size (None when not told)."""
    match = _CONTENT_RANGE.fullmatch(header.strip())
    if match is None:
        raise InvalidResponseError(
            f"{source} answered with part of {subject} (206) without a readable Content-Range."
        )
    first, last = int(match[1]), int(match[2])
    total = None if match[3] == "*" else int(match[3])
    wanted_first, wanted_last = byte_range
    if (
        first != wanted_first
        or last < first
        or (wanted_last is not None and last > wanted_last)
        or (total is not None and last >= total)
    ):
        raise InvalidResponseError(
            f"{source} answered with bytes {first}-{last} of {subject}, not the "
            f"{_range_header(byte_range)} asked for; not used."
        )
    return first, last, total


def _storage_error(
    host: str, subject: str, byte_range: ByteRange | None = None
) -> Callable[[int, float | None], UltravoxError]:
    where = _named(host)

    def status_error(status: int, retry_after: float | None) -> UltravoxError:
        if status == 416:
            return _past_end(f"The storage host {where}", subject, byte_range)
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
    byte_range: ByteRange | None = None,
) -> Audio:
    """The audio at ``path`` on the API, following redirects by the rules above.
    ``not_found``: our words for a 404 from the API; ``byte_range``: only those bytes
    (the answer may still be the whole file: see ``Audio.partial``)."""
    too_large = f"The audio for {subject} is larger than the {cap:,} byte limit and was not read."
    # A range counts bytes as stored: a compressed transfer would count others.
    headers = (
        ()
        if byte_range is None
        else (("Range", _range_header(byte_range)), ("Accept-Encoding", "identity"))
    )

    def reader(source: str) -> Callable[[httpx2.Response], Awaitable[Audio | _Hop]]:
        async def read(response: httpx2.Response) -> Audio | _Hop:
            kind = media_type(response)
            if not kind.startswith("audio/") and kind not in _AUDIO_TYPES:
                shown = kind if _MEDIA_TYPE.fullmatch(kind) else "an unknown type"
                raise InvalidResponseError(
                    f"{source} answered the request for {subject} with {shown}, not audio."
                )
            span: tuple[int, int, int | None] | None = None
            if response.status_code == 206:
                if byte_range is None:
                    raise InvalidResponseError(
                        f"{source} answered with part of {subject} (206), though the whole "
                        "was asked for; not used."
                    )
                header = response.headers.get("content-range", "")
                span = _checked_range(header, byte_range, source, subject)
            if span is None:
                data = await read_capped(response, cap, too_large, subject, source)
            else:
                # No more than the range said: a longer body is refused as it streams.
                expected = span[1] - span[0] + 1
                data = await read_capped(
                    response,
                    min(cap, expected),
                    too_large
                    if expected > cap
                    else (
                        f"{source} sent more than the {expected:,} bytes of its range of "
                        f"{subject}; not used. Try again."
                    ),
                    subject,
                    source,
                )
            if sniff_wav(data) or kind in _WAV_ALIASES:
                kind = "audio/wav"
            if span is None:
                return Audio(data, kind, file_size=len(data))
            first, last, total = span
            if len(data) != last - first + 1:
                raise InvalidResponseError(
                    f"{source} sent {len(data):,} bytes of {subject} for a range of "
                    f"{last - first + 1:,}; not used. Try again."
                )
            return Audio(data, kind, offset=first, file_size=total, partial=True)

        return read

    def api_status(status: int, retry_after: float | None) -> UltravoxError:
        if status == 416:
            return _past_end("Ultravox", subject, byte_range)
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
            headers=headers,
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
                    status_error=_storage_error(host, subject, byte_range),
                    unreachable=(
                        f"Could not reach the storage host {_named(host)} holding {subject}. "
                        "Check the network connection and proxy settings."
                    ),
                    timed_out=(
                        f"The storage host {_named(host)} did not send {subject} in time. "
                        "Try again shortly."
                    ),
                    on_redirect=_Hop,
                    headers=headers,  # the same range: the storage host holds the file
                )
        raise InvalidResponseError(
            f"The answer for {subject} redirected more than {MAX_REDIRECTS} times; stopped "
            "following."
        )

    return await api.within_deadline(subject, chain)
