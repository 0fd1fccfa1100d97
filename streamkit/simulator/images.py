"""Images of one colour, made without an imaging library: PNG, BMP and baseline JPEG."""

from __future__ import annotations

import struct
import zlib

RGB = tuple[int, int, int]


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A PNG of one colour, made without an imaging library."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 6))
        + chunk(b"IEND", b"")
    )


def solid_bmp(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A 24-bit BMP of one colour."""
    stride = (width * 3 + 3) & ~3
    row = bytes((rgb[2], rgb[1], rgb[0])) * width + b"\x00" * (stride - width * 3)
    pixels = row * height
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def _huffman_codes(bits: list[int], symbols: list[int]) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes {symbol: (code, length)} from a DHT's counts per length."""
    codes: dict[int, tuple[int, int]] = {}
    code, index = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[symbols[index]] = (code, length)
            code += 1
            index += 1
        code <<= 1
    return codes


# Annex K's luminance DC table (categories 0-11), shared by all three components; an AC table
# with one symbol, end-of-block, which is all a block of one colour needs.
_DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
_DC_SYMBOLS = list(range(12))
_AC_BITS = [1] + [0] * 15
_AC_SYMBOLS = [0x00]
_DC = _huffman_codes(_DC_BITS, _DC_SYMBOLS)
_EOB = _huffman_codes(_AC_BITS, _AC_SYMBOLS)[0x00]


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def put(self, code: int, length: int) -> None:
        for shift in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((code >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0x00)  # byte stuffing
                self.acc = self.count = 0

    def flush(self) -> bytes:
        if self.count:
            self.put((1 << (8 - self.count)) - 1, 8 - self.count)  # pad with 1-bits
        return bytes(self.out)


def _put_dc(bits: _Bits, diff: int) -> None:
    category = abs(diff).bit_length()
    bits.put(*_DC[category])
    if category:
        extra = diff if diff > 0 else diff + (1 << category) - 1
        bits.put(extra, category)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", marker, len(payload) + 2) + payload


def solid_jpeg(width: int, height: int, rgb: RGB) -> bytes:
    """A baseline JPEG (JFIF, YCbCr 4:4:4, quantisation 1) of one colour."""
    r, g, b = rgb
    ycc = (
        0.299 * r + 0.587 * g + 0.114 * b,
        128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
    )
    dcs = [max(-1023, min(1023, round(8 * (v - 128)))) for v in ycc]
    bits = _Bits()
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    for block in range(blocks):
        for dc in dcs:
            _put_dc(bits, dc if block == 0 else 0)
            bits.put(*_EOB)
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    quant = b"\x00" + b"\x01" * 64
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"".join(
        bytes((n, 0x11, 0)) for n in (1, 2, 3)
    )
    tables = (
        b"\x00"
        + bytes(_DC_BITS)
        + bytes(_DC_SYMBOLS)
        + b"\x10"
        + bytes(_AC_BITS)
        + bytes(_AC_SYMBOLS)
    )
    scan = b"\x03" + b"".join(bytes((n, 0x00)) for n in (1, 2, 3)) + b"\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + _segment(0xFFE0, jfif)
        + _segment(0xFFDB, quant)
        + _segment(0xFFC0, frame)
        + _segment(0xFFC4, tables)
        + _segment(0xFFDA, scan)
        + bits.flush()
        + b"\xff\xd9"
    )
