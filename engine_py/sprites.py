"""Procedural sprites: the goldfish and its bubbles, every pixel chosen by code.

Each sprite is first a grid of palette indices (rows of ``bytes``; 0 is transparent), built from simple
shapes in fish-local coordinates, then prepared once per palette into row runs for ``blit``. The side view
is drawn facing right and mirrored for left; the tail wag is a tilt of the tail fan per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from engine_py import palette as P
from engine_py.framebuffer import Sprite, make_sprite

Grid = tuple[bytes, ...]

SIDE_WIDTH = 24
SIDE_HEIGHT = 16
FRONT_WIDTH = 16
FRONT_HEIGHT = 16

# The tail tip's vertical offset in pixels, per swim frame: a full wag cycle.
TAIL_TILTS = (0.0, 1.6, 0.0, -1.6)


def _outlined(cells: list[list[int]], ink: int) -> Grid:
    """Ink every transparent cell that touches a filled one (4-neighbour): a 1-pixel outline."""
    height, width = len(cells), len(cells[0])
    out = [row[:] for row in cells]
    for y in range(height):
        for x in range(width):
            if cells[y][x]:
                continue
            for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
                if 0 <= nx < width and 0 <= ny < height and cells[ny][nx] not in (0, ink):
                    out[y][x] = ink
                    break
    return tuple(bytes(row) for row in out)


def mirrored(grid: Grid) -> Grid:
    return tuple(row[::-1] for row in grid)


def side_fish(tilt: float, fin_up: bool = False) -> Grid:
    """The goldfish from the side, facing right. ``tilt`` bends the tail fan up or down (pixels)."""
    cells = [[0] * SIDE_WIDTH for _ in range(SIDE_HEIGHT)]
    body_x, body_y, rx, ry = 14.0, 8.5, 6.6, 5.0
    tail_root = 8.5  # where the tail fan meets the body

    for y in range(SIDE_HEIGHT):
        for x in range(SIDE_WIDTH):
            px, py = x + 0.5, y + 0.5
            # Tail: a fan opening leftwards from the root, tilted by the wag, forked at its tip.
            u = tail_root - px  # distance back from the root
            if 0 <= u <= 7.2:
                v = py - (body_y + tilt * u / 7.0)
                spread = 1.0 + u * 0.72
                fork = u > 4.6 and abs(v) < (u - 4.6) * 1.4
                if abs(v) <= spread and not fork and u <= 7.2 - 0.12 * abs(v):
                    # Streaks along the fan read as thin, translucent fin rays.
                    streak = round(abs(v) * 1.2) % 2 == 0
                    cells[y][x] = P.FISH_FIN if streak else P.FISH_ORANGE
                    if u > 5.6:
                        cells[y][x] = P.FISH_GOLD
            # Dorsal fin: a swept-back sail on the back.
            top = body_y - ry * math.sqrt(max(0.0, 1 - ((px - body_x) / rx) ** 2))
            if 10.0 <= px <= 17.0:
                height = 3.2 - abs(px - 12.5) * 0.55 if px < 12.5 else 3.2 - (px - 12.5) * 0.75
                if top - height <= py < top + 0.5:
                    cells[y][x] = P.FISH_FIN if py < top - 1.0 else P.FISH_ORANGE
            # Anal fin: a small flag under the back half.
            bottom = body_y + ry * math.sqrt(max(0.0, 1 - ((px - body_x) / rx) ** 2))
            if 10.0 <= px <= 13.0 and bottom - 0.5 < py <= bottom + 2.2 - (px - 10.0) * 0.5:
                cells[y][x] = P.FISH_FIN
            # Body: an ellipse shaded dark on the back, gold then white toward the belly.
            nx, ny = (px - body_x) / rx, (py - body_y) / ry
            if nx * nx + ny * ny < 1.0:
                if ny < -0.5:
                    colour = P.FISH_DARK
                elif ny < 0.25:
                    colour = P.FISH_ORANGE
                elif ny < 0.7:
                    colour = P.FISH_GOLD
                else:
                    colour = P.FISH_WHITE if nx > -0.4 else P.FISH_GOLD
                cells[y][x] = colour

    # Scales: a sparse gold glint across the flank.
    for x, y in ((10, 7), (12, 6), (12, 8), (14, 7)):
        cells[y][x] = P.FISH_GOLD
    # Gill: a short dark arc behind the head.
    for x, y in ((16, 6), (16, 7), (16, 8), (15, 9)):
        cells[y][x] = P.FISH_DARK
    # Pectoral fin behind the gill, raised or lowered by the swim frame.
    for x, y in ((14, 9), (13, 10)) if not fin_up else ((14, 9), (13, 9)):
        cells[y][x] = P.FISH_FIN
    # Face: a big shiny eye, a rosy cheek and a little mouth.
    cells[6][17] = P.FISH_WHITE
    cells[6][18] = P.FISH_BLACK
    cells[7][17] = P.FISH_BLACK
    cells[7][18] = P.FISH_BLACK
    cells[9][18] = P.FISH_BLUSH
    cells[9][20] = P.FISH_DARK
    return _outlined(cells, P.FISH_OUTLINE)


def front_fish(mouth_open: bool, fins_up: bool) -> Grid:
    """The goldfish facing the viewer (when it talks): round face, two eyes, a mouth that opens."""
    cells = [[0] * FRONT_WIDTH for _ in range(FRONT_HEIGHT)]
    cx, cy = 8.0, 8.5
    for y in range(FRONT_HEIGHT):
        for x in range(FRONT_WIDTH):
            px, py = x + 0.5, y + 0.5
            # Side fins poke out left and right, flapping with the mouth.
            side = abs(px - cx)
            fin_y = cy + (0.8 if fins_up else 2.0) + (side - 5.0) * (-0.5 if fins_up else 0.5)
            if 4.0 < side < 7.8 and abs(py - fin_y) < 1.3:
                cells[y][x] = P.FISH_FIN
            # Dorsal fin: a ridge on top.
            if abs(px - cx) < 1.1 and cy - 7.6 < py < cy - 4.0:
                cells[y][x] = P.FISH_FIN
            nx, ny = (px - cx) / 5.3, (py - cy) / 5.6
            if nx * nx + ny * ny < 1.0:
                if ny < -0.55:
                    colour = P.FISH_DARK
                elif ny < 0.3:
                    colour = P.FISH_ORANGE
                else:
                    colour = P.FISH_GOLD if abs(nx) > 0.45 else P.FISH_WHITE
                cells[y][x] = colour
    for ex in (5, 10):
        cells[6][ex - 1] = P.FISH_WHITE
        cells[6][ex] = P.FISH_BLACK
        cells[7][ex - 1] = P.FISH_BLACK
        cells[7][ex] = P.FISH_BLACK
        cells[8][ex - 1 if ex < 8 else ex] = P.FISH_BLUSH
    if mouth_open:
        for x, y in ((7, 9), (8, 9), (7, 10), (8, 10)):
            cells[y][x] = P.FISH_BLACK
    else:
        cells[10][7] = P.FISH_DARK
        cells[10][8] = P.FISH_DARK
    return _outlined(cells, P.FISH_OUTLINE)


def bubble(size: int) -> Grid:
    """A rising bubble: a 2x2 dot when small, a ring with a glint when large."""
    if size <= 1:
        return (bytes((P.BUBBLE, P.BUBBLE)), bytes((P.BUBBLE, P.BUBBLE_EDGE)))
    e, b, s = P.BUBBLE_EDGE, P.BUBBLE, 0
    return (
        bytes((s, e, e, s)),
        bytes((e, b, s, e)),
        bytes((e, s, s, e)),
        bytes((s, e, e, s)),
    )


@dataclass(frozen=True, slots=True)
class FishSprites:
    right: tuple[Sprite, ...]  # swim frames facing right
    left: tuple[Sprite, ...]  # the same frames mirrored
    front: tuple[Sprite, ...]  # facing the viewer: mouth closed, mouth open
    bubbles: tuple[Sprite, ...]  # by size: small, large


@lru_cache(maxsize=8)
def fish_sprites(palette: P.Palette = P.PALETTE) -> FishSprites:
    """Every fish and bubble sprite prepared for ``palette``; computed once per palette."""
    side = [side_fish(tilt, fin_up=i % 2 == 1) for i, tilt in enumerate(TAIL_TILTS)]
    return FishSprites(
        right=tuple(make_sprite(g, palette) for g in side),
        left=tuple(make_sprite(mirrored(g), palette) for g in side),
        front=tuple(make_sprite(front_fish(m, m), palette) for m in (False, True)),
        bubbles=tuple(make_sprite(bubble(s), palette) for s in (1, 2)),
    )
