"""Settings refuse what could never work, in words that name the setting, not its value."""

from __future__ import annotations

import pytest

from ultravox_calls_mcp.api.transport import display_origin
from ultravox_calls_mcp.config import ConfigError, Settings


@pytest.mark.parametrize(
    "pasted",
    ["abcd1234.\u00e9fghijklmnopqrstuvwxyz0123456789", "abcd1234.\u00a0xyz", "abcd 1234.xyz"],
)
def test_a_key_that_cannot_be_sent_as_a_header_is_refused_at_start(pasted: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"ULTRAVOX_API_KEY": pasted})
    message = str(caught.value)
    assert "ULTRAVOX_API_KEY" in message
    assert "copy the key again" in message
    assert pasted.strip() not in message
    assert "abcd1234" not in message


def test_an_ordinary_key_is_kept() -> None:
    settings = Settings.from_env({"ULTRAVOX_API_KEY": " abcd1234.efgh5678 "})
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "abcd1234.efgh5678"


@pytest.mark.parametrize(
    ("base_url", "shown"),
    [
        ("https://user:pw@api.ultravox.ai/api/v1?x=1", "https://api.ultravox.ai"),
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123"),
        ("http://[::1]:8123/api", "http://[::1]:8123"),
        ("http://host:99999", "(not a valid URL)"),
    ],
)
def test_the_origin_shown_in_messages_has_no_userinfo_or_path(base_url: str, shown: str) -> None:
    assert display_origin(base_url) == shown


def test_sandbox_takes_the_environment_but_its_own_key_and_base_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ultravox_calls_mcp.cli import main
    from ultravox_calls_mcp.sandbox import generate_dataset

    monkeypatch.setenv("ULTRAVOX_MCP_SLOW_RESPONSE_SECONDS", "3")
    monkeypatch.setenv("ULTRAVOX_API_KEY", "wrongkey.NOTTHESANDBOXKEY000000000000000000")
    monkeypatch.setenv("ULTRAVOX_BASE_URL", "https://api.example.invalid")
    call_id = generate_dataset().notable.slow_after_tool.call_id
    assert main(["--sandbox", "try", "get_call_metrics", f"call_id={call_id}"]) == 0
    assert "2 over 3.0 s" in capsys.readouterr().out
