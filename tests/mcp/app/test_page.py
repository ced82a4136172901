"""The viewer page as the server ships it: one self-contained HTML document.

What it looks like and does in a browser is tested in tests/e2e/test_viewer_browser.py;
here, without a browser: it is whole, asks for nothing outside itself, names the tools the
contract names, and its own scripts never turn text into markup.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from ultravox_calls_mcp.mcp.app import viewer_html
from ultravox_calls_mcp.mcp.app.contract import (
    MESSAGE_AUDIO_TOOL,
    RECORDING_MAX_SECONDS,
    RECORDING_TOOL,
    RECORDING_WINDOW_SECONDS,
    TIMELINE_TOOL,
    page_contract,
)
from ultravox_calls_mcp.mcp.app.page import SCRIPTS, ViewerBuildError, bundle_as_expression

ASSETS = files("ultravox_calls_mcp.mcp.app").joinpath("assets")


def _own_scripts() -> dict[str, str]:
    return {name: ASSETS.joinpath(name).read_text(encoding="utf-8") for name in SCRIPTS}


def test_the_page_is_one_document_with_everything_inline() -> None:
    html = viewer_html()
    assert html.startswith("<!doctype html>")
    assert html.count("<script") == 1
    assert '<script type="module">' in html
    assert html.count("<style>") == 1
    assert "__VIEWER_" not in html  # every marker filled
    # Nothing is fetched: no src/href attribute, no @import, no url() in the page's own parts.
    markup = re.sub(r"<script type=\"module\">.*</script>", "", html, flags=re.DOTALL)
    assert not re.search(r"\b(src|href)\s*=", markup)
    assert "@import" not in markup
    assert "url(" not in markup


def test_the_page_calls_the_tools_the_contract_names() -> None:
    html = viewer_html()
    for name in (TIMELINE_TOOL, MESSAGE_AUDIO_TOOL, RECORDING_TOOL):
        assert f'"{name}"' in html
    assert page_contract()["tools"] == {
        "timeline": TIMELINE_TOOL,
        "messageAudio": MESSAGE_AUDIO_TOOL,
        "recording": RECORDING_TOOL,
    }
    assert RECORDING_WINDOW_SECONDS <= RECORDING_MAX_SECONDS


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_pages_own_scripts_never_parse_text_as_markup(name: str) -> None:
    source = _own_scripts()[name]
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        "DOMParser",
        "createContextualFragment",
        "setHTML",
    ):
        assert sink not in source, f"{name} uses {sink}"


def test_the_bundle_export_becomes_an_expression_of_the_names_the_page_uses() -> None:
    source = (
        "var a=1;class Q{};function f(){}\n"
        "export{Q as App,f as applyDocumentTheme,a as applyHostStyleVariables,a as Other};\n"
    )
    expression = bundle_as_expression(source)
    assert "export" not in expression
    assert expression.startswith("(() => {")
    assert "return {App:Q,applyDocumentTheme:f,applyHostStyleVariables:a};" in expression


@pytest.mark.parametrize(
    "source",
    [
        "var a=1;",  # no export at all
        "export{a as App};var b=2;",  # the export is not the last statement
        "export{a as App,a as applyDocumentTheme};",  # a name the page needs is gone
        "export{a as App};export{b as applyDocumentTheme,c as applyHostStyleVariables};",
    ],
)
def test_a_bundle_of_another_shape_is_refused_clearly(source: str) -> None:
    with pytest.raises(ViewerBuildError):
        bundle_as_expression(source)
