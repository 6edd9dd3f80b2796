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
SAND = 37
CAUSTIC = 38
CASTLE_DARK = 39
CASTLE = 40
CASTLE_LIGHT = 41
WINDOW = 42  # dark by day, lit by the evening and night palettes
SPEECH = 43
SPEECH_EDGE = 44
SPEECH_INK = 45
USER_SPEECH = 46
USER_INK = 47
SPARKLE = 48
STAR = 49
GLASS_SHADOW = 50

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
    (230, 206, 150),  # SAND
    (176, 236, 246),  # CAUSTIC
    (120, 96, 118),  # CASTLE_DARK
    (186, 160, 170),  # CASTLE
    (226, 206, 208),  # CASTLE_LIGHT
    (60, 46, 70),  # WINDOW
    (255, 252, 240),  # SPEECH
    (96, 80, 104),  # SPEECH_EDGE
    (38, 28, 46),  # SPEECH_INK
    (214, 236, 255),  # USER_SPEECH
    (30, 60, 110),  # USER_INK
    (255, 244, 140),  # SPARKLE
    (255, 214, 60),  # STAR
    (34, 72, 140),  # GLASS_SHADOW
)
PALETTE: Palette = DAY

# Indices the time-of-day tint leaves alone: the fish, the speech bubbles and the effects stay readable.
_UNTINTED = frozenset(
    {TRANSPARENT, SPEECH, SPEECH_EDGE, SPEECH_INK, USER_SPEECH, USER_INK, SPARKLE, STAR, FISH_BLACK, FISH_WHITE}
)


def _tinted(base: Palette, scale: tuple[float, float, float], lift: tuple[int, int, int], window: RGB) -> Palette:
    out = []
    for i, (r, g, b) in enumerate(base):
        if i in _UNTINTED:
            out.append((r, g, b))
            continue
        tinted = tuple(min(255, max(0, round(c * k + d))) for c, k, d in zip((r, g, b), scale, lift, strict=True))
        if i in FISH_COLOURS or i == FISH_BLUSH:
            # The fish is lit by the castle's glow: tinted only halfway, so it stays a goldfish at night.
            tinted = tuple(round((t + c) / 2) for t, c in zip(tinted, (r, g, b), strict=True))
        out.append(tinted)  # type: ignore[arg-type]
    out[WINDOW] = window
    return tuple(out)  # type: ignore[return-value]


MORNING: Palette = _tinted(DAY, (1.02, 0.96, 0.90), (12, 6, 0), (70, 56, 80))
EVENING: Palette = _tinted(DAY, (1.0, 0.78, 0.74), (10, 0, 12), (255, 196, 96))
NIGHT: Palette = _tinted(DAY, (0.38, 0.44, 0.66), (8, 10, 26), (255, 214, 110))

# (local hour, palette): the anchors the clock blends between, wrapping around midnight.
_ANCHORS: tuple[tuple[float, Palette], ...] = (
    (3.0, NIGHT),
    (6.5, MORNING),
    (10.0, DAY),
    (16.0, DAY),
    (19.0, EVENING),
    (22.0, NIGHT),
)
BLEND_STEPS = 6  # blends are quantized so the caches of finished layers stay small


def blend(a: Palette, b: Palette, t: float) -> Palette:
    """``a`` mixed toward ``b`` by ``t`` in [0, 1]."""
    return tuple(
        (round(x[0] + (y[0] - x[0]) * t), round(x[1] + (y[1] - x[1]) * t), round(x[2] + (y[2] - x[2]) * t))
        for x, y in zip(a, b, strict=True)
    )


_BLENDS: dict[tuple[int, int], Palette] = {}


def palette_for_hour(hour: float) -> Palette:
    """The scene palette at local ``hour`` (0-24, fractional): anchors blended in ``BLEND_STEPS`` steps."""
    hour %= 24.0
    n = len(_ANCHORS)
    for k in range(n):
        h0, p0 = _ANCHORS[k]
        h1, p1 = _ANCHORS[(k + 1) % n]
        span = (h1 - h0) % 24.0
        into = (hour - h0) % 24.0
        if into < span:
            step = min(BLEND_STEPS, int(into / span * BLEND_STEPS + 0.5))
            if p0 is p1 or step == 0:
                return p0
            if step == BLEND_STEPS:
                return p1
            key = (k, step)
            if key not in _BLENDS:  # a handful of entries: one per anchor pair and step
                _BLENDS[key] = blend(p0, p1, step / BLEND_STEPS)
            return _BLENDS[key]
    return DAY


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
