"""A minimal PNG encoder (RGBA, 8 bits per channel) on the standard library: zlib and struct.

The build writes the boot poster and the app icons with it, so building the site needs neither pillow
nor anything else outside the standard library (``python -m pet serve`` must run on a bare CPython).
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGBA = 6  # PNG colour type: truecolour with alpha


def _chunk(kind: bytes, data: bytes) -> bytes:
    # Each chunk: length, type, data, and a CRC over type + data.
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(width: int, height: int, rgba: bytes | bytearray | memoryview) -> bytes:
    """The PNG file of a ``width`` x ``height`` image given as row-major RGBA bytes."""
    if width <= 0 or height <= 0:
        raise ValueError(f"a PNG needs a positive size, not {width}x{height}")
    stride = width * 4
    data = bytes(rgba)
    if len(data) != stride * height:
        raise ValueError(f"{width}x{height} RGBA needs {stride * height} bytes, got {len(data)}")
    # Filter type 0 (none) before every row: pixel art compresses well enough without prediction.
    raw = b"".join(b"\x00" + data[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, RGBA, 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")


def upscale(rgba: bytes | bytearray, width: int, height: int, factor: int) -> bytes:
    """Nearest-neighbour upscale by a whole number: every pixel becomes a factor x factor square."""
    if factor < 1:
        raise ValueError("the factor must be a positive integer")
    out = bytearray()
    for y in range(height):
        row = rgba[y * width * 4 : (y + 1) * width * 4]
        wide = b"".join(bytes(row[x * 4 : x * 4 + 4]) * factor for x in range(width))
        out += wide * factor
    return bytes(out)
