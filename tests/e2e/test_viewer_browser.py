"""The call viewer in a real browser (Debian's Chromium via Playwright), inside a host page
built on the official ``@modelcontextprotocol/ext-apps/app-bridge``: what a person sees, hears
and can reach with the keyboard, and what the page must never do.

The page's tool calls are answered by ``FixtureRelay`` (the timeline JSON contract) until the
server has the app-only tools; then ``client_relay(client.call_tool)`` runs the same tests
against the real server. Skipped where Chromium, Playwright or the npm packages are missing;
under CI (``CI`` set) that is a failure instead.
"""

from __future__ import annotations

import math
import re
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.clients import in_ci
from tests.e2e.viewer_fixture import INJECTION, SAMPLE_CALL_ID, SAMPLE_STAGES, sample_timeline
from tests.e2e.viewer_harness import ARTIFACTS, ViewerPage, missing_browser_parts, open_viewer
from tests.e2e.viewer_relay import FixtureRelay
from ultravox_calls_mcp.viewer import MESSAGE_AUDIO_TOOL, RECORDING_TOOL, TIMELINE_TOOL

_MISSING = missing_browser_parts()
if _MISSING is not None:
    if in_ci():
        pytest.fail(f"{_MISSING} (CI must run the browser tests)", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)

from playwright.async_api import expect  # noqa: E402 - only once we know it is installed

pytestmark = pytest.mark.anyio

PAGE_SIZE = 15  # 39 messages: three pages
SHOW_CALL_RESULT = {
    "content": [
        {"type": "text", "text": "Call 8c1f2d3e: 2:11, 39 messages (timeline in the viewer)"}
    ],
    "structuredContent": {"callId": SAMPLE_CALL_ID},
}


def _relay() -> FixtureRelay:
    return FixtureRelay(sample_timeline(), page_size=PAGE_SIZE)


def _open(relay: FixtureRelay, **options: Any) -> AbstractAsyncContextManager[ViewerPage]:
    return open_viewer(relay, {"call_id": SAMPLE_CALL_ID}, tool_result=SHOW_CALL_RESULT, **options)


async def _ready(viewer: ViewerPage) -> None:
    assert await viewer.state() == "ready", await viewer.frame.locator("#status").text_content()


async def _shot(viewer: ViewerPage, name: str) -> Path:
    """The whole viewer as a person would see it, saved under tests/e2e/artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    # The window is sized to the viewer first (a full-page capture resizes it mid-shot, and
    # the sandboxed frame, drawn in its own process, can miss that frame), then two frames
    # are let through before the capture.
    size = viewer.page.viewport_size
    height = await viewer.page.locator("iframe#view").evaluate("f => f.offsetHeight")
    if size is not None:
        await viewer.page.set_viewport_size({"width": size["width"], "height": int(height)})
    await viewer.frame.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    await viewer.page.screenshot(path=str(path))
    return path


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


async def test_the_timeline_shows_stages_slow_reply_failed_tool_barge_in_and_dead_air() -> None:
    relay = _relay()
    async with _open(relay) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        for number in (1, 2):
            await expect(
                frame.locator(".stage-band .stage-label", has_text=f"Stage {number}")
            ).to_be_visible()
        slow = frame.locator(".gap.slow")
        await expect(slow).to_have_count(1)
        await expect(slow).to_have_text("4.1 s")
        await expect(slow).to_have_attribute(
            "title", re.compile(r"slower than 2\.0 s.*lookupAppointment")
        )
        failed = frame.locator(".span.tool.failed")
        await expect(failed).to_have_count(1)
        await expect(failed).to_have_text("lookupAppointment")
        await expect(frame.locator(".mark.barge-in")).to_be_visible()
        await expect(frame.locator(".mark.talk-over")).to_be_visible()
        await expect(frame.locator(".mark.dead-air")).to_have_text("12.0 s dead air")
        await expect(frame.locator(".event.error")).to_have_count(1)
        await expect(frame.locator(".figures div", has_text="Barge-ins")).to_have_text("Barge-ins1")
        # Every message is listed; the untimed one is listed but not drawn.
        messages = relay.timeline["messages"]
        speech = [m for m in messages if m["role"] in ("agent", "user") and m["start"] is not None]
        await expect(frame.locator("#transcript .line")).to_have_count(len(messages))
        await expect(frame.locator(".bar")).to_have_count(len(speech))
        # The host grew the iframe to the page's height (size-changed notifications).
        height = await viewer.page.locator("iframe#view").evaluate(
            "f => f.getBoundingClientRect().height"
        )
        assert height > 700
        await _shot(viewer, "call-viewer.png")
    assert relay.count(TIMELINE_TOOL) == math.ceil(len(messages) / PAGE_SIZE)
    cursors = [args.get("cursor") for name, args in relay.calls if name == TIMELINE_TOOL]
    assert cursors == [None, "offset:15", "offset:30"]
    assert not viewer.errors, viewer.errors


async def test_clicking_a_line_selects_its_bar_and_plays_its_audio() -> None:
    relay = _relay()
    async with _open(relay) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        line = frame.locator("#transcript .line.user", has_text="Maria Lopez, March third")
        await line.click()
        await expect(line).to_have_class(re.compile(r"\bselected\b"))
        await expect(frame.locator(".bar.user.selected")).to_have_count(1)
        await frame.wait_for_function("() => document.getElementById('audio').currentTime > 0.2")
        await expect(frame.locator("#now-playing")).to_contain_text("Playing Caller at 0:13.1")
        await expect(frame.locator("#play-recording")).to_have_text(
            "Play the recording around 0:13"
        )
        await frame.locator("#play-recording").click()
        await expect(frame.locator("#now-playing")).to_contain_text(
            "Playing the recording from 0:08"
        )
    audio_calls = [args for name, args in relay.calls if name == MESSAGE_AUDIO_TOOL]
    assert audio_calls == [
        {"call_id": SAMPLE_CALL_ID, "stage_id": SAMPLE_STAGES[0], "message_index": 3}
    ]
    recording = [args for name, args in relay.calls if name == RECORDING_TOOL]
    assert recording == [{"call_id": SAMPLE_CALL_ID, "start_seconds": 8.1, "duration_seconds": 30}]


async def test_clicking_a_bar_brings_its_line_into_the_transcript() -> None:
    async with _open(_relay()) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        last_bar = frame.locator(".bar.agent").last
        await last_bar.click()
        line = frame.locator("#transcript .line.selected")
        await expect(line).to_contain_text("Goodbye!")
        await expect(line).to_be_in_viewport()


async def test_the_transcript_follows_a_scroll_of_the_zoomed_timeline() -> None:
    async with _open(_relay()) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        for _ in range(3):
            await frame.locator("#zoom-in").click()
        await expect(frame.locator("#timeline")).to_have_attribute("style", "width: 800%;")
        first = frame.locator("#transcript .line").first
        await expect(first).to_be_in_viewport()
        # A person drags the timeline to its end: the transcript follows to the last lines.
        await frame.locator("#timeline-scroll").evaluate("s => { s.scrollLeft = s.scrollWidth; }")
        await expect(frame.locator("#transcript .line", has_text="Goodbye!")).to_be_in_viewport()
        await expect(first).not_to_be_in_viewport()


async def test_bars_and_lines_are_reached_and_pressed_with_the_keyboard() -> None:
    relay = _relay()
    async with _open(relay) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        await frame.locator("#transcript .line").first.focus()
        for _ in range(2):
            await viewer.page.keyboard.press("ArrowDown")
        focused = frame.locator("#transcript .line:focus")
        await expect(focused).to_contain_text("Of course. Can I have your name")
        await viewer.page.keyboard.press("Enter")
        await expect(focused).to_have_class(re.compile(r"\bselected\b"))
        # The timeline's bars are one Tab stop; arrows move along them, Space presses one.
        await frame.locator(".bar").first.focus()
        await viewer.page.keyboard.press("ArrowRight")
        await viewer.page.keyboard.press("Space")
        await expect(frame.locator("#transcript .line.selected")).to_contain_text(
            "move my cleaning"
        )
        tab_stops = await frame.evaluate("document.querySelectorAll('.bar[tabindex=\"0\"]').length")
        assert tab_stops == 1
    assert [args["message_index"] for name, args in relay.calls if name == MESSAGE_AUDIO_TOOL] == [
        2
    ]


async def test_the_page_follows_the_host_theme() -> None:
    async with _open(_relay(), host_context={"theme": "dark"}) as viewer:
        await _ready(viewer)
        background = "getComputedStyle(document.body).backgroundColor"
        dark = await viewer.frame.evaluate(background)
        await _shot(viewer, "call-viewer-dark.png")
        await viewer.page.evaluate("window.setHostTheme('light')")
        await viewer.frame.wait_for_function(
            "() => document.documentElement.dataset.theme === 'light'"
        )
        light = await viewer.frame.evaluate(background)
    assert _luminance(dark) < 0.15, dark
    assert _luminance(light) > 0.9, light


async def test_call_text_is_shown_as_text_and_runs_nothing() -> None:
    async with _open(_relay()) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        await expect(frame.locator("#transcript .line.user", has_text=INJECTION)).to_have_count(1)
        await expect(frame.locator("#events")).to_contain_text("<script>window.__pwned=2</script>")
        assert await frame.evaluate("typeof window.__pwned") == "undefined"
        assert await frame.evaluate("document.querySelectorAll('img').length") == 0
        assert await frame.evaluate("document.scripts.length") == 1


async def test_no_request_leaves_the_iframe() -> None:
    relay = _relay()
    async with _open(relay) as viewer:
        await _ready(viewer)
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


async def test_the_page_is_readable_at_400_pixels() -> None:
    async with _open(_relay(), width=400, height=800) as viewer:
        await _ready(viewer)
        frame = viewer.frame
        overflow = await frame.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await expect(frame.locator(".gap.slow")).to_be_visible()
        await expect(frame.locator("#transcript .line").first).to_be_visible()
        await _shot(viewer, "call-viewer-400px.png")


async def test_a_server_error_is_shown_in_its_own_words() -> None:
    relay = _relay()
    async with open_viewer(relay, {"call_id": "no-such-call"}) as viewer:
        assert await viewer.state() == "error"
        await expect(viewer.frame.locator("#status")).to_have_text(
            "No call with id 'no-such-call'."
        )
    assert relay.count(TIMELINE_TOOL) == 1
