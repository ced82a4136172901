from __future__ import annotations

import pytest

from ultravox_calls_mcp.config import DEAD_AIR_ENV, SLOW_RESPONSE_ENV, ConfigError, Settings
from ultravox_calls_mcp.metrics import Thresholds


def test_defaults_are_two_seconds_slow_and_four_seconds_dead_air() -> None:
    assert Thresholds() == Thresholds(slow_response_seconds=2.0, dead_air_seconds=4.0)
    settings = Settings.from_env({})
    assert (settings.slow_response_seconds, settings.dead_air_seconds) == (2.0, 4.0)


def test_thresholds_are_read_from_the_environment() -> None:
    settings = Settings.from_env({SLOW_RESPONSE_ENV: " 1.5 ", DEAD_AIR_ENV: "8"})
    assert (settings.slow_response_seconds, settings.dead_air_seconds) == (1.5, 8.0)
    assert (SLOW_RESPONSE_ENV, DEAD_AIR_ENV) == (
        "ULTRAVOX_MCP_SLOW_RESPONSE_SECONDS",
        "ULTRAVOX_MCP_DEAD_AIR_SECONDS",
    )


def test_an_empty_variable_keeps_the_default() -> None:
    settings = Settings.from_env({SLOW_RESPONSE_ENV: "", DEAD_AIR_ENV: "  "})
    assert (settings.slow_response_seconds, settings.dead_air_seconds) == (2.0, 4.0)


@pytest.mark.parametrize("raw", ["fast", "0", "-1", "1e9", "2s"])
@pytest.mark.parametrize("name", [SLOW_RESPONSE_ENV, DEAD_AIR_ENV])
def test_a_bad_value_is_refused_naming_the_setting(name: str, raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: raw})
    field = "slow_response_seconds" if name == SLOW_RESPONSE_ENV else "dead_air_seconds"
    assert name in str(caught.value) or field in str(caught.value)


@pytest.mark.parametrize("value", [0.0, -2.0, float("nan"), 7200.0])
def test_a_bad_value_given_directly_is_refused_naming_the_field(value: float) -> None:
    with pytest.raises(ValueError, match="dead_air_seconds must be a number of seconds"):
        Thresholds(dead_air_seconds=value)
