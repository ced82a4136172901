"""The call viewer in a real browser (Debian's Chromium via Playwright), inside a host page
built on the official ``@modelcontextprotocol/ext-apps/app-bridge``, talking to the REAL
server: the host relays the page's ``tools/call`` through an MCP client (``ServerRelay``) to
``build_server`` over the in-process sandbox, so the planted calls' timelines and their
real WAV audio are what a person sees and hears. Skipped where Chromium, Playwright or the
npm packages are missing; under CI (``CI`` set) that is a failure instead.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette

from mcp import Client
from tests.e2e.viewer_harness import (
    BrowserSession,
    ViewerPage,
    browser_session,
    ready,
    require_browser,
    screenshot,
    viewer_in,
)
from tests.e2e.viewer_relay import ServerRelay, client_relay
from tests.mcp.conftest import connect
from ultravox_calls_mcp.mcp.app import (
    MESSAGE_AUDIO_TOOL,
    RECORDING_TOOL,
    SHOW_CALL_TOOL,
    TIMELINE_TOOL,
)
from ultravox_calls_mcp.sandbox import SandboxData, create_app
from ultravox_calls_mcp.sandbox.data.planted_fidelity import HTML_NAME, HTML_SCRIPT

require_browser()

from playwright.async_api import expect  # noqa: E402 - only once we know it is installed

pytestmark = pytest.mark.anyio


@pytest.fixture
def app() -> Starlette:
    return create_app()


@pytest.fixture
def data(app: Starlette) -> SandboxData:
    result: SandboxData = app.state.data
    return result


@asynccontextmanager
async def _server(app: Starlette) -> AsyncIterator[tuple[Client, BrowserSession]]:
    async with connect(app) as client, browser_session() as session:
        yield client, session


@asynccontextmanager
async def _show(
    client: Client, session: BrowserSession, call_id: str, **options: Any
) -> AsyncIterator[tuple[ViewerPage, ServerRelay]]:
    """What a host does for show_call: call it, open its ui:// page, hand it the tool's
    input and result, and relay the page's tool calls to the server."""
    shown = await client_relay(client.call_tool)(SHOW_CALL_TOOL, {"call_id": call_id})
    relay = ServerRelay(client.call_tool)
    args = {"call_id": call_id}
    async with viewer_in(session, relay, args, tool_result=shown, **options) as viewer:
        yield viewer, relay


async def _slow_label(client: Client, call_id: str, index: int) -> str:
    """The slow reply's label as the page writes it, from the server's own numbers."""
    page = (await client.call_tool(TIMELINE_TOOL, {"call_id": call_id})).structured_content
    assert page is not None
    (turn,) = [t for t in page["metrics"]["turns"] if t["index"] == index]
    assert turn["slow"]
    return f"{turn['latency']:.1f} s"


async def test_planted_calls_show_stages_a_slow_reply_a_failed_tool_and_a_barge_in(
    app: Starlette, data: SandboxData
) -> None:
    notable = data.notable
    async with _server(app) as (client, session):
        async with _show(client, session, notable.multi_stage_call_id) as (viewer, relay):
            await ready(viewer)
            frame = viewer.frame
            for number in (1, 2):
                band = frame.locator(".stage-band .stage-label", has_text=f"Stage {number}")
                await expect(band).to_be_visible()
            await expect(frame.locator(".gap.slow")).to_have_count(4)  # its four slow replies
            await expect(frame.locator("#transcript .line")).to_have_count(39)
            # The README's picture (docs/images/call-viewer.png) is copied from this one.
            await screenshot(viewer, "call-viewer.png")
            assert relay.count(TIMELINE_TOOL) == 1
            assert not viewer.errors, viewer.errors

        slow = notable.slow_after_tool
        label = await _slow_label(client, slow.call_id, slow.message_index)
        async with _show(client, session, slow.call_id) as (viewer, _):
            await ready(viewer)
            gap = viewer.frame.locator(".gap.slow", has_text=label)
            await expect(gap).to_be_visible()
            title = re.compile(rf"slower than 2\.0 s.*{notable.slow_tool_name}")
            await expect(gap).to_have_attribute("title", title)

        async with _show(client, session, notable.failed_tool_call_id) as (viewer, _):
            await ready(viewer)
            failed = viewer.frame.locator(".span.tool.failed")
            await expect(failed).to_have_count(1)
            await expect(failed).to_have_text("bookAppointment")

        async with _show(client, session, notable.barge_in.call_id) as (viewer, _):
            await ready(viewer)
            await expect(viewer.frame.locator(".mark.barge-in")).to_have_count(1)
            await expect(viewer.frame.locator(".mark.barge-in")).to_be_visible()
            await expect(viewer.frame.locator(".figures div", has_text="Barge-ins")).to_have_text(
                "Barge-ins1"
            )


async def test_clicking_a_line_plays_its_audio_from_the_sandbox_through_the_server(
    app: Starlette, data: SandboxData
) -> None:
    case = data.notable.barge_in
    record = data.call(case.call_id)
    assert record is not None
    async with (
        _server(app) as (client, session),
        _show(client, session, case.call_id) as (
            viewer,
            relay,
        ),
    ):
        await ready(viewer)
        frame = viewer.frame
        line = frame.locator("#transcript .line.user").first
        await line.click()
        await expect(line).to_have_class(re.compile(r"\bselected\b"))
        await frame.wait_for_function("() => document.getElementById('audio').currentTime > 0.2")
        await expect(frame.locator("#now-playing")).to_contain_text("Playing Caller at")
        await frame.locator("#play-recording").click()
        await expect(frame.locator("#now-playing")).to_contain_text("Playing the recording from")
        await frame.wait_for_function(
            "() => { const a = document.getElementById('audio');"
            " return a.src.length > 0 && a.currentTime > 0.2 && !a.paused; }"
        )
        assert not viewer.errors, viewer.errors
    (audio_call,) = [args for name, args in relay.calls if name == MESSAGE_AUDIO_TOOL]
    user_index = next(
        i for i, m in enumerate(record.stages[0].messages) if m["role"] == "MESSAGE_ROLE_USER"
    )
    assert audio_call == {
        "call_id": case.call_id,
        "stage_id": case.stage_id,
        "message_index": user_index,
    }
    assert relay.count(RECORDING_TOOL) == 1


async def test_markup_in_a_callers_words_is_shown_and_runs_nothing(
    app: Starlette, data: SandboxData
) -> None:
    case = data.notable.html_injection
    async with (
        _server(app) as (client, session),
        _show(client, session, case.call_id) as (
            viewer,
            _,
        ),
    ):
        await ready(viewer)
        frame = viewer.frame
        lines = frame.locator("#transcript .line.user")
        await expect(lines.filter(has_text=HTML_NAME)).to_have_count(1)
        await expect(lines.filter(has_text=HTML_SCRIPT)).to_have_count(1)
        assert await frame.evaluate("document.querySelectorAll('img').length") == 0
        assert await frame.evaluate("document.scripts.length") == 1
        errors = list(viewer.errors)
    assert not any(error.startswith("dialog:") for error in errors), errors


async def test_no_request_leaves_the_iframe(app: Starlette, data: SandboxData) -> None:
    async with (
        _server(app) as (client, session),
        _show(client, session, data.notable.dead_air.call_id) as (viewer, relay),
    ):
        await ready(viewer)
        await viewer.frame.locator("#transcript .line.agent").first.click()
        await viewer.frame.wait_for_function(
            "() => document.getElementById('audio').currentTime > 0"
        )
        requests = list(viewer.requests)
    assert relay.count(MESSAGE_AUDIO_TOOL) == 1
    from_the_viewer = [
        url for url, in_iframe in requests if in_iframe and not url.startswith("data:")
    ]
    assert from_the_viewer == []
    assert all(url.startswith(viewer.origin) for url, in_iframe in requests if not in_iframe)


async def test_a_server_error_is_shown_in_its_own_words(app: Starlette) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    async with _server(app) as (client, session), _show(client, session, unknown) as (viewer, _):
        assert await viewer.state() == "error"
        await expect(viewer.frame.locator("#status")).to_contain_text(
            f"Ultravox has no call {unknown} (404)"
        )
