"""Audio routes: per-message audio, the call recording, and the storage host it redirects to.

``GET /api/calls/{id}/recording`` answers as the real API may: a 302 to a signed URL on
another host (a bearer link: whoever holds it can download), or, with
``recording_redirect=False``, the WAV itself. The storage side is served by the same app
under ``/recordings/…``, but only to requests addressed to the storage host, and it
refuses any request that carries ``X-API-Key`` or ``Authorization``: a client that
forwards the API key across the redirect is caught there, not silently served.

Both routes that send the WAV honour ``Range: bytes=a-b`` (``a-``, ``-n``) as the storage
hosts behind real signed URLs (GCS, S3) do: 206 with ``Content-Range: bytes a-b/total``
and the slice, 416 for a range past the end; a header they cannot read is ignored (200,
the whole file). ``RecordingStore.ranges = False`` makes them ignore every range, like a
server without range support.

The storage origin is a setting (``storage_base_url``): a distinct made-up host in
process, a second loopback port when the app is served over real sockets
(``loopback.run_loopback_with_storage``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .audio import message_wav, recording_wav, speech_of
from .data import SandboxData
from .data.model import CallRecord
from .filters import is_uuid

DEFAULT_STORAGE_BASE_URL = "https://storage.sandbox.invalid"
WAV = "audio/wav"
_CACHED_RECORDINGS = 8  # a handful of calls; each is at most a few MB
_RANGE = re.compile(r"bytes=(\d{0,15})-(\d{0,15})")


class RecordingStore:
    """Signs recording URLs and builds each call's WAV once, on first request.

    Only calls someone asks for are ever rendered (never the 10,000-message stress call
    up front), and a small LRU keeps the last few. ``base_url`` may be changed after the
    app starts (a loopback storage port is known only then); so may ``ranges`` (whether
    byte ranges are honoured). ``plant`` sets a call's recording to given bytes (a test's
    long or malformed file), kept apart from the cache.
    """

    def __init__(
        self, data: SandboxData, base_url: str = DEFAULT_STORAGE_BASE_URL, *, ranges: bool = True
    ) -> None:
        self._data = data
        self.base_url = base_url.rstrip("/")
        self.ranges = ranges
        self._planted: dict[str, bytes] = {}
        self._key = hashlib.sha256(f"sandbox-storage/{data.seed}".encode()).digest()
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()  # loopback may serve the app from two threads

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def token(self, call_id: str) -> str:
        """The signed link's secret. Shaped like the dataset's canaries, so any sweep for
        ``sbxcanary_`` in logs or model output catches a leaked link."""
        digest = hmac.new(self._key, call_id.encode(), hashlib.sha256).hexdigest()
        return f"sbxcanary_recording_{digest[:32]}"

    def signed_url(self, call_id: str) -> str:
        return f"{self.base_url}/recordings/{call_id}.wav?token={self.token(call_id)}"

    @property
    def cached_calls(self) -> tuple[str, ...]:
        """Ids of the calls whose recording has been built (and is still cached)."""
        with self._lock:
            return tuple(self._cache)

    def plant(self, call_id: str, body: bytes) -> None:
        with self._lock:
            self._planted[call_id] = body

    def wav(self, record: CallRecord) -> bytes:
        with self._lock:
            planted = self._planted.get(record.call_id)
            if planted is not None:
                return planted
            cached = self._cache.get(record.call_id)
            if cached is not None:
                self._cache.move_to_end(record.call_id)
                return cached
            messages = [m for s in record.stages for m in s.messages[s.first_own :]]
            body = recording_wav(messages, record.duration_s or 0.0)
            self._cache[record.call_id] = body
            if len(self._cache) > _CACHED_RECORDINGS:
                self._cache.popitem(last=False)
            return body


def _detail(status: int, text: str) -> JSONResponse:
    return JSONResponse({"detail": text}, status_code=status)


def _span(asked: str, total: int) -> tuple[int, int] | None:
    """First and last byte (included) a Range header asks of ``total``; None to ignore it
    (absent, unreadable or several ranges: RFC 9110 lets a server send the whole);
    ``(total, total)`` when it cannot be satisfied."""
    match = _RANGE.fullmatch(asked.strip())
    if match is None or (match[1] == "" and match[2] == ""):
        return None
    if match[1] == "":  # bytes=-n: the last n bytes
        count = int(match[2])
        return (max(0, total - count), total - 1) if count > 0 and total > 0 else (total, total)
    first = int(match[1])
    if match[2] != "" and int(match[2]) < first:
        return None
    if first >= total:
        return (total, total)
    return first, total - 1 if match[2] == "" else min(int(match[2]), total - 1)


def _audio(request: Request, body: bytes, honour_ranges: bool) -> Response:
    """The WAV whole, or the slice a Range header asks for (see the module's note)."""
    asked = request.headers.get("range")
    span = _span(asked, len(body)) if asked is not None and honour_ranges else None
    accepts = {"Accept-Ranges": "bytes"} if honour_ranges else {}
    if span is None:
        return Response(body, media_type=WAV, headers=accepts)
    first, last = span
    if first >= len(body):
        return Response(
            b"", status_code=416, headers={**accepts, "Content-Range": f"bytes */{len(body)}"}
        )
    return Response(
        body[first : last + 1],
        status_code=206,
        media_type=WAV,
        headers={**accepts, "Content-Range": f"bytes {first}-{last}/{len(body)}"},
    )


Guard = Callable[[Request], Response | None]


def media_routes(
    data: SandboxData, store: RecordingStore, guard: Guard, *, redirect: bool
) -> list[Route]:
    """The three audio routes; ``guard`` is the API's own host, auth and method check."""

    def record_of(request: Request) -> CallRecord | None:
        call_id = str(request.path_params["call_id"])
        return data.call(call_id.lower()) if is_uuid(call_id) else None

    async def recording(request: Request) -> Response:
        refused = guard(request)
        if refused is not None:
            return refused
        record = record_of(request)
        if record is None or not record.call["recordingEnabled"] or not record.call["joined"]:
            return _detail(404, "Not found.")
        if record.call["ended"] is None:
            # Assumed, as sip_logs documents for its own not-yet-ready case.
            return _detail(425, "The recording is not available until the call has ended.")
        if redirect:
            return RedirectResponse(store.signed_url(record.call_id), status_code=302)
        return _audio(request, store.wav(record), store.ranges)

    async def message_audio(request: Request) -> Response:
        refused = guard(request)
        if refused is not None:
            return refused
        record = record_of(request)
        stage_id = str(request.path_params["call_stage_id"])
        stage = record.stage(stage_id.lower()) if record and is_uuid(stage_id) else None
        index = str(request.path_params["index"])
        if stage is None or not index.isdigit() or int(index) >= len(stage.messages):
            return _detail(404, "Not found.")
        speech = speech_of(stage.messages[int(index)])
        if speech is None:  # a tool message, typed text or carried-over history
            return _detail(404, "Not found.")
        return Response(message_wav(speech), media_type=WAV)

    async def stored_recording(request: Request) -> Response:
        if request.headers.get("host") != store.host:
            return PlainTextResponse("Not found.", status_code=404)
        if "x-api-key" in request.headers or "authorization" in request.headers:
            return PlainTextResponse(
                "Forbidden: a signed URL takes no credentials.", status_code=403
            )
        if request.method != "GET":
            return PlainTextResponse("Method not allowed.", status_code=405)
        name = str(request.path_params["name"])
        call_id = name.removesuffix(".wav")
        record = data.call(call_id) if name.endswith(".wav") and is_uuid(call_id) else None
        sent = request.query_params.get("token", "")
        if record is None or not record.call["recordingEnabled"]:
            return PlainTextResponse("Not found.", status_code=404)
        if not hmac.compare_digest(sent.encode(), store.token(call_id).encode()):
            return PlainTextResponse("Forbidden: bad or missing token.", status_code=403)
        return _audio(request, store.wav(record), store.ranges)

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    handlers: list[tuple[str, Callable[[Request], Awaitable[Response]]]] = [
        ("/api/calls/{call_id}/recording", recording),
        (
            "/api/calls/{call_id}/stages/{call_stage_id}/messages/{index}/audio",
            message_audio,
        ),
        ("/recordings/{name}", stored_recording),
    ]
    return [Route(path, handler, methods=methods) for path, handler in handlers]
