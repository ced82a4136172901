"""Hard character budgets, with cuts that say where they happened and how to read on."""

from __future__ import annotations

import unicodedata

__all__ = ["cut_note", "window"]


def _joins_previous(char: str) -> bool:
    # Combining marks, variation selectors and the char after a zero-width joiner belong
    # to the grapheme before them; cutting there would garble it (e.g. a family emoji).
    return char in "\u200d\ufe0e\ufe0f" or unicodedata.category(char) in ("Mn", "Me")


def window(
    text: str, offset: int, length: int, *, break_after: str | None = None
) -> tuple[str, int | None]:
    """``text[offset:offset+length]`` and the offset to continue from (None at the end).

    The offset is clamped into the text; the end moves back (never below one character)
    rather than split a grapheme, so consecutive windows cover the text exactly once.
    With ``break_after`` (e.g. a newline), a window that would end mid-line ends after
    the last ``break_after`` it holds instead, if it holds one.
    """
    size = len(text)
    start = min(max(offset, 0), size)
    end = min(start + max(length, 1), size)
    if break_after and end < size:
        found = text.rfind(break_after, start, end)
        if found >= start:
            end = found + len(break_after)
    while start + 1 < end < size and (_joins_previous(text[end]) or text[end - 1] == "\u200d"):
        end -= 1
    return text[start:end], (end if end < size else None)


def cut_note(what: str, shown: int, total: int, how: str, *, unit: str = "characters") -> str:
    """The one cut marker used everywhere in the product.

    ``cut_note("system_prompt", 24000, 1048576, 'to read on: get_call_stage(…, offset=24000)')``
    → ``[cut: showing 24,000 of 1,048,576 characters of system_prompt — to read on: …]``.
    With ``unit=""`` the ``what`` names the unit itself: ``showing 50 of 1,234 calls``.
    """
    amount = f"{shown:,} of {total:,}"
    counted = f"{amount} {unit} of {what}" if unit else f"{amount} {what}"
    return f"[cut: showing {counted} — {how}]" if how else f"[cut: showing {counted}]"
