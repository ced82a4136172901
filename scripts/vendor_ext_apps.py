"""Vendor the official MCP Apps `App` bundle into the package, pinned by version and sha256.

    python scripts/vendor_ext_apps.py            # the pinned version (VERSION below)
    python scripts/vendor_ext_apps.py 2.0.5      # move the pin to another release

The call viewer page must run with no network (the MCP Apps default CSP blocks every outside
connection), so it inlines ``@modelcontextprotocol/ext-apps``'s ``app-with-deps`` bundle. This
script takes that file from the npm registry with the ordinary npm client (``npm pack``, which
checks the registry's integrity hash), copies it and the package licence next to the viewer,
and writes the version and the file's sha256 into ``ext-apps.pin.json``.
``tests/mcp/app/test_vendored_bundle.py`` checks the pin on every run and compares the file
byte for byte with the package installed under ``tests/e2e/node_modules`` when it is there;
bump ``tests/e2e/package.json`` to the same version when moving the pin.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@modelcontextprotocol/ext-apps"
VERSION = "2.0.4"
BUNDLE_IN_PACKAGE = "dist/src/app-with-deps.js"
LICENSE_IN_PACKAGE = "LICENSE"

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "ultravox_calls_mcp" / "mcp" / "app" / "vendor"
BUNDLE = VENDOR / "ext-apps-app-with-deps.js"
LICENSE = VENDOR / "ext-apps-LICENSE"
PIN = VENDOR / "ext-apps.pin.json"


def _pack(version: str, into: Path) -> tuple[Path, str]:
    """The package tarball from the registry and its integrity string, via ``npm pack``."""
    completed = subprocess.run(  # noqa: S603 - fixed arguments, the machine's npm
        ["npm", "pack", f"{PACKAGE}@{version}", "--json", "--pack-destination", str(into)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if completed.returncode != 0:
        raise SystemExit(f"npm pack {PACKAGE}@{version} failed:\n{completed.stderr[-2000:]}")
    (info,) = json.loads(completed.stdout)
    if info.get("version") != version:
        raise SystemExit(f"npm pack gave version {info.get('version')!r}, not {version!r}")
    return into / info["filename"], str(info["integrity"])


def _member(archive: tarfile.TarFile, path: str) -> bytes:
    """One file of the tarball (npm puts everything under ``package/``), read, not extracted."""
    member = archive.getmember(f"package/{path}")
    handle = archive.extractfile(member)
    if handle is None:
        raise SystemExit(f"{path} is not a regular file in the {PACKAGE} tarball")
    return handle.read()


def vendor(version: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        tarball, integrity = _pack(version, Path(tmp))
        with tarfile.open(tarball) as archive:
            bundle = _member(archive, BUNDLE_IN_PACKAGE)
            licence = _member(archive, LICENSE_IN_PACKAGE)
    VENDOR.mkdir(parents=True, exist_ok=True)
    BUNDLE.write_bytes(bundle)
    LICENSE.write_bytes(licence)
    pin = {
        "package": PACKAGE,
        "version": version,
        "file": BUNDLE_IN_PACKAGE,
        "sha256": hashlib.sha256(bundle).hexdigest(),
        "npmIntegrity": integrity,
    }
    PIN.write_text(json.dumps(pin, indent=2) + "\n", encoding="utf-8")
    return pin


def main(argv: list[str]) -> int:
    version = argv[0] if argv else VERSION
    pin = vendor(version)
    print(f"vendored {PACKAGE}@{pin['version']} {pin['file']} sha256 {pin['sha256']}")
    e2e = json.loads((ROOT / "tests" / "e2e" / "package.json").read_text(encoding="utf-8"))
    if e2e.get("dependencies", {}).get(PACKAGE) != version:
        print(f"note: pin tests/e2e/package.json to {PACKAGE} {version} as well (npm install)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
