"""The vendored MCP Apps bundle is exactly the pinned release's file.

The sha256 pin is checked on every run. Where the same package is installed for the browser
tests (tests/e2e/node_modules, pinned by tests/e2e/package.json and its lockfile), the
vendored file must also be byte for byte the installed one; under CI that install must exist.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.clients import NODE_MODULES, in_ci

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "src" / "ultravox_calls_mcp" / "mcp" / "app" / "vendor"
PIN: dict[str, Any] = json.loads((VENDOR / "ext-apps.pin.json").read_text(encoding="utf-8"))
BUNDLE = VENDOR / "ext-apps-app-with-deps.js"
E2E = ROOT / "tests" / "e2e"


def test_the_vendored_bundle_matches_its_sha256_pin() -> None:
    assert hashlib.sha256(BUNDLE.read_bytes()).hexdigest() == PIN["sha256"]
    assert PIN["package"] == "@modelcontextprotocol/ext-apps"
    assert PIN["file"] == "dist/src/app-with-deps.js"
    assert (VENDOR / "ext-apps-LICENSE").read_text(encoding="utf-8").strip()


def test_the_browser_tests_pin_the_same_release_exactly() -> None:
    package = json.loads((E2E / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((E2E / "package-lock.json").read_text(encoding="utf-8"))
    assert package["dependencies"][PIN["package"]] == PIN["version"]
    locked = lock["packages"][f"node_modules/{PIN['package']}"]
    assert locked["version"] == PIN["version"]
    assert locked["integrity"] == PIN["npmIntegrity"]


def test_the_vendored_bundle_is_the_installed_packages_file() -> None:
    installed = NODE_MODULES / PIN["package"]
    if not (installed / "package.json").is_file():
        reason = f"{PIN['package']} is not installed under tests/e2e/node_modules"
        if in_ci():
            pytest.fail(f"{reason} (CI must compare the vendored file)")
        pytest.skip(f"{reason}; npm install --prefix tests/e2e --ignore-scripts")
    manifest = json.loads((installed / "package.json").read_text(encoding="utf-8"))
    assert manifest["version"] == PIN["version"]
    assert (installed / PIN["file"]).read_bytes() == BUNDLE.read_bytes()
