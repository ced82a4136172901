"""Tools a call could use: name, kind, target host, parameters, and one definition whole —
never full URLs or auth."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from ultravox_calls_mcp.api.models import CallTool
from ultravox_calls_mcp.render.fmt import plain, untrusted_block, untrusted_line
from ultravox_calls_mcp.render.redact import redact_json
from ultravox_calls_mcp.render.text import clip

__all__ = [
    "DESCRIPTION_CHARS",
    "call_tool_line",
    "call_tool_lines",
    "clipped_tools",
    "tool_definition_text",
    "tool_kind",
    "tool_name",
]

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


DESCRIPTION_CHARS = 160


def tool_name(tool: CallTool) -> str | None:
    """The name the model called the tool by, as upstream gave it (not cleaned)."""
    definition: Mapping[str, object] = tool.definition or {}
    model_name = definition.get("modelToolName")
    return tool.name or (model_name if isinstance(model_name, str) else None)


def _description(tool: CallTool) -> str | None:
    description = (tool.definition or {}).get("description")
    return description if isinstance(description, str) and description.strip() else None


def _description_line(tool: CallTool) -> str | None:
    """The whole description on one line, cleaned and redacted (then clipped for a row)."""
    description = _description(tool)
    return untrusted_line(description, sys.maxsize) if description else None


def call_tool_line(tool: CallTool, *, description_chars: int = DESCRIPTION_CHARS) -> str:
    """``bookSlot [http → api.example.com] params: date*, time · Books a slot…``"""
    definition: Mapping[str, object] = tool.definition or {}
    name = plain(tool_name(tool), 64) or "?"
    kind = tool_kind(definition)
    host = _host(definition) if kind == "http" else None
    parts = [f"{name} [{kind} → {host}]" if host else f"{name} [{kind}]"]
    params = _parameters(definition)
    if params:
        parts.append("params: " + ", ".join(params))
    whole = _description_line(tool)
    if whole:
        line = clip(whole, description_chars)
        parts.append(line if line == whole else f"{line} ({len(whole):,} characters)")
    return " · ".join(parts)


def call_tool_lines(
    tools: Sequence[CallTool], *, description_chars: int = DESCRIPTION_CHARS
) -> list[str]:
    """One line per tool; ``*`` marks a required parameter. A clipped description ends
    with its whole length; ``clipped_tools`` names those tools."""
    return [call_tool_line(tool, description_chars=description_chars) for tool in tools]


def clipped_tools(
    tools: Sequence[CallTool], *, description_chars: int = DESCRIPTION_CHARS
) -> list[str]:
    """Names of the tools whose one-line description is clipped."""
    clipped = []
    for tool in tools:
        whole = _description_line(tool)
        if whole and len(whole) > description_chars:
            clipped.append(tool_name(tool) or "?")
    return clipped


def _url_host(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return "(a URL, not shown)"
    if not parts.hostname:
        return "(a URL, not shown)"
    return f"{parts.scheme}://{parts.hostname}/… (path and query not shown)"


def _without_urls(value: object, key: str = "") -> object:
    # Tool URLs' paths and queries can carry keys and customer ids: the host only.
    if isinstance(value, str) and key.lower().replace("_", "").endswith(("url", "urlpattern")):
        return _url_host(value)
    if isinstance(value, Mapping):
        return {str(k): _without_urls(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_urls(item, key) for item in value]
    return value


def tool_definition_text(tool: CallTool) -> str:
    """One tool's definition whole, for a windowed read: its description as written
    (cleaned, redacted), then every other setting as JSON with secrets redacted (header
    values, auth tokens, secret-named fields) and URLs cut to their host."""
    definition: Mapping[str, object] = tool.definition or {}
    description = _description(tool)
    rest = {k: v for k, v in definition.items() if k != "description"}
    settings = redact_json(_without_urls(rest))
    parts = [
        f"kind: {tool_kind(definition)}",
        "description:",
        untrusted_block(description) if description else "(none)",
        "",
        "settings (JSON):",
        json.dumps(settings, ensure_ascii=False, indent=1, default=str),
    ]
    return "\n".join(parts)
