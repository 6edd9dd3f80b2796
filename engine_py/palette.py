"""The fixed palette every layer draws with.

Art is stored as palette indices, never as RGB: a different palette (night, dusk) recolours every cached
layer and sprite without redrawing it. Index 0 is the colour key, the only transparent index.
"""

from __future__ import annotations

from typing import TypeAlias

RGB: TypeAlias = tuple[int, int, int]
Palette: TypeAlias = tuple[RGB, ...]

# Named indices. The order is the palette's order; append new colours at the end so stored art keeps
# its meaning.
TRANSPARENT = 0
INK = 1
WALL = 2
WALL_SHADE = 3
DESK = 4
DESK_DARK = 5
DESK_LIGHT = 6
WATER_SURFACE = 7
WATER_LIGHT = 8
WATER = 9
WATER_MID = 10
WATER_DEEP = 11
GLASS = 12
GLASS_SHINE = 13
GLASS_EDGE = 14
AIR = 15
GRAVEL_DARK = 16
GRAVEL = 17
GRAVEL_LIGHT = 18
PEBBLE_PINK = 19
PEBBLE_BLUE = 20
PLANT_DARK = 21
PLANT = 22
PLANT_LIGHT = 23
ROCK_DARK = 24
ROCK = 25
ROCK_LIGHT = 26
FISH_OUTLINE = 27
FISH_DARK = 28
FISH_ORANGE = 29
FISH_GOLD = 30
FISH_WHITE = 31
FISH_BLACK = 32
FISH_FIN = 33
FISH_BLUSH = 34
BUBBLE = 35
BUBBLE_EDGE = 36

# Depth order: the water shades from the surface down, for gradients.
WATER_SHADES = (WATER_LIGHT, WATER, WATER_MID, WATER_DEEP)
FISH_COLOURS = frozenset({FISH_OUTLINE, FISH_DARK, FISH_ORANGE, FISH_GOLD, FISH_WHITE, FISH_FIN})

DAY: Palette = (
    (0, 0, 0),  # TRANSPARENT: never drawn
    (38, 28, 46),  # INK
    (247, 231, 210),  # WALL
    (235, 212, 190),  # WALL_SHADE
    (178, 118, 78),  # DESK
    (122, 74, 50),  # DESK_DARK
    (212, 156, 106),  # DESK_LIGHT
    (206, 244, 250),  # WATER_SURFACE
    (120, 204, 236),  # WATER_LIGHT
    (76, 164, 222),  # WATER
    (52, 126, 200),  # WATER_MID
    (40, 90, 166),  # WATER_DEEP
    (212, 238, 246),  # GLASS
    (255, 255, 255),  # GLASS_SHINE
    (128, 170, 196),  # GLASS_EDGE
    (232, 238, 236),  # AIR: the wall seen through the glass above the water
    (104, 88, 86),  # GRAVEL_DARK
    (164, 144, 128),  # GRAVEL
    (218, 200, 176),  # GRAVEL_LIGHT
    (236, 150, 164),  # PEBBLE_PINK
    (138, 188, 222),  # PEBBLE_BLUE
    (30, 108, 76),  # PLANT_DARK
    (58, 162, 86),  # PLANT
    (146, 214, 98),  # PLANT_LIGHT
    (78, 80, 108),  # ROCK_DARK
    (126, 128, 152),  # ROCK
    (180, 184, 200),  # ROCK_LIGHT
    (150, 44, 26),  # FISH_OUTLINE
    (226, 90, 32),  # FISH_DARK
    (252, 136, 42),  # FISH_ORANGE
    (255, 200, 76),  # FISH_GOLD
    (255, 246, 222),  # FISH_WHITE
    (28, 18, 28),  # FISH_BLACK
    (255, 174, 100),  # FISH_FIN
    (255, 140, 150),  # FISH_BLUSH
    (226, 248, 255),  # BUBBLE
    (146, 208, 240),  # BUBBLE_EDGE
)
PALETTE: Palette = DAY


def to_rgba(indices: bytes | bytearray, palette: Palette) -> bytes:
    """Expand a buffer of palette indices into RGBA bytes, 4 per index.

    One ``bytes.translate`` per channel and a strided slice assignment each: no Python loop over pixels,
    so even a full-screen layer converts in well under a millisecond.
    """
    channels = []
    for c in range(3):
        table = bytearray(256)
        for i, colour in enumerate(palette):
            table[i] = colour[c]
        channels.append(bytes(indices).translate(table))
    out = bytearray(len(indices) * 4)
    out[0::4], out[1::4], out[2::4] = channels
    out[3::4] = b"\xff" * len(indices)
    return bytes(out)
