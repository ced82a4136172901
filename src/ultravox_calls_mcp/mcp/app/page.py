"""Build the call viewer: one self-contained HTML document (no network at run time).

The page's own CSS and scripts (``assets/``) and the vendored MCP Apps ``App`` bundle
(``vendor/``, pinned by ``scripts/vendor_ext_apps.py``) are inlined into ``assets/page.html``
once, on first use. The bundle is an ES module whose only ``export`` is its last statement;
it is wrapped in a function that returns the exported names instead, so the page's script
can use them from the same inline module without a second request.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files

from ultravox_calls_mcp.mcp.app.contract import page_contract

# The page's own scripts, in the order they are concatenated (later ones use earlier ones).
SCRIPTS = ("data.js", "layout.js", "timeline.js", "transcript.js", "player.js", "main.js")
BUNDLE = "ext-apps-app-with-deps.js"
# Names the page takes from the bundle; building fails if a new release drops one.
BUNDLE_NAMES = ("App", "applyDocumentTheme", "applyHostStyleVariables")

_EXPORT = re.compile(r"export\s*\{([^{}]*)\}\s*;?\s*\Z")
_EXPORT_ITEM = re.compile(r"^\s*([\w$]+)(?:\s+as\s+([\w$]+))?\s*$")
_CLOSING_TAG = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


class ViewerBuildError(RuntimeError):
    """The shipped assets cannot be put together (a packaging mistake, not user input)."""


def _asset(*parts: str) -> str:
    return files("ultravox_calls_mcp.mcp.app").joinpath(*parts).read_text(encoding="utf-8")


def bundle_as_expression(source: str) -> str:
    """The bundle as ``(() => { …; return {App: …, …}; })()`` — its exports, no ``export``."""
    match = _EXPORT.search(source)
    if match is None or source.count("export{") + source.count("export {") != 1:
        raise ViewerBuildError("the ext-apps bundle does not end in its one export statement")
    exported: dict[str, str] = {}
    for item in match.group(1).split(","):
        if not item.strip():
            continue
        parsed = _EXPORT_ITEM.match(item)
        if parsed is None:
            raise ViewerBuildError(f"unexpected export item in the ext-apps bundle: {item!r}")
        local, public = parsed.group(1), parsed.group(2) or parsed.group(1)
        exported[public] = local
    missing = [name for name in BUNDLE_NAMES if name not in exported]
    if missing:
        raise ViewerBuildError(f"the ext-apps bundle no longer exports {', '.join(missing)}")
    names = ",".join(f"{name}:{exported[name]}" for name in BUNDLE_NAMES)
    return f"(() => {{\n{source[: match.start()]}\nreturn {{{names}}};\n}})()"


def _inline_safe(text: str, what: str) -> str:
    # Inline code must not close its own element early (or open an HTML comment there).
    if _CLOSING_TAG.search(text):
        raise ViewerBuildError(f"{what} holds a closing tag and cannot be inlined")
    return text


def _fill(template: str, marker: str, value: str) -> str:
    if template.count(marker) != 1:
        raise ViewerBuildError(f"page.html must hold {marker} exactly once")
    return template.replace(marker, value)


@functools.cache
def viewer_html() -> str:
    """The viewer page, built once per process."""
    bundle = bundle_as_expression(_asset("vendor", BUNDLE))
    contract = json.dumps(page_contract(), separators=(",", ":"))
    script = "\n".join(
        [
            "const ExtApps = " + bundle + ";",
            "const CONTRACT = Object.freeze(" + contract + ");",
            *(_asset("assets", name) for name in SCRIPTS),
        ]
    )
    page = _asset("assets", "page.html")
    page = _fill(page, "/*__VIEWER_CSS__*/", _inline_safe(_asset("assets", "page.css"), "page.css"))
    return _fill(page, "/*__VIEWER_SCRIPT__*/", _inline_safe(script, "the page script"))
