"""Draws the collection's background images (plain PNGs, standard library only).

Run `python scenes/assets/make_assets.py` to regenerate them; the output is deterministic.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (file, width, height, top colour, bottom colour, band colour or None)
IMAGES = [
    ("starting-soon.png", 1920, 1080, (20, 24, 64), (88, 40, 120), (255, 153, 0)),
    ("speaker-frame.png", 1920, 1080, (12, 14, 30), (30, 34, 70), None),
    ("panel.png", 1920, 1080, (18, 40, 60), (10, 20, 30), (255, 153, 0)),
    ("be-right-back.png", 1920, 1080, (40, 20, 70), (12, 12, 30), (255, 153, 0)),
    ("technical-difficulties.png", 1920, 1080, (90, 20, 20), (30, 8, 8), (255, 220, 0)),
    ("thanks.png", 1920, 1080, (88, 40, 120), (20, 24, 64), (255, 153, 0)),
    ("lower-third.png", 1280, 120, (255, 153, 0), (200, 100, 0), None),
    ("logo.png", 256, 256, (255, 153, 0), (255, 120, 0), (20, 24, 64)),
]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, top: tuple, bottom: tuple, band: tuple | None) -> bytes:
    """A vertical gradient from `top` to `bottom`, with an optional band across the lower third."""
    rows = []
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        if band and height * 0.70 <= y < height * 0.72:
            colour = band
        rows.append(b"\x00" + bytes(colour) * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def main() -> None:
    for name, width, height, top, bottom, band in IMAGES:
        (HERE / name).write_bytes(png(width, height, top, bottom, band))


if __name__ == "__main__":
    main()
