"""Hard character budgets, with cuts that say where they happened and how to read on."""

from __future__ import annotations

import unicodedata

__all__ = ["TextBuilder", "cut_note", "window"]


class TextBuilder:
    """Accumulates lines up to a hard budget of ``max_chars`` characters.

    ``reserve`` characters are held back for the closing note (``add_forced``), so a
    builder that has run out of room can still say what it cut and how to get the rest.
    """

    def __init__(self, max_chars: int, reserve: int = 300) -> None:
        if max_chars < 0 or reserve < 0:
            raise ValueError("max_chars and reserve must not be negative")
        self.max_chars = max_chars
        self.reserve = min(reserve, max_chars)
        self._parts: list[str] = []
        self._used = 0

    @property
    def used(self) -> int:
        return self._used

    @property
    def remaining(self) -> int:
        """Room left for ``add`` (the reserve is not counted)."""
        return max(0, self.max_chars - self.reserve - self._used)

    def add(self, line: str) -> bool:
        """Append ``line`` and a newline if both fit outside the reserve; else add nothing."""
        if len(line) + 1 > self.remaining:
            return False
        self._parts.append(line + "\n")
        self._used += len(line) + 1
        return True

    def add_forced(self, line: str) -> bool:
        """Append ``line`` using the reserve too; clipped to fit. True if it fit whole."""
        room = self.max_chars - self._used
        if room <= 0:
            return False
        whole = len(line) + 1 <= room
        piece = line + "\n" if whole else line[:room]
        self._parts.append(piece)
        self._used += len(piece)
        return whole

    def text(self) -> str:
        return "".join(self._parts)


def _joins_previous(char: str) -> bool:
    # Combining marks, variation selectors and the char after a zero-width joiner belong
    # to the grapheme before them; cutting there would garble it (e.g. a family emoji).
    return char in "\u200d\ufe0e\ufe0f" or unicodedata.category(char) in ("Mn", "Me")


def window(text: str, offset: int, length: int) -> tuple[str, int | None]:
    """``text[offset:offset+length]`` and the offset to continue from (None at the end).

    The offset is clamped into the text; the end moves back (never below one character)
    rather than split a grapheme, so consecutive windows cover the text exactly once.
    """
    size = len(text)
    start = min(max(offset, 0), size)
    end = min(start + max(length, 1), size)
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
