"""UltravoxClient: read-only access to calls, stages, messages, events, tools and agents.

One ``httpx2.AsyncClient`` per client, made on its first request; GET only; redirects
never followed;
ids validated and written canonically before a request is built; every
logical request bounded by ``settings.request_deadline`` (retries, backoff
and body included); bodies streamed under ``settings.max_response_bytes``.
"""

from __future__ import annotations

import copy
import functools
import logging
import random as _random
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Final, Literal, Self, TypeVar

import anyio
import httpx2
from pydantic import ConfigDict, TypeAdapter

from ..config import Settings
from .errors import ConnectionFailedError, InvalidRequestError
from .filters import CallFilters
from .ids import (
    EVENT_TYPE_PATTERN,
    IdName,
    canonical_uuid,
    check_choice,
    check_cursor,
    check_page_size,
    check_token,
)
from .models import Account, Agent, Call, CallEvent, CallStage, CallTool, Message, Voice
from .paging import Page, WirePage, iterate_items, iterate_pages
from .retry import RetryPolicy
from .transport import ApiTransport, Sleep, display_origin, parse_body
from .voices import VoiceNames

if TYPE_CHECKING:
    from .media import Audio, ByteRange

MessageMode = Literal["in_call", "last_stage"]
Severity = Literal["debug", "info", "warning", "error"]

T = TypeVar("T")

_MODES: Final = ("in_call", "last_stage")
_SEVERITIES: Final = ("debug", "info", "warning", "error")
_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)
_AGENT_SEARCH = re.compile(r"[^\x00-\x1f\x7f]{1,500}")

# Parametrised once: pydantic builds each validator a single time, on its first use (the
# wire models defer their build: a server that has not yet made a request pays nothing).
_CallPage = WirePage[Call]
_StagePage = WirePage[CallStage]
_MessagePage = WirePage[Message]
_EventPage = WirePage[CallEvent]
_AgentPage = WirePage[Agent]
_TOOLS = TypeAdapter(list[CallTool], config=ConfigDict(defer_build=True))


logger = logging.getLogger("ultravox_calls_mcp.api")


class UltravoxClient:
    """Async, read-only Ultravox API client. Use as ``async with UltravoxClient(...) as c``."""

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
        # Made on the first request, not here: the HTTP client loads the TLS trust store and
        # its connection layer, and the server builds this client before it can answer
        # initialize; a session that only lists tools needs none.
        make_api = functools.partial(
            ApiTransport,
            settings,
            transport=transport,
            retry_policy=retry_policy,
            sleep=sleep,
            random=random,
        )
        self._lazy = _LazyTransport(make_api)
        self._pause: Sleep | None = None
        # Shared by every view of this client (``with_retry_pause`` copies the reference).
        self.voice_names = VoiceNames(self.get_voice)

    @property
    def request_deadline(self) -> float:
        """Seconds one logical request may take, retries included (settings)."""
        return self._settings.request_deadline

    def __repr__(self) -> str:
        return f"UltravoxClient(base_url={display_origin(self._settings.base_url)!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._lazy.aclose()

    def with_retry_pause(self, pause: Sleep) -> UltravoxClient:
        """This client, sharing its connections, but pausing before each retry with
        ``pause``: the audit passes its back-off gate, so that a 429 seen by one of its
        concurrent requests holds back all of them."""
        view = copy.copy(self)
        view._pause = pause
        return view

    async def _get(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        subject: str,
        about: IdName | None = None,
    ) -> bytes:
        return await self._lazy.api().get(path, params, subject, about, pause=self._pause)

    # -- calls ---------------------------------------------------------------------------

    async def list_calls(
        self,
        filters: CallFilters | None = None,
        *,
        cursor: str | None = None,
        page_size: int | None = None,
    ) -> Page[Call]:
        if filters is not None and not isinstance(filters, CallFilters):
            raise InvalidRequestError("filters must be a CallFilters object.")
        query = filters.to_query() if filters is not None else []
        return await self._page("/api/calls", query, cursor, page_size, _CallPage, "call list")

    async def get_call(self, call_id: str) -> Call:
        cid = canonical_uuid(call_id, name="call_id")
        body = await self._get(f"/api/calls/{cid}", (), f"call {cid}", "call_id")
        return parse_body(body, Call.model_validate_json, f"call {cid}")

    async def list_call_messages(
        self,
        call_id: str,
        *,
        mode: MessageMode = "in_call",
        cursor: str | None = None,
        page_size: int | None = None,
    ) -> Page[Message]:
        cid = canonical_uuid(call_id, name="call_id")
        check_choice(mode, name="mode", choices=_MODES)
        path = f"/api/calls/{cid}/messages"
        return await self._page(
            path, [("mode", mode)], cursor, page_size, _MessagePage, f"call {cid}", "call_id"
        )

    # -- stages --------------------------------------------------------------------------

    async def list_call_stages(
        self, call_id: str, *, cursor: str | None = None, page_size: int | None = None
    ) -> Page[CallStage]:
        cid = canonical_uuid(call_id, name="call_id")
        path = f"/api/calls/{cid}/stages"
        return await self._page(path, [], cursor, page_size, _StagePage, f"call {cid}", "call_id")

    async def get_call_stage(self, call_id: str, call_stage_id: str) -> CallStage:
        cid = canonical_uuid(call_id, name="call_id")
        sid = canonical_uuid(call_stage_id, name="call_stage_id")
        subject = f"stage {sid} of call {cid}"
        body = await self._get(f"/api/calls/{cid}/stages/{sid}", (), subject, "call_stage_id")
        return parse_body(body, CallStage.model_validate_json, subject)

    async def list_stage_messages(
        self,
        call_id: str,
        call_stage_id: str,
        *,
        cursor: str | None = None,
        page_size: int | None = None,
    ) -> Page[Message]:
        cid = canonical_uuid(call_id, name="call_id")
        sid = canonical_uuid(call_stage_id, name="call_stage_id")
        path = f"/api/calls/{cid}/stages/{sid}/messages"
        subject = f"stage {sid} of call {cid}"
        return await self._page(path, [], cursor, page_size, _MessagePage, subject, "call_stage_id")

    # -- events and tools ----------------------------------------------------------------

    async def list_call_events(
        self,
        call_id: str,
        *,
        minimum_severity: Severity | None = None,
        event_type: str | None = None,
        cursor: str | None = None,
        page_size: int | None = None,
    ) -> Page[CallEvent]:
        cid = canonical_uuid(call_id, name="call_id")
        query: list[tuple[str, str]] = []
        if minimum_severity is not None:
            check_choice(minimum_severity, name="minimum_severity", choices=_SEVERITIES)
            query.append(("minimum_severity", minimum_severity))
        if check_token(event_type, name="event_type", pattern=_EVENT_TYPE) is not None:
            query.append(("type", event_type))  # type: ignore[arg-type]  # checked just above
        path = f"/api/calls/{cid}/events"
        return await self._page(
            path, query, cursor, page_size, _EventPage, f"call {cid}", "call_id"
        )

    async def list_call_tools(self, call_id: str) -> list[CallTool]:
        cid = canonical_uuid(call_id, name="call_id")
        body = await self._get(f"/api/calls/{cid}/tools", (), f"call {cid}", "call_id")
        return parse_body(body, _TOOLS.validate_json, f"tools of call {cid}")

    async def list_stage_tools(self, call_id: str, call_stage_id: str) -> list[CallTool]:
        cid = canonical_uuid(call_id, name="call_id")
        sid = canonical_uuid(call_stage_id, name="call_stage_id")
        subject = f"stage {sid} of call {cid}"
        body = await self._get(f"/api/calls/{cid}/stages/{sid}/tools", (), subject, "call_stage_id")
        return parse_body(body, _TOOLS.validate_json, subject)

    # -- audio ---------------------------------------------------------------------------

    async def get_message_audio(self, call_id: str, call_stage_id: str, index: int) -> Audio:
        """One message's audio (its callStageMessageIndex within the stage)."""
        cid = canonical_uuid(call_id, name="call_id")
        sid = canonical_uuid(call_stage_id, name="call_stage_id")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise InvalidRequestError("message_index must be a whole number, 0 or more.")
        subject = f"the audio of message {index} of stage {sid} (call {cid})"
        from .media import fetch_audio  # on first use: audio is the viewer's, not start-up's

        return await fetch_audio(
            self._lazy.api(),
            f"/api/calls/{cid}/stages/{sid}/messages/{index}/audio",
            subject,
            not_found=(
                f"Ultravox has no audio for message {index} of stage {sid} of call {cid} (404). "
                "Only spoken agent and caller messages have audio; tool calls, typed text and "
                "carried-over messages have none."
            ),
            pause=self._pause,
        )

    async def get_recording(
        self,
        call_id: str,
        *,
        byte_range: ByteRange | None = None,
        cap: int | None = None,
    ) -> Audio:
        """The call's recording, following the API's redirect to its storage host.
        ``byte_range``: only those bytes, if the server honours it (``Audio.partial``);
        ``cap``: the most bytes one read takes (default ``media.MAX_AUDIO_BYTES``)."""
        cid = canonical_uuid(call_id, name="call_id")
        from .media import MAX_AUDIO_BYTES, fetch_audio  # on first use: the viewer's alone

        return await fetch_audio(
            self._lazy.api(),
            f"/api/calls/{cid}/recording",
            f"the recording of call {cid}",
            not_found=(
                f"Ultravox has no recording for call {cid} (404): recording was off for this "
                "call, the call never connected, or the id is wrong."
            ),
            about="call_id",
            pause=self._pause,
            cap=MAX_AUDIO_BYTES if cap is None else cap,
            byte_range=byte_range,
        )

    # -- agents and account --------------------------------------------------------------

    async def list_agents(
        self, *, search: str | None = None, cursor: str | None = None, page_size: int | None = None
    ) -> Page[Agent]:
        query: list[tuple[str, str]] = []
        if search is not None:
            if not isinstance(search, str) or not _AGENT_SEARCH.fullmatch(search):
                raise InvalidRequestError("search must be plain text of 1 to 500 characters.")
            query.append(("search", search))
        return await self._page("/api/agents", query, cursor, page_size, _AgentPage, "agent list")

    async def get_agent(self, agent_id: str) -> Agent:
        aid = canonical_uuid(agent_id, name="agent_id")
        body = await self._get(f"/api/agents/{aid}", (), f"agent {aid}", "agent_id")
        return parse_body(body, Agent.model_validate_json, f"agent {aid}")

    async def get_voice(self, voice_id: str) -> Voice:
        vid = canonical_uuid(voice_id, name="voice_id")
        body = await self._get(f"/api/voices/{vid}", (), f"voice {vid}", "voice_id")
        return parse_body(body, Voice.model_validate_json, f"voice {vid}")

    async def get_account(self) -> Account:
        """The key's account; a cheap way to check that a key works."""
        body = await self._get("/api/accounts/me", (), "account")
        return parse_body(body, Account.model_validate_json, "account")

    # -- paging and requests -------------------------------------------------------------

    def iter_pages(
        self,
        fetch: Callable[[str | None], Awaitable[Page[T]]],
        *,
        start_cursor: str | None = None,
    ) -> AsyncIterator[Page[T]]:
        """Walk any list lazily from ``start_cursor``, guarded by ``settings.max_pages``:
        ``client.iter_pages(lambda c: client.list_call_stages(call_id, cursor=c))``."""
        check_cursor(start_cursor)
        return iterate_pages(fetch, max_pages=self._settings.max_pages, start_cursor=start_cursor)

    def iter_items(
        self,
        fetch: Callable[[str | None], Awaitable[Page[T]]],
        *,
        start_cursor: str | None = None,
    ) -> AsyncIterator[T]:
        """The items of every page ``iter_pages`` walks, still fetched lazily."""
        return iterate_items(self.iter_pages(fetch, start_cursor=start_cursor))

    async def _page(
        self,
        path: str,
        query: Sequence[tuple[str, str]],
        cursor: str | None,
        page_size: int | None,
        model: type[WirePage[T]],
        subject: str,
        about: IdName | None = None,
    ) -> Page[T]:
        size = check_page_size(page_size, self._settings.page_size)
        params = [*query, ("pageSize", str(size))]
        if check_cursor(cursor) is not None:
            params.append(("cursor", cursor))  # type: ignore[arg-type]  # checked just above
        body = await self._get(path, params, subject, about)
        return parse_body(body, model.model_validate_json, subject).to_page()


class _LazyTransport:
    """The ApiTransport, made on the first request and shared by every view of a client
    (``with_retry_pause``), so they share one connection pool."""

    def __init__(self, make: Callable[[], ApiTransport]) -> None:
        self._make = make
        self._made: ApiTransport | None = None
        self._closed = False

    def api(self) -> ApiTransport:
        if self._made is None:
            self._made = self._open()
        return self._made

    async def aclose(self) -> None:
        self._closed = True
        if self._made is not None:
            await self._made.aclose()

    def _open(self) -> ApiTransport:
        if self._closed:
            # What httpx2 says for a request on a closed client.
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        try:
            return self._make()
        except (OSError, ValueError, ImportError, httpx2.InvalidURL) as exc:
            # The environment is unusable: SSL_CERT_FILE names a missing file, a proxy or
            # the base URL does not parse, a SOCKS proxy lacks socksio. Neither the log nor
            # the model gets the exception's text: it can quote a proxy URL, user and host.
            logger.error("could not set up the HTTP client: %s", type(exc).__name__)
            raise ConnectionFailedError(
                f"Could not set up the connection to Ultravox ({type(exc).__name__}). Check "
                "ULTRAVOX_BASE_URL and, if set, SSL_CERT_FILE, SSL_CERT_DIR and the proxy "
                "variables (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY) in the server's environment."
            ) from None
