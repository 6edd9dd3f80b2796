"""The framebuffer as terminal text: truecolor half blocks, two pixels a character cell.

Each cell prints "▀" with the upper pixel as the foreground colour and the lower one as the
background. Colour codes are only written when they change along a row, which keeps a frame a few
tens of kilobytes.
"""

from __future__ import annotations

from dataclasses import dataclass

UPPER_HALF = "\u2580"
RESET = "\x1b[0m"


@dataclass(frozen=True)
class Fit:
    """How a width x height framebuffer maps onto a block of terminal cells."""

    cols: int
    rows: int
    scale: float  # framebuffer pixels per terminal pixel (a cell is 1 x 2 terminal pixels)

    def to_frame(self, col: int, row: int) -> tuple[float, float]:
        """The framebuffer point under the middle of a cell (for mouse clicks)."""
        return (col + 0.5) * self.scale, (row + 0.5) * 2 * self.scale


def fit(width: int, height: int, cols: int, rows: int) -> Fit:
    """The largest picture of the frame that fits ``cols`` x ``rows`` cells, keeping its shape."""
    scale = max(width / max(1, cols), height / max(1, rows * 2))
    return Fit(cols=max(1, min(cols, int(width / scale))), rows=max(1, min(rows, int(height / (2 * scale)))),
               scale=scale)


def frame_lines(pixels: bytes | bytearray, width: int, layout: Fit) -> list[str]:
    """One string per cell row, nearest-neighbour sampled from RGBA ``pixels``."""
    xs = [min(width - 1, int((c + 0.5) * layout.scale)) * 4 for c in range(layout.cols)]
    lines = []
    for row in range(layout.rows):
        top = int((2 * row + 0.5) * layout.scale) * width * 4
        bottom = int((2 * row + 1.5) * layout.scale) * width * 4
        parts, last = [], None
        for x in xs:
            i, j = top + x, bottom + x
            colours = (pixels[i], pixels[i + 1], pixels[i + 2], pixels[j], pixels[j + 1], pixels[j + 2])
            if colours != last:
                r, g, b, r2, g2, b2 = colours
                parts.append(f"\x1b[38;2;{r};{g};{b}m\x1b[48;2;{r2};{g2};{b2}m")
                last = colours
            parts.append(UPPER_HALF)
        parts.append(RESET)
        lines.append("".join(parts))
    return lines
