"""The app's two icons, drawn as PNG files in code: no image files to keep in the repository.

Teams wants a 192x192 full-colour icon and a 32x32 outline icon that is white on a transparent
background. Both show a page with lines of text.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

Pixel = tuple[int, int, int, int]
ACCENT: Pixel = (0x1F, 0x5F, 0x8B, 255)
WHITE: Pixel = (255, 255, 255, 255)
CLEAR: Pixel = (0, 0, 0, 0)


def color_icon() -> bytes:
    """192x192: a white page with three accent-coloured lines on the accent colour."""

    def pixel(x: int, y: int) -> Pixel:
        on_page = 52 <= x < 140 and 36 <= y < 156
        on_line = 70 <= x < 122 and any(top <= y < top + 10 for top in (66, 92, 118))
        return ACCENT if on_line or not on_page else WHITE

    return png(192, 192, pixel)


def outline_icon() -> bytes:
    """32x32: the page's border and lines in white, everything else transparent."""

    def pixel(x: int, y: int) -> Pixel:
        inside = 8 <= x < 24 and 4 <= y < 28
        border = inside and not (10 <= x < 22 and 6 <= y < 26)
        line = 12 <= x < 20 and y in (11, 15, 19)
        return WHITE if border or line else CLEAR

    return png(32, 32, pixel)


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG whose pixel at (x, y) is `pixel(x, y)`."""
    rows = (
        b"\x00" + bytes(channel for x in range(width) for channel in pixel(x, y))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)
