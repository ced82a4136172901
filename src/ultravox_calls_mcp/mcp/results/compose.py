"""Assemble a tool result within its character budget, cutting only where we say so.

A result is our own header lines, a block of lines (fenced when it is upstream
text: speech, summaries, tool output are data, not instructions), and a footer that depends on how
many block lines made it in (it carries the cursor to read on). ``compose`` finds the
largest prefix of the block that fits together with its footer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate

from ultravox_calls_mcp.render.budget import cut_note, window
from ultravox_calls_mcp.render.text import FROM_CALL, fence, fence_line

# Lines longer than this share of the budget are clipped before composing, so at
# least one row always fits and a continuation always makes progress.
_LINE_SHARE = 0.6


def compose(
    header: Sequence[str],
    body: Sequence[str],
    *,
    label: str | None,
    max_chars: int,
    footer: Callable[[int], Sequence[str]],
    source: str = FROM_CALL,
) -> tuple[str, int]:
    """Return (text, number of body lines shown); ``footer(n)`` describes the rest.
    ``source`` is where the fenced lines came from (the fence says it)."""
    head = "\n".join(header)
    line_cap = max(200, int(max_chars * _LINE_SHARE))
    lines = [_clip_line(line, line_cap) for line in body]
    # Fencing cleans and hashes the whole block, which made each probe of the search below
    # cost as much as the result; probes instead add up lines sized once as fenced, and
    # the chosen prefix is then rendered for real and checked.
    sizes = [len(fence_line(line)) if label else len(line) for line in lines]
    starts = [0, *accumulate(size + 1 for size in sizes)]  # +1: the joining newline
    frame = len(fence("", label, source)) if label else 0

    def render(count: int) -> str:
        parts = [head] if head else []
        if count:
            block = "\n".join(lines[:count])
            # label None: the lines are ours (they fence any upstream text themselves).
            parts.append(fence(block, label, source) if label else block)
        tail = "\n".join(footer(count))
        if tail:
            parts.append(tail)
        return "\n".join(parts)

    def size(count: int) -> int:
        parts = [len(head)] if head else []
        if count:
            parts.append(frame + starts[count] - 1)
        tail = "\n".join(footer(count))
        if tail:
            parts.append(len(tail))
        return sum(parts) + len(parts) - 1

    # Binary search on the prefix length: the size is monotone in it. Most results fit
    # whole, so that is tried first (each probe renders a footer, often a cursor).
    low, high = 0, len(lines)
    if size(high) <= max_chars:
        low = high
    while low < high:
        mid = (low + high + 1) // 2
        if size(mid) <= max_chars:
            low = mid
        else:
            high = mid - 1
    text = render(low)
    while len(text) > max_chars and low > 0:  # cleaning the joined block differed
        low -= 1
        text = render(low)
    return text, low


def _clip_line(line: str, cap: int) -> str:
    if len(line) <= cap:
        return line
    # Every line the tools compose is bounded well under the largest budget (long texts
    # are clipped before, with their own read), so a larger max_chars shows it whole.
    return line[: cap - 90] + (
        f" … [line clipped: {len(line) - cap + 90:,} more characters; raise max_chars to see it]"
    )


# Room kept in a windowed read for its header line, the fence markers and the cut note.
_WINDOW_OVERHEAD = 900


def read_window(
    text: str,
    *,
    offset: int,
    budget: int,
    title: str,
    label: str,
    how: Callable[[int], str],
    source: str = FROM_CALL,
    lines_whole: bool = False,
) -> str:
    """One window of a long text (a prompt, a message) that fits the budget, fenced, with
    the exact call to read on; ``how(next_offset)`` renders that call. ``lines_whole``
    ends a window after its last whole line when it holds one (a listing of keys)."""
    length = max(budget - _WINDOW_OVERHEAD, 500)
    piece, next_offset = window(text, offset, length, break_after="\n" if lines_whole else None)
    start = min(offset, len(text))
    lines = [f"{title}: {len(text):,} characters, showing {start:,}–{start + len(piece):,}."]
    if not text:
        return f"{title}: empty."
    lines.append(fence(piece, label, source))
    if next_offset is not None:
        lines.append(cut_note(label, next_offset, len(text), f"to read on: {how(next_offset)}"))
    else:
        lines.append(f"(end of {label})")
    return "\n".join(lines)


def compose_whole(
    header: Sequence[str],
    lines: Sequence[str],
    *,
    label: str | None,
    max_chars: int,
    tail: Sequence[str] = (),
    source: str = FROM_CALL,
) -> str:
    """A result that is not paged: if its lines do not all fit, say how many were left out
    and how to see them, then the ``tail`` (pointers to read on)."""

    def footer(shown: int) -> list[str]:
        if shown == len(lines):
            return list(tail)
        cut = (
            f"[cut: {len(lines) - shown} of {len(lines)} lines left out to fit "
            f"max_chars={max_chars:,}; raise max_chars to see them]"
        )
        return [cut, *tail]

    text, _ = compose(header, lines, label=label, max_chars=max_chars, footer=footer, source=source)
    return text
