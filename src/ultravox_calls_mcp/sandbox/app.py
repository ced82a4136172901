"""The sandbox Ultravox API as a Starlette app: routes, auth, errors and request log.

Order of checks follows Django REST Framework: an unknown path is 404 before anything
else; then authentication (401); then the method (405); then ids (404) and parameters
(400). Layers, outermost first: request recording, faults, routing.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .data import SandboxData, generate_dataset
from .data.agents import voice_json
from .data.model import CallRecord, StageRecord
from .faults import FaultMiddleware, Faults
from .filters import filter_agents, filter_calls, filter_events, is_uuid
from .media import DEFAULT_STORAGE_BASE_URL, RecordingStore, media_routes
from .paging import PagingError, paginate

SANDBOX_API_KEY = "sandbox0.FAKEKEYnotREAL0000000000000000ab"
"""Key-shaped like a real key (8 alphanumerics '.' 32 alphanumerics) and obviously fake."""

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass
class RecordedRequest:
    """One request as it arrived, and the size of what it was sent back. The X-API-Key
    value is never kept, only whether it was sent. ``status`` and ``body_bytes`` fill in
    as the answer goes out (mutable for that alone)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    host: str | None
    had_api_key: bool
    range: str | None = None  # the Range header, as sent
    status: int | None = None
    body_bytes: int = 0

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)


class RequestLog(list[RecordedRequest]):
    """``app.state.requests``: a plain list (``clear()``, ``len()``) with two conveniences."""

    def paths(self) -> list[str]:
        return [r.path for r in self]

    def count_path(self, fragment: str) -> int:
        return sum(fragment in r.path for r in self)

    def body_bytes(self, fragment: str = "") -> int:
        """Bytes of answer bodies sent for paths holding ``fragment``."""
        return sum(r.body_bytes for r in self if fragment in r.path)


class _RecordRequests:
    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        host = headers.get("host")
        asked = headers.get("range")
        entry = RecordedRequest(
            method=scope["method"],
            path=scope["path"],
            query=parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True),
            host=host.decode("latin-1") if host is not None else None,
            had_api_key="x-api-key" in headers,
            range=asked.decode("latin-1") if asked is not None else None,
        )
        self.log.append(entry)

        async def counted(message: Message) -> None:
            # What went back, so tests can tell a window's bytes from a whole file's.
            if message["type"] == "http.response.start":
                entry.status = message["status"]
            elif message["type"] == "http.response.body":
                entry.body_bytes += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counted)


class _NotFound(Exception):
    pass


Handler = Callable[[Request, SandboxData], Any]


def create_app(
    data: SandboxData | None = None,
    *,
    api_key: str = SANDBOX_API_KEY,
    faults: Faults | None = None,
    default_page_size: int = 100,
    max_page_size: int = 200,
    storage_base_url: str = DEFAULT_STORAGE_BASE_URL,
    recording_redirect: bool = True,
    recording_ranges: bool = True,
) -> Starlette:
    """Build a fresh sandbox app. ``app.state`` holds ``data``, ``faults``, ``requests``
    and ``recordings`` (the ``RecordingStore``: signed URLs, their tokens, the storage
    origin). Recordings answer with a 302 to ``storage_base_url`` unless
    ``recording_redirect`` is False, then with the WAV itself (see ``media.py``); both
    honour a byte range unless ``recording_ranges`` is False (``store.ranges``)."""
    data = data if data is not None else generate_dataset()
    faults = faults if faults is not None else Faults()
    log = RequestLog()
    store = RecordingStore(data, storage_base_url, ranges=recording_ranges)

    def guard(request: Request) -> Response | None:
        if request.headers.get("host") == store.host:
            return _error(404, "Not found.")  # the storage host serves no API
        sent = request.headers.get("x-api-key")
        if sent is None:
            return _error(401, "Authentication credentials were not provided.")
        if not hmac.compare_digest(sent.encode(), api_key.encode()):
            return _error(401, "Invalid API key.")
        if request.method != "GET":
            return _error(405, f'Method "{request.method}" not allowed.')
        return None

    def endpoint(handler: Handler, paged: bool) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            refused = guard(request)
            if refused is not None:
                return refused
            try:
                body = handler(request, data)
                if paged:
                    body = paginate(request, body, default=default_page_size, maximum=max_page_size)
            except _NotFound:
                return _error(404, "Not found.")
            except PagingError as exc:
                return JSONResponse(exc.body, status_code=exc.status)
            return JSONResponse(body)

        return run

    routes = [
        Route(path, endpoint(handler, paged), methods=_ALL_METHODS)
        for path, handler, paged in _ROUTES
    ]
    routes += media_routes(data, store, guard, redirect=recording_redirect)
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.data = data
    app.state.faults = faults
    app.state.requests = log
    app.state.recordings = store
    app.add_middleware(FaultMiddleware, faults=faults)
    app.add_middleware(_RecordRequests, log=log)
    return app


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return _error(status, "Not found." if status == 404 else "Error.")


def _call(request: Request, data: SandboxData) -> CallRecord:
    call_id = request.path_params["call_id"]
    record = data.call(call_id.lower()) if is_uuid(call_id) else None
    if record is None:
        raise _NotFound
    return record


def _stage(request: Request, data: SandboxData) -> StageRecord:
    stage_id = request.path_params["call_stage_id"]
    stage = _call(request, data).stage(stage_id.lower()) if is_uuid(stage_id) else None
    if stage is None:
        raise _NotFound
    return stage


def _messages(request: Request, data: SandboxData) -> Any:
    record = _call(request, data)
    mode = request.query_params.get("mode") or "last_stage"
    if mode == "last_stage":
        # The real API's default: only the last stage, so earlier stages look lost.
        return record.stages[-1].messages
    if mode == "in_call":
        return [m for s in record.stages for m in s.messages[s.first_own :]]
    raise PagingError(400, {"mode": [f"“{mode}” is not a valid choice."]})


def _agent(request: Request, data: SandboxData) -> Any:
    agent_id = request.path_params["agent_id"]
    agent = data.agent(agent_id.lower()) if is_uuid(agent_id) else None
    if agent is None:
        raise _NotFound
    return agent


def _voices(request: Request, data: SandboxData) -> Any:
    search = request.query_params.get("search", "").strip().casefold()
    return [voice_json(n, v) for n, v in data.voices.items() if search in n.casefold()]


def _voice(request: Request, data: SandboxData) -> Any:
    voice_id = request.path_params["voice_id"]
    wanted = voice_id.lower() if is_uuid(voice_id) else None
    found = next((n for n, v in data.voices.items() if v == wanted), None)
    if found is None:
        raise _NotFound
    return voice_json(found, data.voices[found])


_ROUTES: list[tuple[str, Handler, bool]] = [
    ("/api/accounts/me", lambda r, d: d.account, False),
    ("/api/agents", lambda r, d: filter_agents(d.agents, r.query_params), True),
    ("/api/agents/{agent_id}", _agent, False),
    ("/api/calls", lambda r, d: [c.call for c in filter_calls(d.calls, r.query_params)], True),
    ("/api/calls/{call_id}", lambda r, d: _call(r, d).call, False),
    ("/api/calls/{call_id}/messages", _messages, True),
    ("/api/calls/{call_id}/stages", lambda r, d: [s.stage for s in _call(r, d).stages], True),
    ("/api/calls/{call_id}/stages/{call_stage_id}", lambda r, d: _stage(r, d).stage, False),
    (
        "/api/calls/{call_id}/stages/{call_stage_id}/messages",
        lambda r, d: _stage(r, d).messages,
        True,
    ),
    ("/api/calls/{call_id}/stages/{call_stage_id}/tools", lambda r, d: _stage(r, d).tools, False),
    (
        "/api/calls/{call_id}/events",
        lambda r, d: filter_events(_call(r, d).events, r.query_params),
        True,
    ),
    ("/api/calls/{call_id}/tools", lambda r, d: _call(r, d).tools, False),
    ("/api/voices", _voices, True),
    ("/api/voices/{voice_id}", _voice, False),
]
