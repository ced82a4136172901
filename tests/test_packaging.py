"""The package as a user installs it: build the wheel and sdist, install the wheel into a
fresh virtual environment, run the console script there.

Slow (a build and an install from PyPI), so it runs under CI (``CI`` set) or when
``ULTRAVOX_MCP_TEST_PACKAGING=1``; skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from ultravox_calls_mcp import __version__

ROOT = Path(__file__).resolve().parent.parent
_WANTED = os.environ.get("CI", "").lower() not in ("", "0", "false", "no") or (
    os.environ.get("ULTRAVOX_MCP_TEST_PACKAGING") == "1"
)
pytestmark = pytest.mark.skipif(
    not _WANTED, reason="slow; runs under CI or with ULTRAVOX_MCP_TEST_PACKAGING=1"
)


def _run(args: list[str | Path], timeout: float, **kwargs: object) -> str:
    completed = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
        **kwargs,  # type: ignore[call-overload]
    )
    assert completed.returncode == 0, (completed.stdout[-3000:], completed.stderr[-3000:])
    stdout: str = completed.stdout
    return stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT], 300)
    return out


def test_the_wheel_carries_the_package_its_typing_marker_and_entry_point(dist: Path) -> None:
    (wheel,) = dist.glob(f"ultravox_calls_mcp-{__version__}-py3-none-any.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ultravox_calls_mcp/py.typed" in names
    assert "ultravox_calls_mcp/doctor.py" in names
    # The call viewer's page is built from these at run time: they must ship.
    assert "ultravox_calls_mcp/mcp/app/assets/page.html" in names
    assert "ultravox_calls_mcp/mcp/app/vendor/ext-apps-app-with-deps.js" in names
    assert not any(name.startswith("tests/") for name in names)
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "ultravox-calls-mcp = ultravox_calls_mcp.cli:main" in text


def test_the_sdist_carries_the_manifests_and_the_tests(dist: Path) -> None:
    (sdist,) = dist.glob(f"ultravox_calls_mcp-{__version__}.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[-1] for name in archive.getnames()}
    assert {"manifests/manifest.json", "manifests/server.json", "pyproject.toml"} <= names
    assert "tests/test_packaging.py" in names
    assert not any("node_modules" in name for name in names)


def test_the_wheel_installed_in_a_fresh_venv_runs_try_list_calls(
    dist: Path, tmp_path: Path
) -> None:
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    _run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], 300)
    # A clean environment: nothing from this checkout or the machine's key.
    clean = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    output = _run(
        [bin_dir / "ultravox-calls-mcp", "--sandbox", "try", "list_calls", "page_size=3"],
        60,
        env=clean,
        cwd=tmp_path,
    )
    assert output.startswith("Calls 1–3 of ")
    version = _run([bin_dir / "ultravox-calls-mcp", "--version"], 60, env=clean, cwd=tmp_path)
    assert version.strip() == f"ultravox-calls-mcp {__version__}"
