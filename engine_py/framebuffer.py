"""The RGBA framebuffer and the one way things get drawn into it per frame: row runs.

A frame is composed from a cached background (one slice assignment) plus a few sprites. A sprite is
prepared once into runs of opaque pixels already expanded to RGBA, so drawing it is one slice assignment
per run; there is never a Python loop over pixels while a frame is drawn (that costs ~20 ms on Pyodide).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 240
HEIGHT = 160

# (dx, dy, rgba): an opaque horizontal run starting dx pixels right and dy rows below the sprite's origin.
Run = tuple[int, int, bytes]


class Framebuffer:
    """A ``width`` x ``height`` RGBA image, row-major, 4 bytes per pixel, handed to the canvas as is."""

    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(width * height * 4)

    def fill_from(self, background: bytes | bytearray) -> None:
        """Overwrite the whole frame with a prepared layer of the same size."""
        if len(background) != len(self.pixels):
            raise ValueError(f"background has {len(background)} bytes, the frame {len(self.pixels)}")
        self.pixels[:] = background

    def pixel(self, x: int, y: int) -> tuple[int, int, int, int]:
        """One pixel's RGBA, for tests and tools (slow by design: not for drawing)."""
        i = (y * self.width + x) * 4
        r, g, b, a = self.pixels[i : i + 4]
        return r, g, b, a


@dataclass(frozen=True, slots=True)
class Sprite:
    width: int
    height: int
    runs: tuple[Run, ...]


def make_sprite(rows: Sequence[bytes | Sequence[int]], palette: Sequence[tuple[int, int, int]]) -> Sprite:
    """Prepare a grid of palette indices (index 0 transparent) into RGBA row runs. Done once per palette."""
    colours = [bytes((r, g, b, 255)) for r, g, b in palette]
    runs: list[Run] = []
    for dy, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x] == 0:
                x += 1
                continue
            start = x
            while x < len(row) and row[x] != 0:
                x += 1
            runs.append((start, dy, b"".join(colours[i] for i in row[start:x])))
    width = max((len(row) for row in rows), default=0)
    return Sprite(width, len(rows), tuple(runs))


def blit(fb: Framebuffer, sprite: Sprite, x: int, y: int) -> None:
    """Draw ``sprite`` with its top-left corner at (x, y), clipped to the frame."""
    width, height, pixels = fb.width, fb.height, fb.pixels
    if x >= width or y >= height or x + sprite.width <= 0 or y + sprite.height <= 0:
        return
    stride = width * 4
    if x >= 0 and y >= 0 and x + sprite.width <= width and y + sprite.height <= height:
        # Wholly inside: the common case skips every clipping test.
        for dx, dy, data in sprite.runs:
            start = (y + dy) * stride + (x + dx) * 4
            pixels[start : start + len(data)] = data
        return
    for dx, dy, data in sprite.runs:
        row = y + dy
        if row < 0 or row >= height:
            continue
        left = x + dx
        right = left + len(data) // 4
        if right <= 0 or left >= width:
            continue
        skip = 0
        if left < 0:
            skip = -left * 4
            left = 0
        right = min(right, width)
        count = (right - left) * 4
        start = row * stride + left * 4
        pixels[start : start + count] = data[skip : skip + count]
