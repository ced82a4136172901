"""Settings read from the environment: where the API is, the key, budgets and limits.

The API key is held as a ``SecretStr`` so that it cannot reach a repr, a log
line or an exception message by accident; only the HTTP client unwraps it, to
put it in the ``X-API-Key`` header.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

DEFAULT_BASE_URL = "https://api.ultravox.ai"
API_KEY_ENV = "ULTRAVOX_API_KEY"
BASE_URL_ENV = "ULTRAVOX_BASE_URL"
MAX_CHARS_ENV = "ULTRAVOX_MCP_MAX_CHARS"
PAGE_SIZE_ENV = "ULTRAVOX_MCP_PAGE_SIZE"
TIMEOUT_ENV = "ULTRAVOX_MCP_TIMEOUT"
# Shared secret HTTP clients present as "Authorization: Bearer …"; required off loopback.
HTTP_TOKEN_ENV = "ULTRAVOX_MCP_HTTP_TOKEN"  # noqa: S105 - the variable's name, not a secret
# The on-disk cache of ended calls (audit tools) and how many calls an audit loads at once.
CACHE_DIR_ENV = "ULTRAVOX_MCP_CACHE_DIR"
CACHE_ENV = "ULTRAVOX_MCP_CACHE"
CACHE_MAX_MB_ENV = "ULTRAVOX_MCP_CACHE_MAX_MB"
CONCURRENCY_ENV = "ULTRAVOX_MCP_CONCURRENCY"
# Call metrics: a turn slower than this is a slow response; a silence this long, dead air.
SLOW_RESPONSE_ENV = "ULTRAVOX_MCP_SLOW_RESPONSE_SECONDS"
DEAD_AIR_ENV = "ULTRAVOX_MCP_DEAD_AIR_SECONDS"
_OFF = ("0", "off", "false", "no")
# The largest page Ultravox is known to grant; the API's maximum is undocumented and a
# larger request is clamped upstream. Bounds the setting, the tools' page_size and the
# client's own check alike.
MAX_PAGE_SIZE = 200


class ConfigError(ValueError):
    """The environment or the command line holds a value we cannot use."""


class Settings(BaseModel):
    """Everything configurable, with defaults that suit an interactive assistant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr | None = None
    base_url: str = DEFAULT_BASE_URL
    # Characters one tool result may hand the model (text and structured copy together).
    max_chars: int = Field(default=24_000, ge=2_000, le=1_000_000)
    # Rows asked of the API per page; the API may clamp it lower.
    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE)
    # Per-phase socket timeouts (seconds).
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    # Wall-clock bound for one logical request including its retries.
    request_deadline: float = Field(default=60.0, gt=0)
    # Largest response body we accept; a bigger one is aborted, not buffered.
    max_response_bytes: int = Field(default=32 * 1024 * 1024, ge=1_024)
    # Pages one iteration may walk before stopping with an error instead of looping.
    max_pages: int = Field(default=1_000, ge=1)
    # Cache of ended calls for the audit tools. None: $XDG_CACHE_HOME (or ~/.cache)
    # /ultravox-calls-mcp, except for the in-process sandbox, which caches in memory.
    cache_dir: Path | None = None
    cache_enabled: bool = True
    cache_max_bytes: int = Field(default=512 * 1024 * 1024, ge=64 * 1024)
    # Calls an audit loads at once (each one request at a time).
    audit_concurrency: int = Field(default=8, ge=1, le=64)
    # Call metrics' thresholds (see metrics/): defaults for every tool that reports timing.
    slow_response_seconds: float = Field(default=2.0, gt=0, le=3_600)
    dead_air_seconds: float = Field(default=4.0, gt=0, le=3_600)
    # The base URL is the built-in sandbox (made-up data): cached in memory, not on disk.
    sandbox: bool = False

    @field_validator("api_key")
    @classmethod
    def _api_key_fits_a_header(cls, value: SecretStr | None) -> SecretStr | None:
        # Sent as the X-API-Key header: a pasted key holding a non-ASCII letter or a
        # non-breaking space could not be sent at all. Said here, without the value.
        if value is not None:
            key = value.get_secret_value()
            if not (key.isascii() and key.isprintable()) or " " in key:
                raise ValueError(
                    f"{API_KEY_ENV} holds a character an API key cannot contain (a space, "
                    "a non-ASCII letter or a control character); copy the key again from "
                    "the Ultravox console"
                )
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("base URL must start with https:// or http://")
        return value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from environment variables; explicit overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        key = env.get(API_KEY_ENV, "").strip()
        if key:
            values["api_key"] = SecretStr(key)
        if base := env.get(BASE_URL_ENV, "").strip():
            values["base_url"] = base
        for name, var in (
            ("max_chars", MAX_CHARS_ENV),
            ("page_size", PAGE_SIZE_ENV),
        ):
            if raw := env.get(var, "").strip():
                values[name] = _parse_int(var, raw)
        if raw := env.get(TIMEOUT_ENV, "").strip():
            values["request_deadline"] = _parse_float(TIMEOUT_ENV, raw)
        for name, var in (
            ("slow_response_seconds", SLOW_RESPONSE_ENV),
            ("dead_air_seconds", DEAD_AIR_ENV),
        ):
            if raw := env.get(var, "").strip():
                values[name] = _parse_float(var, raw)
        if raw := env.get(CACHE_DIR_ENV, "").strip():
            values["cache_dir"] = Path(raw).expanduser()
        if raw := env.get(CACHE_ENV, "").strip():
            values["cache_enabled"] = raw.lower() not in _OFF
        if raw := env.get(CACHE_MAX_MB_ENV, "").strip():
            values["cache_max_bytes"] = _parse_int(CACHE_MAX_MB_ENV, raw) * 1024 * 1024
        if raw := env.get(CONCURRENCY_ENV, "").strip():
            values["audit_concurrency"] = _parse_int(CONCURRENCY_ENV, raw)
        values.update(overrides)
        try:
            return cls.model_validate(values)
        except ValueError as exc:
            # pydantic's message names the field and the rule, never the key's value
            # (SecretStr fields render as '**********').
            raise ConfigError(f"invalid configuration: {exc}") from None


def _parse_int(var: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{var} must be a whole number, got {raw[:20]!r}") from None


def _parse_float(var: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{var} must be a number of seconds, got {raw[:20]!r}") from None
