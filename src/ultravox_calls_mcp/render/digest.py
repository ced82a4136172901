"""System prompts are long; a digest tells the model enough to decide whether to read one."""

from __future__ import annotations

import hashlib

from ultravox_calls_mcp.render.fmt import number, untrusted_line
from ultravox_calls_mcp.render.text import FROM_CALL, fence

__all__ = ["prompt_digest", "prompt_digest_line", "prompt_facts", "prompt_sha"]

_FLAT_QUOTES = str.maketrans({"“": '"', "”": '"'})


def prompt_sha(text: str) -> str:
    """A short hash of the raw prompt, so two stages' prompts compare at a glance."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def prompt_facts(text: str) -> str:
    """``12,345 chars · 210 lines · ~3,086 tokens · sha256 1a2b3c4d5e``"""
    lines = text.count("\n") + 1
    return (
        f"{number(len(text))} chars · {number(lines)} line{'s' if lines != 1 else ''} · "
        f"~{number(len(text) // 4)} tokens · sha256 {prompt_sha(text)}"
    )


def _opening(text: str, count: int, line_chars: int) -> list[str]:
    opening: list[str] = []
    for raw in text.split("\n"):
        line = untrusted_line(raw, line_chars)
        if line:
            opening.append(line)
            if len(opening) == count:
                break
    return opening


def prompt_digest(
    text: str | None,
    *,
    read_hint: str,
    opening_lines: int = 3,
    line_chars: int = 160,
    source: str = FROM_CALL,
) -> list[str]:
    """Size, hash and opening lines (fenced) of a system prompt, then how to read it whole.

    ``read_hint`` is shown as its own line; a bare call such as ``get_call(...)`` gets the
    prefix ``read whole: ``.
    """
    if not text or not text.strip():
        return ["system prompt: (none)"]
    lines = [f"system prompt: {prompt_facts(text)}"]
    opening = _opening(text, opening_lines, line_chars)
    if opening:
        lines.append("opening lines:")
        lines.extend(fence("\n".join(opening), "system prompt opening", source).split("\n"))
    hint = read_hint.strip()
    if hint:
        lines.append(hint if hint.lower().startswith("read") else f"read whole: {hint}")
    return lines


def prompt_digest_line(text: str | None, *, first_line_chars: int = 100) -> str:
    """One line for stage lists: ``prompt: 12,345 chars · sha256 1a2b… · “You are…”``."""
    if not text or not text.strip():
        return "prompt: (none)"
    opening = _opening(text, 1, first_line_chars)
    # Curly quotes inside are flattened so the quoted line cannot seem to end early.
    quoted = opening[0].translate(_FLAT_QUOTES) if opening else ""
    first = f" · “{quoted}”" if quoted else ""
    return f"prompt: {number(len(text))} chars · sha256 {prompt_sha(text)}{first}"
