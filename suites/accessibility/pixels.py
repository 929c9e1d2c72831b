"""Compare two screenshots of the same region, pixel by pixel, without an imaging library.

Chromium's PNG screenshots are 8-bit RGB or RGBA, not interlaced; `decode_png` reads exactly that, which is
all the visible-focus check needs. A pixel counts as changed when any colour channel moved by at least
`CHANNEL_STEP` of 255: well past anti-aliasing noise, well within what any focus indicator changes.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

CHANNEL_STEP = 48
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4, 0: 1, 4: 2}


class ImageError(ValueError):
    """The bytes are not a PNG this module can read."""


@dataclass(frozen=True)
class Image:
    """Decoded pixels: `rows` of `width * channels` bytes each."""

    width: int
    height: int
    channels: int
    rows: tuple[bytes, ...]


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    to_left, to_up, to_corner = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
    if to_left <= to_up and to_left <= to_corner:
        return left
    return up if to_up <= to_corner else corner


def _unfilter(kind: int, line: bytearray, previous: bytes, step: int) -> bytearray:
    if kind == 0:
        return line
    if kind == 2:
        return bytearray((value + above) & 0xFF for value, above in zip(line, previous, strict=True))
    for index in range(len(line)):
        left = line[index - step] if index >= step else 0
        up = previous[index]
        if kind == 1:
            line[index] = (line[index] + left) & 0xFF
        elif kind == 3:
            line[index] = (line[index] + (left + up) // 2) & 0xFF
        elif kind == 4:
            corner = previous[index - step] if index >= step else 0
            line[index] = (line[index] + _paeth(left, up, corner)) & 0xFF
        else:
            raise ImageError(f"unknown PNG filter {kind}")
    return line


def decode_png(data: bytes) -> Image:
    """The pixels of an 8-bit, non-interlaced PNG; ImageError for anything else."""
    if not data.startswith(_SIGNATURE):
        raise ImageError("not a PNG")
    position, header, compressed = len(_SIGNATURE), b"", bytearray()
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            compressed += chunk
        elif kind == b"IEND":
            break
        position += 12 + length
    if len(header) != 13:
        raise ImageError("PNG without a header")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ImageError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    channels = _CHANNELS[colour]
    stride = width * channels
    raw = zlib.decompress(bytes(compressed))
    if len(raw) < (stride + 1) * height:
        raise ImageError("truncated PNG data")
    rows: list[bytes] = []
    previous = bytes(stride)
    for row in range(height):
        start = row * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        previous = bytes(line)
        rows.append(previous)
    return Image(width, height, channels, tuple(rows))


def changed_pixels(before: Image, after: Image) -> int:
    """How many pixels differ by at least CHANNEL_STEP on some colour channel; ImageError if sizes differ."""
    if (before.width, before.height, before.channels) != (after.width, after.height, after.channels):
        raise ImageError("the two screenshots are not the same size")
    colour = min(before.channels, 3) if before.channels != 2 else 1
    count = 0
    for old, new in zip(before.rows, after.rows, strict=True):
        if old == new:
            continue
        for start in range(0, len(old), before.channels):
            for channel in range(colour):
                if abs(old[start + channel] - new[start + channel]) >= CHANNEL_STEP:
                    count += 1
                    break
    return count
