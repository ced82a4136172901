"""The call viewer page's own behaviour in a real browser, on ``FixtureRelay``'s sample call:
one call holding every feature at once (two stages, a failed tool before a slow reply, a
barge-in, talk-over, 12 s of dead air, an untimed carried-over message, markup in a caller's
words and in an event), paged in small pages. ``test_viewer_browser.py`` drives the real
server; this file covers what the page does with any answer: paging, keyboard, zoom, theme,
narrow width. Skipped where the browser parts are missing (a failure under CI).
"""

from __future__ import annotations

import math
import re
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from tests.e2e.viewer_fixture import INJECTION, SAMPLE_CALL_ID, sample_timeline
from tests.e2e.viewer_harness import (
    ViewerPage,
    open_viewer,
    ready,
    require_browser,
    screenshot,
)
from tests.e2e.viewer_relay import FixtureRelay
from ultravox_calls_mcp.mcp.app import MESSAGE_AUDIO_TOOL, TIMELINE_TOOL

require_browser()

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


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


async def test_the_page_draws_every_mark_of_one_call_paged_in_small_pages() -> None:
    relay = _relay()
    async with _open(relay) as viewer:
        await ready(viewer)
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
    assert relay.count(TIMELINE_TOOL) == math.ceil(len(messages) / PAGE_SIZE)
    cursors = [args.get("cursor") for name, args in relay.calls if name == TIMELINE_TOOL]
    assert cursors == [None, "offset:15", "offset:30"]
    assert not viewer.errors, viewer.errors


async def test_clicking_a_bar_brings_its_line_into_the_transcript() -> None:
    async with _open(_relay()) as viewer:
        await ready(viewer)
        frame = viewer.frame
        last_bar = frame.locator(".bar.agent").last
        await last_bar.click()
        line = frame.locator("#transcript .line.selected")
        await expect(line).to_contain_text("Goodbye!")
        await expect(line).to_be_in_viewport()


async def test_the_transcript_follows_a_scroll_of_the_zoomed_timeline() -> None:
    async with _open(_relay()) as viewer:
        await ready(viewer)
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
        await ready(viewer)
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
        await ready(viewer)
        background = "getComputedStyle(document.body).backgroundColor"
        dark = await viewer.frame.evaluate(background)
        await screenshot(viewer, "call-viewer-dark.png")
        await viewer.page.evaluate("window.setHostTheme('light')")
        await viewer.frame.wait_for_function(
            "() => document.documentElement.dataset.theme === 'light'"
        )
        light = await viewer.frame.evaluate(background)
    assert _luminance(dark) < 0.15, dark
    assert _luminance(light) > 0.9, light


async def test_markup_in_speech_and_event_text_is_shown_as_text_and_runs_nothing() -> None:
    async with _open(_relay()) as viewer:
        await ready(viewer)
        frame = viewer.frame
        await expect(frame.locator("#transcript .line.user", has_text=INJECTION)).to_have_count(1)
        await expect(frame.locator("#events")).to_contain_text("<script>window.__pwned=2</script>")
        assert await frame.evaluate("typeof window.__pwned") == "undefined"
        assert await frame.evaluate("document.querySelectorAll('img').length") == 0
        assert await frame.evaluate("document.scripts.length") == 1


async def test_the_page_is_readable_at_400_pixels() -> None:
    async with _open(_relay(), width=400, height=800) as viewer:
        await ready(viewer)
        frame = viewer.frame
        overflow = await frame.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await expect(frame.locator(".gap.slow")).to_be_visible()
        await expect(frame.locator("#transcript .line").first).to_be_visible()
        await screenshot(viewer, "call-viewer-400px.png")
