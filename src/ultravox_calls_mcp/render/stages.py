"""Call stages: what each stage ran with, and what changed from the stage before."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from ultravox_calls_mcp.api.models import CallStage
from ultravox_calls_mcp.render.digest import prompt_digest_line, prompt_sha
from ultravox_calls_mcp.render.fmt import (
    iso,
    number,
    plain,
    temperature,
    untrusted_block,
    voice_label,
)
from ultravox_calls_mcp.render.redact import redact_json

__all__ = ["STAGE_FIELDS", "stage_changes", "stage_field_text", "stage_summary_lines"]

STAGE_FIELDS = ("system_prompt", "initial_state", "experimental_settings", "inactivity_messages")


def _arrow(before: object, after: object) -> str:
    return (
        f"{before if before is not None else '(none)'}→{after if after is not None else '(none)'}"
    )


def _prompt_change(prev: str | None, cur: str | None) -> str | None:
    if (prev or "") == (cur or ""):
        return None
    before, after = prev or "", cur or ""
    if len(before) == len(after):
        shas = f"{prompt_sha(before)}→{prompt_sha(after)}"
        return f"prompt (same length {number(len(after))}, sha256 {shas})"
    return f"prompt (length {number(len(before))}→{number(len(after))})"


def stage_changes(
    prev: CallStage,
    cur: CallStage,
    prev_tools: Sequence[str] | None,
    cur_tools: Sequence[str] | None,
    voice_names: Mapping[str, str] | None = None,
) -> list[str]:
    """What differs between two consecutive stages; empty when nothing does.

    Tools are compared only when both stages' tool names are known. A voice shows by
    name when it has one (each stage's line gives its id).
    """
    changes = [_prompt_change(prev.system_prompt, cur.system_prompt)]
    for name, before, after in (
        ("model", plain(prev.model, 80), plain(cur.model, 80)),
        (
            "voice",
            voice_label(prev.voice, prev.external_voice, voice_names, with_id=False),
            voice_label(cur.voice, cur.external_voice, voice_names, with_id=False),
        ),
        ("temperature", temperature(prev.temperature), temperature(cur.temperature)),
        ("language", plain(prev.language_hint, 20), plain(cur.language_hint, 20)),
    ):
        if before != after:
            changes.append(f"{name} {_arrow(before, after)}")
    if prev.initial_state != cur.initial_state:
        changes.append("initial state")
    if prev.inactivity_messages != cur.inactivity_messages:
        changes.append("inactivity messages")
    if prev_tools is not None and cur_tools is not None:
        added = sorted(set(cur_tools) - set(prev_tools))
        removed = sorted(set(prev_tools) - set(cur_tools))
        if added or removed:
            names = [f"+{plain(n, 64)}" for n in added] + [f"−{plain(n, 64)}" for n in removed]
            changes.append("tools " + " ".join(names))
    return [change for change in changes if change]


def _stage_head(number_: int, stage: CallStage, voice_names: Mapping[str, str] | None) -> str:
    first, latest = stage.initial_token_count, stage.latest_token_count
    if first is not None and latest is not None:
        tokens: str | None = f"tokens {number(first)}→{number(latest)}"
    elif first is not None or latest is not None:
        which, count = ("initial", first) if first is not None else ("latest", latest)
        tokens = f"tokens {which} {number(count or 0)}"
    else:
        tokens = None
    facts = [
        f"stage {number_}",
        plain(stage.call_stage_id) or "?",
        f"created {iso(stage.created)}" if stage.created else None,
        f"model {plain(stage.model, 80)}" if stage.model else None,
        _named("voice", voice_label(stage.voice, stage.external_voice, voice_names)),
        _named("temperature", temperature(stage.temperature)),
        _named("language", plain(stage.language_hint, 20)),
        tokens,
        f"errors {stage.error_count}" if stage.error_count is not None else None,
    ]
    return " · ".join(fact for fact in facts if fact)


def _named(name: str, value: str | None) -> str | None:
    return f"{name} {value}" if value else None


def stage_summary_lines(
    stages: Sequence[CallStage],
    *,
    tool_names: Mapping[str, Sequence[str]] | None,
    prompt_read_hint: Callable[[CallStage], str],
    voice_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Per stage: a fact line, a compact prompt digest, and the changes from the stage
    before; ``voice_names`` (voice id → name) names the voices it knows."""
    lines: list[str] = []
    for i, stage in enumerate(stages):
        lines.append(_stage_head(i + 1, stage, voice_names))
        lines.append(f"  {prompt_digest_line(stage.system_prompt)}")
        if stage.system_prompt:
            lines.append(f"  {prompt_read_hint(stage)}")
        cur_tools = tool_names.get(stage.call_stage_id) if tool_names else None
        if cur_tools:
            lines.append("  tools: " + ", ".join(plain(n, 64) or "?" for n in cur_tools))
        if i == 0:
            continue
        prev = stages[i - 1]
        prev_tools = tool_names.get(prev.call_stage_id) if tool_names else None
        changes = stage_changes(prev, stage, prev_tools, cur_tools, voice_names)
        lines.append(f"  changes vs previous: {', '.join(changes) if changes else 'no change'}")
    return lines


def _json_text(value: object) -> str | None:
    if value is None or value in ({}, []):
        return None
    return json.dumps(redact_json(value), ensure_ascii=False, indent=1, default=str)


def stage_field_text(stage: CallStage, field: str) -> str | None:
    """The full text of one large stage field (cleaned, redacted), for the tool layer to
    window by offset; None when the stage has none. Fields are listed in ``STAGE_FIELDS``."""
    if field == "system_prompt":
        return untrusted_block(stage.system_prompt) if stage.system_prompt else None
    if field == "initial_state":
        text = _json_text(stage.initial_state)
    elif field == "experimental_settings":
        text = _json_text(stage.experimental_settings)
    elif field == "inactivity_messages":
        text = "\n".join(
            f"after {m.duration or '?'}"
            + (f" ({m.end_behavior})" if m.end_behavior else "")
            + f": {m.message or ''}"
            for m in stage.inactivity_messages
        )
    else:
        raise ValueError(
            f"unknown stage field {field!r}; expected one of {', '.join(STAGE_FIELDS)}"
        )
    return untrusted_block(text) if text else None
