"""Open the call viewer in Debian's Chromium, inside the test host page, through Playwright.

The host page (``viewer_host/``) and the official host library it imports (from
``node_modules/``) are served by a loopback static server; the viewer itself is loaded from
``viewer_html()`` into a sandboxed iframe, and its tool calls come back to Python through
``page.expose_function`` to whichever relay the test passes.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.e2e.viewer_relay import Relay
from ultravox_calls_mcp.mcp.app import TIMELINE_TOOL, viewer_html

if TYPE_CHECKING:
    from playwright.async_api import Browser, Dialog, Frame, Page

E2E = Path(__file__).resolve().parent
NODE_MODULES = E2E / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = E2E / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The tests check that clicking a line plays audio, without a real user gesture.
    "--autoplay-policy=no-user-gesture-required",
]
_SERVED = ("/viewer_host/", "/node_modules/")


def missing_browser_parts() -> str | None:
    """Why the browser tests cannot run here, with what installs the missing part; or None."""
    try:
        import playwright.async_api  # noqa: F401 - only probing that it is installed
    except ImportError:
        return "PyPI playwright is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.is_file() and shutil.which("chromium") is None:
        return "Debian chromium is not installed (apt-get install -y chromium)"
    if not (NODE_MODULES / "@modelcontextprotocol" / "ext-apps" / "package.json").is_file():
        return "@modelcontextprotocol/ext-apps is not installed under tests/e2e/node_modules"
    return None


def chromium_path() -> str:
    return str(CHROMIUM) if CHROMIUM.is_file() else str(shutil.which("chromium"))


class _StaticFiles(SimpleHTTPRequestHandler):
    """Serves the host page and node_modules only; JS modules with a JavaScript type."""

    extensions_map = {  # noqa: RUF012 - the base class reads this class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
    }

    def do_GET(self) -> None:
        if not self.path.startswith(_SERVED) or ".." in self.path:
            self.send_error(404)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server() -> Iterator[str]:
    """The test host's files on a free loopback port; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticFiles, directory=str(E2E)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class ViewerPage:
    page: Page
    frame: Frame
    origin: str
    # (url, True when the viewer's frame made the request)
    requests: list[tuple[str, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def state(self) -> str:
        """Wait until the viewer says it is done loading; its final state."""
        await self.frame.wait_for_function(
            "() => ['ready', 'error'].includes(document.body.dataset.state)"
        )
        state: str = await self.frame.evaluate("document.body.dataset.state")
        return state


@dataclass
class InPageTimeline:
    """Timeline answers made in advance and served by the host page itself, keyed by cursor
    ("" for the first page): what the viewer and the MCP Apps libraries cost, without the
    Playwright bridge to Python (hundreds of ms per large answer) in the figure."""

    pages: dict[str, dict[str, Any]]

    async def calls(self, viewer: ViewerPage) -> int:
        count: int = await viewer.page.evaluate("() => window.relayCalls")
        return count


_IN_PAGE_RELAY = """({ pages, tool }) => {
  window.relayCalls = 0;
  window.relayToolCall = async (name, args) => {
    window.relayCalls += 1;
    const page = name === tool ? pages[args.cursor ?? ''] : undefined;
    const missing = { type: 'text', text: 'not in the prepared answers' };
    return page ?? { isError: true, content: [missing] };
  };
}"""


@dataclass
class BrowserSession:
    """Chromium and the static server of the test host, shared by the viewers opened in it."""

    browser: Browser
    origin: str


@asynccontextmanager
async def browser_session() -> AsyncIterator[BrowserSession]:
    from playwright.async_api import async_playwright

    with static_server() as origin:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            try:
                yield BrowserSession(browser, origin)
            finally:
                await browser.close()


def _record_dialog(viewer: ViewerPage, dialog: Dialog) -> None:
    viewer.errors.append(f"dialog: {dialog.message}")
    asyncio.ensure_future(dialog.dismiss())  # noqa: RUF006 - Playwright's loop holds it


@asynccontextmanager
async def viewer_in(
    session: BrowserSession,
    relay: Relay | InPageTimeline,
    tool_input: dict[str, Any],
    *,
    tool_result: dict[str, Any] | None = None,
    host_context: dict[str, Any] | None = None,
    width: int = 1000,
    height: int = 900,
) -> AsyncIterator[ViewerPage]:
    """The viewer running in a fresh test host page, its tool calls answered by ``relay``."""
    context = await session.browser.new_context(viewport={"width": width, "height": height})
    try:
        page = await context.new_page()
        viewer = ViewerPage(page, page.main_frame, session.origin)
        page.on(
            "request", lambda r: viewer.requests.append((r.url, r.frame.parent_frame is not None))
        )
        page.on("pageerror", lambda e: viewer.errors.append(str(e)))
        # A dialog (alert, confirm) means something ran that should not have: recorded, closed.
        page.on("dialog", lambda d: _record_dialog(viewer, d))
        page.on("console", lambda m: viewer.errors.append(m.text) if m.type == "error" else None)
        if not isinstance(relay, InPageTimeline):
            await page.expose_function("relayToolCall", relay)
        await page.goto(f"{session.origin}/viewer_host/host.html")
        if isinstance(relay, InPageTimeline):  # set on the loaded page's window
            await page.evaluate(_IN_PAGE_RELAY, {"pages": relay.pages, "tool": TIMELINE_TOOL})
        await page.wait_for_function("() => typeof window.startViewer === 'function'")
        await page.evaluate(
            "args => window.startViewer(args)",
            {
                "html": viewer_html(),
                "toolInput": tool_input,
                "toolResult": tool_result,
                "hostContext": host_context or {"theme": "light"},
            },
        )
        handle = await page.query_selector("iframe#view")
        frame = None if handle is None else await handle.content_frame()
        assert frame is not None, "the host page has no viewer iframe"
        viewer.frame = frame
        yield viewer
    finally:
        await context.close()


@asynccontextmanager
async def open_viewer(
    relay: Relay, tool_input: dict[str, Any], **options: Any
) -> AsyncIterator[ViewerPage]:
    """``viewer_in`` a browser session of its own."""
    async with (
        browser_session() as session,
        viewer_in(session, relay, tool_input, **options) as viewer,
    ):
        yield viewer


def require_browser() -> None:
    """Skip the calling test module where the browser parts are missing (fail under CI)."""
    import pytest

    from tests.e2e.clients import in_ci

    missing = missing_browser_parts()
    if missing is not None:
        if in_ci():
            pytest.fail(f"{missing} (CI must run the browser tests)", pytrace=False)
        pytest.skip(missing, allow_module_level=True)


async def ready(viewer: ViewerPage) -> None:
    """The viewer finished loading without an error."""
    state = await viewer.state()
    assert state == "ready", await viewer.frame.locator("#status").text_content()


async def screenshot(viewer: ViewerPage, name: str) -> Path:
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
