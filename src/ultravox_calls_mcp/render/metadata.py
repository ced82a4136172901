"""A call's metadata: a capped overview that says how to read the rest, the whole listing,
and one value whole. Values are redacted (secret-named keys, key-shaped strings).

Metadata is what the caller's systems attached to the call — a CRM may copy hundreds of
fields, or paste a whole record into one value — so the overview shows a part and the
cut lines name the exact read for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ultravox_calls_mcp.render.budget import cut_note
from ultravox_calls_mcp.render.fmt import compact_json, number, plain, untrusted_block
from ultravox_calls_mcp.render.redact import REDACTED, is_secret_key
from ultravox_calls_mcp.render.text import clip, fence, one_line

__all__ = [
    "METADATA_KEYS_SHOWN",
    "METADATA_VALUE_CHARS",
    "metadata_listing",
    "metadata_overview_lines",
    "metadata_value",
]

METADATA_KEYS_SHOWN = 40
METADATA_VALUE_CHARS = 200
# Keys longer than this are clipped in the overview (the listing shows them whole).
_KEY_CHARS = 80

# ``read(None)``: the call that reads every key and value; ``read(key)``: one value whole.
MetadataRead = Callable[[str | None], str]


def metadata_value(metadata: Mapping[str, object], key: str) -> str | None:
    """One value whole, multi-line text kept, redacted; None when the key is absent."""
    if key not in metadata:
        return None
    value = metadata[key]
    if is_secret_key(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, str):
        return untrusted_block(value)
    return compact_json(value)


def _one_line_value(key: str, value: object) -> str:
    text = metadata_value({key: value}, key) or ""
    return one_line(text) if isinstance(value, str) else text


def metadata_listing(metadata: Mapping[str, object]) -> str:
    """Every key and value whole, one ``key: value`` per line (line breaks inside a
    value shown as ``⏎``); the text a windowed read pages through."""
    return "\n".join(
        f"{one_line(str(key))}: {_one_line_value(str(key), value)}"
        for key, value in metadata.items()
    )


def metadata_overview_lines(metadata: Mapping[str, object], read: MetadataRead) -> list[str]:
    """The first keys with their values clipped, fenced, then a cut line for each kind of
    cut (keys left out, values clipped) with the exact read of the rest."""
    if not metadata:
        return []
    items = [(str(key), value) for key, value in metadata.items()]
    body, clipped = [], []
    for key, value in items[:METADATA_KEYS_SHOWN]:
        whole = _one_line_value(key, value)
        shown = clip(whole, METADATA_VALUE_CHARS)
        if shown != whole:
            clipped.append((key, len(whole)))
            shown += f" ({number(len(whole))} characters)"
        body.append(f"{plain(key, _KEY_CHARS) or '?'}: {shown}")
    fenced = fence("\n".join(body), "metadata").split("\n")
    lines = [f"metadata ({number(len(items))} keys):", *fenced]
    if len(items) > METADATA_KEYS_SHOWN:
        how = f"every key and value whole: {read(None)}"
        lines.append(cut_note("metadata", METADATA_KEYS_SHOWN, len(items), how, unit="keys"))
    if clipped:
        lines.append(_clipped_note(clipped, read))
    return lines


def _clipped_note(clipped: list[tuple[str, int]], read: MetadataRead) -> str:
    what = f"{len(clipped)} value{'s' if len(clipped) > 1 else ''}"
    first_key = clipped[0][0]
    # A key is quoted in a call only if it is short and plain enough to copy exactly.
    exact = len(first_key) <= _KEY_CHARS and one_line(first_key) == first_key
    if len(clipped) == 1 and exact:
        how = f"read it whole: {read(first_key)}"
    else:
        how = f"read one whole: {read('<key>')}"
    return (
        f"[cut: {what} clipped to {METADATA_VALUE_CHARS} characters (their lines end with "
        f"the whole length) — {how}]"
    )
