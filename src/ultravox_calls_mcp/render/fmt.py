"""Small formatters shared by the render modules: times, durations, numbers, upstream strings."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from ultravox_calls_mcp.render.redact import redact_json, redact_text
from ultravox_calls_mcp.render.text import clean, clip, one_line

__all__ = [
    "compact_json",
    "iso",
    "number",
    "parse_seconds",
    "plain",
    "provider_names",
    "seconds",
    "short_enum",
    "temperature",
    "untrusted_block",
    "untrusted_line",
    "voice_label",
]

_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*s?\s*$")


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 UTC to the second, ``2026-11-03T10:01:22Z``; naive times are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_seconds(value: str | None) -> float | None:
    """The API writes durations and offsets as ``"12.340s"``; None when absent or odd."""
    if not value:
        return None
    number = value.removesuffix("s")
    if (
        number.isascii()
        and number[:1].isdigit()
        and number[-1:].isdigit()
        and number.replace(".", "", 1).isdigit()
    ):
        return float(number)  # the usual "12.340s", without the regex
    match = _DURATION.match(value)
    return float(match.group(1)) if match else None


def seconds(value: float) -> str:
    """``12.3`` — one decimal, no unit."""
    return f"{value:.1f}"


def number(value: int) -> str:
    return f"{value:,}"


def short_enum(value: str | None, prefix: str) -> str | None:
    """``"FIRST_SPEAKER_AGENT"`` → ``"AGENT"``; unknown shapes pass through (cleaned)."""
    if not value:
        return None
    value = one_line(value)
    return value.removeprefix(prefix) or value


def plain(value: str | None, limit: int = 200) -> str | None:
    """An upstream identifier-like string (name, model, voice) made safe for one line."""
    if value is None:
        return None
    text = clip(redact_text(one_line(value)), limit)
    return text or None


def untrusted_line(value: str, limit: int) -> str:
    """Free text folded to one clipped, redacted line (clean first, so an invisible char
    cannot split a key and slip past redaction)."""
    return clip(redact_text(one_line(value)), limit)


def untrusted_block(value: str) -> str:
    """Multi-line free text made ready to fence: cleaned, then redacted."""
    return redact_text(clean(value))


def compact_json(value: object) -> str:
    """Redacted, cleaned, single-line JSON (never clipped here: a caller that clips says
    where to read the rest)."""
    text = json.dumps(redact_json(value), ensure_ascii=False, separators=(",", ":"), default=str)
    # A second pass over the cleaned text: an invisible char inside a key would have hidden
    # it from the first.
    return redact_text(one_line(text))


def provider_names(config: object) -> str | None:
    """The kinds set in a one-of config object (``{"elevenLabs": {...}}`` → ``elevenLabs``).

    Only the keys are shown: the values may hold URLs, headers and keys.
    """
    if not isinstance(config, dict) or not config:
        return None
    return ", ".join(plain(str(key), 40) or "?" for key in config)


def voice_label(
    voice: str | None,
    external_voice: object,
    names: Mapping[str, str] | None = None,
    *,
    with_id: bool = True,
) -> str | None:
    """``Ava (3f2c…)`` when ``names`` knows the voice id (``Ava`` alone without
    ``with_id``), else the voice as given (an id or a name), else ``external
    <provider>``; never the external voice's settings."""
    if voice:
        shown = plain(voice, 80)
        name = plain(names.get(voice), 40) if names else None
        if name and name != shown:
            return f"{name} ({shown})" if with_id else name
        return shown
    provider = provider_names(external_voice)
    return f"external {provider}" if provider else None


def temperature(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"
