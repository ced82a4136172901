"""Where a WAV file's frames are, from its first bytes alone: the RIFF chunks up to
``data``, read the way the standard library's ``wave`` reads them (chunks padded to an
even size, ``fmt `` before ``data``, a frame as channels × bytes per sample), so a window
read by byte range holds the frames ``wav.cut`` would have taken from the whole file.

Pure and cheap (chunk headers only). ``layout_of`` answers None when the head cannot
tell (not RIFF/WAVE at all, or the ``data`` chunk lies beyond it): the caller then reads
the file whole, as before ranges were used.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from ultravox_calls_mcp.mcp.app.wav import WavError

__all__ = ["WavLayout", "layout_of"]

_PCM: Final = 1
_EXTENSIBLE: Final = 0xFFFE
# A streaming writer's placeholder: "to the end". (A size of 0 is an empty chunk, as
# ``wave`` reads it: the whole-file path must agree.)
_UNSIZED: Final = 0xFFFF_FFFF
_MAX_WIDTH: Final = 4  # what ``wave`` can write back


@dataclass(frozen=True)
class WavLayout:
    channels: int
    width: int  # bytes per sample
    rate: int
    data_offset: int  # the first frame's byte in the file
    frames: int  # how many whole frames the data holds

    @property
    def frame_size(self) -> int:
        return self.channels * self.width

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def _malformed(why: str) -> WavError:
    return WavError(f"its WAV header is malformed ({why}); it cannot be played")


def _format(head: bytes, body: int, size: int) -> tuple[int, int, int]:
    """Channels, bytes per sample and rate of a ``fmt `` chunk at ``body``."""
    if size < 16:
        raise _malformed("the fmt chunk is cut short")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", head, body)
    width = (bits + 7) // 8
    if tag == _EXTENSIBLE and size >= 40 and body + 26 <= len(head):
        # WAVE_FORMAT_EXTENSIBLE names its format in a sub-format GUID, whose first two
        # bytes are the plain tag: PCM there is PCM (Python 3.12's wave reads it too).
        tag = int.from_bytes(head[body + 24 : body + 26], "little")
    if tag != _PCM or width > _MAX_WIDTH:
        raise WavError(
            f"the audio is not WAV this server can read (format tag {tag:#06x}, {bits}-bit); "
            "only plain PCM WAV is cut"
        )
    if channels == 0:
        raise _malformed("no channels")
    if rate == 0 or width == 0:
        raise WavError("the WAV header names no sample rate or sample size")
    return channels, width, rate


def layout_of(head: bytes, file_size: int | None) -> WavLayout | None:
    """The layout told by ``head`` (the file's first bytes; ``file_size`` when known).
    Raises WavError for a RIFF/WAVE head that is malformed or not plain PCM."""
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    fmt: tuple[int, int, int] | None = None
    pos = 12
    while pos + 8 <= len(head):
        kind = head[pos : pos + 4]
        size = int.from_bytes(head[pos + 4 : pos + 8], "little")
        body = pos + 8
        if kind == b"fmt ":
            if body + 16 > len(head):
                if file_size is None or len(head) < file_size:
                    return None  # the chunk runs past the head: read the file whole
                raise _malformed("the fmt chunk is cut short")
            fmt = _format(head, body, size)
        elif kind == b"data":
            if fmt is None:
                raise _malformed("the data chunk comes before the fmt chunk")
            channels, width, rate = fmt
            if file_size is not None:
                size = file_size - body if size == _UNSIZED else min(size, file_size - body)
            elif size == _UNSIZED:
                return None  # how long it runs is unknown: read it whole
            return WavLayout(channels, width, rate, body, max(0, size) // (channels * width))
        pos = body + size + (size & 1)
    if file_size is not None and (pos >= file_size or len(head) >= file_size):
        raise _malformed("no data chunk")  # the whole file was seen
    return None
