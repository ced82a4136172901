"""``ultravox-calls-mcp doctor`` against the sandbox served over real loopback HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ultravox_calls_mcp import config
from ultravox_calls_mcp.cli import main
from ultravox_calls_mcp.sandbox import SANDBOX_API_KEY, create_app, run_loopback

# Key-shaped like the sandbox's, and distinctive, so a leak is easy to spot.
WRONG_KEY = "wrongKey.LEAKCHECKdoNotPrint000000000000zz"
_CONFIG_VARS = [v for n, v in vars(config).items() if n.endswith("_ENV") and isinstance(v, str)]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Nothing from the machine (a real key, a cache dir) may leak into these runs.
    for var in _CONFIG_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with run_loopback(create_app()) as base_url:
        yield base_url


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    # Closed on leaving the block: connecting now is refused.
    return port


def _doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["doctor", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _line(output: str, start: str) -> str:
    (line,) = [ln for ln in output.splitlines() if ln.split(" ", 1)[-1].startswith(start)]
    return line


def test_doctor_passes_with_a_good_key_and_a_reachable_api(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sandbox_url: str
) -> None:
    monkeypatch.setenv(config.API_KEY_ENV, SANDBOX_API_KEY)
    monkeypatch.setenv(config.BASE_URL_ENV, sandbox_url)
    code, output = _doctor(capsys)
    assert code == 0, output
    assert _line(output, "API key").startswith("✓")
    assert f"set ({len(SANDBOX_API_KEY)} chars), accepted" in output
    assert _line(output, "Ultravox API").startswith("✓")
    assert output.rstrip().endswith("All checks passed.")
    assert SANDBOX_API_KEY not in output


def test_doctor_fails_a_wrong_key_with_advice_about_the_key_and_never_prints_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sandbox_url: str
) -> None:
    monkeypatch.setenv(config.API_KEY_ENV, WRONG_KEY)
    monkeypatch.setenv(config.BASE_URL_ENV, sandbox_url)
    code, output = _doctor(capsys)
    assert code == 1
    key_line = _line(output, "API key")
    assert key_line.startswith("✗")
    assert "rejected" in key_line
    assert "Ultravox console" in key_line
    assert _line(output, "Ultravox API").startswith("✓")
    assert WRONG_KEY not in output
    assert WRONG_KEY[:8] not in output


def test_doctor_fails_an_unreachable_base_url_with_advice_about_the_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(config.API_KEY_ENV, WRONG_KEY)
    monkeypatch.setenv(config.BASE_URL_ENV, f"http://127.0.0.1:{_closed_port()}")
    code, output = _doctor(capsys)
    assert code == 1
    api_line = _line(output, "Ultravox API")
    assert api_line.startswith("✗")
    assert "cannot connect" in api_line
    assert config.BASE_URL_ENV in api_line
    assert "not checked" in _line(output, "API key")
    assert WRONG_KEY not in output


def test_doctor_without_a_key_exits_2_and_names_the_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, output = _doctor(capsys)
    assert code == 2
    key_line = _line(output, "API key")
    assert key_line.startswith("✗")
    assert config.API_KEY_ENV in key_line
    assert "--sandbox" in key_line


def test_doctor_with_a_malformed_variable_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(config.API_KEY_ENV, WRONG_KEY)
    monkeypatch.setenv(config.MAX_CHARS_ENV, "lots")
    code, output = _doctor(capsys)
    assert code == 2
    assert config.MAX_CHARS_ENV in _line(output, "configuration")
    assert WRONG_KEY not in output


def test_doctor_reports_a_cache_directory_it_cannot_create(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sandbox_url: str,
    tmp_path: Path,
) -> None:
    # A regular file where a parent directory should be: fails even for root.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv(config.API_KEY_ENV, SANDBOX_API_KEY)
    monkeypatch.setenv(config.BASE_URL_ENV, sandbox_url)
    monkeypatch.setenv(config.CACHE_DIR_ENV, str(blocker / "cache"))
    code, output = _doctor(capsys)
    assert code == 1
    cache_line = _line(output, "audit cache")
    assert cache_line.startswith("✗")
    assert config.CACHE_DIR_ENV in cache_line
    assert f"{config.CACHE_ENV}=off" in cache_line


def test_doctor_creates_and_accepts_the_default_cache_directory(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sandbox_url: str,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv(config.API_KEY_ENV, SANDBOX_API_KEY)
    monkeypatch.setenv(config.BASE_URL_ENV, sandbox_url)
    code, output = _doctor(capsys)
    assert code == 0, output
    expected = tmp_path / "xdg-cache" / "ultravox-calls-mcp"
    assert _line(output, "audit cache") == f"✓ audit cache: {expected} is writable"
    assert expected.is_dir()


def test_doctor_accepts_a_cache_switched_off(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sandbox_url: str
) -> None:
    monkeypatch.setenv(config.API_KEY_ENV, SANDBOX_API_KEY)
    monkeypatch.setenv(config.BASE_URL_ENV, sandbox_url)
    monkeypatch.setenv(config.CACHE_ENV, "off")
    code, output = _doctor(capsys)
    assert code == 0, output
    assert _line(output, "audit cache").startswith("✓ audit cache: off")


@pytest.mark.parametrize("argv", [["doctor", "--sandbox"], ["--sandbox", "doctor"]])
def test_doctor_sandbox_runs_from_the_command_line_and_passes(
    argv: list[str], tmp_path: Path
) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-m", "ultravox_calls_mcp", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.rstrip().endswith("All checks passed.")
    assert "in-process sandbox" in completed.stdout
    assert SANDBOX_API_KEY not in completed.stdout + completed.stderr
