"""Agents: a row for lists and a detail view of the call template they start calls with."""

from __future__ import annotations

from collections.abc import Mapping

from ultravox_calls_mcp.api.models import Agent
from ultravox_calls_mcp.render.digest import prompt_digest
from ultravox_calls_mcp.render.fmt import (
    iso,
    number,
    plain,
    provider_names,
    voice_label,
)
from ultravox_calls_mcp.render.text import FROM_AGENT_CONFIG

__all__ = ["agent_detail_lines", "agent_row", "selected_tool_names"]


def _calls(agent: Agent) -> str | None:
    count = agent.statistics.calls if agent.statistics else None
    return None if count is None else f"{number(count)} calls"


def agent_row(agent: Agent) -> str:
    """``<agent id> · Support Bot · created 2026-…Z · 1,204 calls``"""
    parts = [
        plain(agent.agent_id) or "?",
        plain(agent.name, 80) or "(unnamed)",
        f"created {iso(agent.created)}" if agent.created else None,
        _calls(agent),
    ]
    return " · ".join(part for part in parts if part)


def selected_tool_names(template: Mapping[str, object]) -> list[str]:
    """Names of a call template's selected tools, however each one is referenced."""
    tools = template.get("selectedTools")
    if not isinstance(tools, list):
        return []
    names = []
    for tool in tools:
        if not isinstance(tool, Mapping):
            continue
        temporary = tool.get("temporaryTool")
        temp_name = temporary.get("modelToolName") if isinstance(temporary, Mapping) else None
        name = tool.get("nameOverride") or tool.get("toolName") or temp_name or tool.get("toolId")
        names.append((plain(str(name), 64) if name else None) or "?")
    return names


def _str(template: Mapping[str, object], key: str) -> str | None:
    value = template.get(key)
    return value if isinstance(value, str) else None


def _template_lines(
    template: Mapping[str, object], voice_names: Mapping[str, str] | None
) -> list[str]:
    temperature = template.get("temperature")
    voice = voice_label(_str(template, "voice"), template.get("externalVoice"), voice_names)
    pairs = [
        ("model", plain(_str(template, "model"), 80)),
        ("voice", voice),
        ("temperature", f"{temperature:g}" if isinstance(temperature, int | float) else None),
        ("first speaker", provider_names(template.get("firstSpeakerSettings"))),
        ("language", plain(_str(template, "languageHint"), 20)),
        ("medium", provider_names(template.get("medium"))),
    ]
    facts = [f"{name}: {value}" for name, value in pairs if value]
    lines = [f"call template: {' · '.join(facts)}"] if facts else []
    tools = selected_tool_names(template)
    if tools:
        lines.append(f"tools ({len(tools)}): {', '.join(tools)}")
    return lines


def agent_detail_lines(
    agent: Agent, *, prompt_read_hint: str, voice_names: Mapping[str, str] | None = None
) -> list[str]:
    """Name, id, created, usage, published revision, call template and prompt digest."""
    lines = [f"agent {plain(agent.name, 80) or '(unnamed)'}", f"id: {plain(agent.agent_id)}"]
    if agent.created:
        lines.append(f"created: {iso(agent.created)}")
    calls = _calls(agent)
    if calls:
        lines.append(f"usage: {calls}")
    if agent.published_revision_id:
        lines.append(f"published revision: {plain(agent.published_revision_id)}")
    template = agent.call_template or {}
    lines.extend(_template_lines(template, voice_names))
    prompt = _str(template, "systemPrompt")
    lines.extend(prompt_digest(prompt, read_hint=prompt_read_hint, source=FROM_AGENT_CONFIG))
    return lines
