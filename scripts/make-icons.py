#!/usr/bin/env python3
"""Draws Heima's icon (a white house on a teal square) as RGBA PNGs.

Tauri needs RGBA PNG icons at compile time; this keeps them reproducible
without an image library. Run: python3 scripts/make-icons.py
"""
import struct
import zlib
from pathlib import Path

TEAL = (0, 106, 110, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def pixel(x: float, y: float) -> tuple:
    # Coordinates in 0..1. Rounded square background.
    r = 0.18
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return CLEAR
    # Roof: triangle with apex (0.5, 0.2), base y=0.5 from x=0.18..0.82.
    if 0.2 <= y <= 0.5 and abs(x - 0.5) <= (y - 0.2) / 0.3 * 0.32:
        return WHITE
    # Walls with a door.
    if 0.5 <= y <= 0.8 and 0.27 <= x <= 0.73:
        if 0.44 <= x <= 0.56 and y >= 0.62:
            return TEAL
        return WHITE
    return TEAL


def png(size: int) -> bytes:
    rows = b""
    for j in range(size):
        row = b"\x00"
        for i in range(size):
            row += bytes(pixel((i + 0.5) / size, (j + 0.5) / size))
        rows += row

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "icons"
    out.mkdir(exist_ok=True)
    for name, size in [("32x32.png", 32), ("128x128.png", 128), ("icon.png", 512)]:
        (out / name).write_bytes(png(size))
