"""Tools a call could use: name, kind, target host, parameters — never URLs or auth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from ultravox_calls_mcp.api.models import CallTool
from ultravox_calls_mcp.render.fmt import plain, untrusted_line

__all__ = ["call_tool_line", "call_tool_lines", "tool_kind"]

_KINDS = ("http", "client", "dataConnection")


def tool_kind(definition: Mapping[str, object]) -> str:
    return next((kind for kind in _KINDS if definition.get(kind) is not None), "unknown")


def _host(definition: Mapping[str, object]) -> str | None:
    # Only the host: paths and queries of tool URLs can carry keys and customer ids.
    http = definition.get("http")
    pattern = http.get("baseUrlPattern") if isinstance(http, Mapping) else None
    if not isinstance(pattern, str) or not pattern:
        return None
    try:
        host = urlsplit(pattern.strip()).hostname
    except ValueError:
        return None
    return plain(host, 100) if host else None


def _parameters(definition: Mapping[str, object]) -> list[str]:
    params = definition.get("dynamicParameters")
    if not isinstance(params, list):
        return []
    names = []
    for param in params:
        if isinstance(param, Mapping) and isinstance(param.get("name"), str):
            name = plain(str(param["name"]), 64) or "?"
            names.append(f"{name}*" if param.get("required") else name)
    return names


def call_tool_line(tool: CallTool, *, description_chars: int = 160) -> str:
    """``bookSlot [http → api.example.com] params: date*, time · Books a slot…``"""
    definition: Mapping[str, object] = tool.definition or {}
    model_name = definition.get("modelToolName")
    name = plain(tool.name or (model_name if isinstance(model_name, str) else None), 64) or "?"
    kind = tool_kind(definition)
    host = _host(definition) if kind == "http" else None
    parts = [f"{name} [{kind} → {host}]" if host else f"{name} [{kind}]"]
    params = _parameters(definition)
    if params:
        parts.append("params: " + ", ".join(params))
    description = definition.get("description")
    if isinstance(description, str) and description.strip():
        parts.append(untrusted_line(description, description_chars))
    return " · ".join(parts)


def call_tool_lines(tools: Sequence[CallTool], *, description_chars: int = 160) -> list[str]:
    """One line per tool; ``*`` marks a required parameter."""
    return [call_tool_line(tool, description_chars=description_chars) for tool in tools]
