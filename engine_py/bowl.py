"""The static scene: a round glass bowl of water on a desk, with gravel, plants and rocks.

Drawn once as palette indices with plain per-pixel code (clear beats fast for a one-off), then expanded to
RGBA once per palette. A frame only ever copies the finished bytes. The geometry constants are public
because the fish's movement is bounded by the same water the scene draws.
"""

from __future__ import annotations

import math
import random
from functools import cache, lru_cache

from engine_py import palette as P
from engine_py.framebuffer import HEIGHT, WIDTH

# The bowl is a circle cut flat at the top (the opening) and at the bottom (the base on the desk).
CENTER_X = 120
CENTER_Y = 80
OUTER_RADIUS = 72
INNER_RADIUS = 69  # inside the glass
RIM_Y = 16  # the opening: no glass above this row
BASE_Y = 150  # the flat base: no glass from this row down
DESK_Y = 140  # the desk's top face starts here
WATER_TOP = 30  # the surface line; the fish stays below it
GRAVEL_TOP = 125  # the highest gravel pixel; the fish stays above it
_GRAVEL_LINE = 128  # the gravel's mean height, waved by _gravel_top()

# 4x4 ordered-dither thresholds in [0, 1): the classic Bayer matrix.
_BAYER = tuple(
    tuple((v + 0.5) / 16 for v in row)
    for row in (
        (0, 8, 2, 10),
        (12, 4, 14, 6),
        (3, 11, 1, 9),
        (15, 7, 13, 5),
    )
)


def water_half_width(y: float) -> float:
    """Half the width of the water (inside the glass) at row ``y``; 0 outside the circle."""
    dy = y - CENTER_Y
    if abs(dy) >= INNER_RADIUS:
        return 0.0
    return math.sqrt(INNER_RADIUS * INNER_RADIUS - dy * dy)


def in_water(x: float, y: float) -> bool:
    """Whether a point is in open water: under the surface, above the gravel, inside the glass."""
    if not WATER_TOP < y < GRAVEL_TOP:
        return False
    return (x - CENTER_X) ** 2 + (y - CENTER_Y) ** 2 < INNER_RADIUS * INNER_RADIUS


class _Canvas:
    """A palette-index image with the few drawing operations the scene needs."""

    def __init__(self, width: int, height: int, fill: int) -> None:
        self.width = width
        self.height = height
        self.data = bytearray([fill]) * (width * height)

    def put(self, x: int, y: int, colour: int) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.data[y * self.width + x] = colour

    def get(self, x: int, y: int) -> int:
        return self.data[y * self.width + x]


def _inside_glass(x: int, y: int) -> bool:
    dx, dy = x + 0.5 - CENTER_X, y + 0.5 - CENTER_Y
    return dx * dx + dy * dy < INNER_RADIUS * INNER_RADIUS and RIM_Y <= y < BASE_Y


def _in_bowl(x: int, y: int) -> bool:
    dx, dy = x + 0.5 - CENTER_X, y + 0.5 - CENTER_Y
    return dx * dx + dy * dy < OUTER_RADIUS * OUTER_RADIUS and RIM_Y <= y < BASE_Y


def _gravel_top(x: int) -> int:
    # Two slow waves make a bed that looks poured, not ruled; never above GRAVEL_TOP.
    wave = 1.6 * math.sin(x * 0.13) + 1.2 * math.sin(x * 0.41 + 1.0)
    return max(GRAVEL_TOP, round(_GRAVEL_LINE + wave))


def _draw_room(c: _Canvas) -> None:
    for y in range(c.height):
        for x in range(c.width):
            if y >= DESK_Y + 14:
                colour = P.DESK_DARK  # the desk's front edge
            elif y >= DESK_Y:
                colour = P.DESK_LIGHT if y == DESK_Y else P.DESK
            else:
                # Soft wallpaper stripes, dithered at their edges so they read as cloth, not lines.
                band = (x + 6) % 24
                colour = P.WALL_SHADE if band < 3 or (band == 3 and (x + y) % 2 == 0) else P.WALL
            c.put(x, y, colour)
    # Wood grain: a few long dashes along the desk.
    rng = random.Random(7)
    for i in range(12):
        y = rng.randrange(DESK_Y + 3, DESK_Y + 13)
        x0 = i * 20 + rng.randrange(0, 12)
        for x in range(x0, x0 + rng.randrange(12, 40)):
            c.put(x, y, P.DESK_DARK if (x + y) % 9 else P.DESK)
    # The bowl's shadow on the desk, dithered so it stays soft.
    for y in range(DESK_Y + 1, DESK_Y + 14):
        for x in range(c.width):
            d = ((x + 0.5 - CENTER_X - 6) / 78) ** 2 + ((y + 0.5 - BASE_Y) / 7) ** 2
            if d < 1 and (d < 0.6 or (x + y) % 2 == 0):
                c.put(x, y, P.DESK_DARK)


def _draw_water(c: _Canvas) -> None:
    depth = BASE_Y - WATER_TOP
    for y in range(RIM_Y, BASE_Y):
        for x in range(c.width):
            if not _inside_glass(x, y):
                continue
            if y < WATER_TOP:
                c.put(x, y, P.AIR)
                continue
            # Deeper and nearer the glass is darker; that curve is what makes the bowl read as round.
            t = (y - WATER_TOP) / depth
            edge = math.hypot(x + 0.5 - CENTER_X, y + 0.5 - CENTER_Y) / INNER_RADIUS
            shade = 0.1 + 0.8 * t + 0.5 * max(0.0, edge - 0.7)
            level = min(max(shade, 0.0), 0.999) * (len(P.WATER_SHADES) - 1)
            step = int(level)
            if level - step > _BAYER[y % 4][x % 4]:
                step += 1
            c.put(x, y, P.WATER_SHADES[step])
    # The surface: a bright line with a dithered band under it.
    for x in range(c.width):
        if _inside_glass(x, WATER_TOP):
            c.put(x, WATER_TOP, P.WATER_SURFACE)
            if (x // 2) % 2 == 0:
                c.put(x, WATER_TOP + 1, P.WATER_SURFACE)
            if x % 5 == 0:
                c.put(x, WATER_TOP + 2, P.WATER_SURFACE)


def _draw_gravel(c: _Canvas) -> None:
    for x in range(c.width):
        top = _gravel_top(x)
        for y in range(top, BASE_Y):
            if _inside_glass(x, y):
                c.put(x, y, P.GRAVEL_LIGHT if y == top else P.GRAVEL_DARK)
    # Pebbles: little lit ovals, a few of them coloured like aquarium gravel.
    rng = random.Random(11)
    for _ in range(420):
        px = rng.randrange(CENTER_X - INNER_RADIUS, CENTER_X + INNER_RADIUS)
        py = rng.randrange(_GRAVEL_LINE - 1, BASE_Y)
        if py < _gravel_top(px):
            continue
        roll = rng.random()
        body = P.PEBBLE_PINK if roll < 0.07 else P.PEBBLE_BLUE if roll < 0.12 else P.GRAVEL
        width = rng.choice((2, 3, 3, 4))
        for dx in range(width):
            for dy in range(2):
                x, y = px + dx, py + dy
                if _inside_glass(x, y) and y >= _gravel_top(x):
                    lit = dy == 0 and dx == 0 and body == P.GRAVEL
                    c.put(x, y, P.GRAVEL_LIGHT if lit else body)


def _draw_leaf(c: _Canvas, x0: float, y0: float, angle: float, length: float, width: float) -> None:
    """A blade-shaped leaf from (x0, y0) along ``angle``: a filled ellipse, lit on its upper side."""
    ux, uy = math.cos(angle), math.sin(angle)
    cx, cy = x0 + ux * length / 2, y0 + uy * length / 2
    reach = int(length / 2 + width) + 1
    for y in range(int(cy) - reach, int(cy) + reach + 1):
        for x in range(int(cx) - reach, int(cx) + reach + 1):
            px, py = x + 0.5 - cx, y + 0.5 - cy
            u = (px * ux + py * uy) / (length / 2)  # along the blade, -1..1
            v = (-px * uy + py * ux) / width  # across it, -1..1
            if u * u + v * v >= 1 or not _inside_glass(x, y):
                continue
            upper = v < 0 if ux > 0 else v > 0
            edge = u * u + v * v > 0.55
            colour = P.PLANT_LIGHT if upper and not edge else P.PLANT_DARK if edge and not upper else P.PLANT
            c.put(x, y, colour)


def _draw_plant(c: _Canvas, root_x: int, height: int, phase: float) -> None:
    """A swaying stalk of water weed with blade leaves on alternate sides."""
    root_y = _gravel_top(root_x) + 1
    stalk = []
    for i in range(height):
        sway = 3.0 * math.sin(i * 0.16 + phase) * (i / height)
        stalk.append((round(root_x + sway), root_y - i))
    # Leaves first so the stalk stays visible in front of their roots.
    for i in range(3, height - 2, 6):
        x, y = stalk[i]
        side = 1 if (i // 6) % 2 else -1
        length = 11 if i < height * 0.5 else 9 if i < height * 0.8 else 7
        angle = math.radians(-35 if side > 0 else -145)
        _draw_leaf(c, x + 0.5 + side, y + 0.5, angle, length, 2.1)
    for x, y in stalk:
        for dx, colour in ((0, P.PLANT_LIGHT), (1, P.PLANT_DARK)):
            if _inside_glass(x + dx, y):
                c.put(x + dx, y, colour)
    tip_x, tip_y = stalk[-1]
    _draw_leaf(c, tip_x + 0.5, tip_y + 1.0, math.radians(-95), 7, 2.0)


def _draw_rock(c: _Canvas, cx: int, cy: int, rx: float, ry: float) -> None:
    """A rounded stone: lit from the upper left, dark underneath, inked at the edge."""
    for y in range(int(cy - ry) - 1, int(cy + ry) + 2):
        for x in range(int(cx - rx) - 1, int(cx + rx) + 2):
            nx, ny = (x + 0.5 - cx) / rx, (y + 0.5 - cy) / ry
            d = nx * nx + ny * ny
            if d >= 1 or not _inside_glass(x, y):
                continue
            if d > 0.78:
                colour = P.ROCK_DARK
            elif nx + ny < -0.7:
                colour = P.ROCK_LIGHT
            elif nx + ny > 0.55:
                colour = P.ROCK_DARK if (x + y) % 2 else P.ROCK
            else:
                colour = P.ROCK
            c.put(x, y, colour)


def _draw_glass(c: _Canvas) -> None:
    outer2 = OUTER_RADIUS * OUTER_RADIUS
    inner2 = INNER_RADIUS * INNER_RADIUS
    for y in range(RIM_Y, BASE_Y):
        for x in range(c.width):
            dx, dy = x + 0.5 - CENTER_X, y + 0.5 - CENTER_Y
            d2 = dx * dx + dy * dy
            if not inner2 <= d2 < outer2:
                continue
            # Edge pixels on the outside are darker so the glass separates from the wall.
            outer_edge = d2 >= (OUTER_RADIUS - 1) ** 2
            c.put(x, y, P.GLASS_EDGE if outer_edge else P.GLASS)
    # The base: a thick foot of glass resting on the desk.
    for y in range(BASE_Y - 3, BASE_Y):
        for x in range(c.width):
            if _in_bowl(x, y):
                c.put(x, y, P.GLASS_EDGE if y == BASE_Y - 1 else P.GLASS)
    # Reflections: a long curved streak at the upper left and a short one at the lower right.
    for angle_deg, radius, span in ((205, INNER_RADIUS - 5, 38), (30, INNER_RADIUS - 4, 14)):
        for k in range(span * 4):
            a = math.radians(angle_deg + k / 4)
            for r in (radius, radius - 1) if span > 20 else (radius,):
                x = round(CENTER_X + r * math.cos(a))
                y = round(CENTER_Y + r * math.sin(a))
                if _inside_glass(x, y):
                    c.put(x, y, P.GLASS_SHINE)
    for x, y in ((CENTER_X - 50, CENTER_Y - 30), (CENTER_X - 48, CENTER_Y - 34)):
        c.put(x, y, P.GLASS_SHINE)


def _draw_rim(c: _Canvas) -> None:
    """The opening seen from slightly above: a flat ellipse of glass, its front lip brighter."""
    rx = math.sqrt(OUTER_RADIUS**2 - (RIM_Y - CENTER_Y) ** 2)
    ry = 4.0
    for y in range(RIM_Y - 5, RIM_Y + 6):
        for x in range(c.width):
            nx, ny = (x + 0.5 - CENTER_X) / rx, (y + 0.5 - RIM_Y) / ry
            d = nx * nx + ny * ny
            if d < 0.62:
                if y < RIM_Y:
                    c.put(x, y, P.AIR)  # looking into the bowl over the back lip
            elif d < 1.0:
                front = y >= RIM_Y
                c.put(x, y, P.GLASS_SHINE if front and d < 0.8 else P.GLASS)
            elif d < 1.35 and y < RIM_Y + 2:
                c.put(x, y, P.GLASS_EDGE)


@cache
def background_indices() -> bytes:
    """The whole scene as palette indices, ``WIDTH * HEIGHT`` bytes, drawn once."""
    c = _Canvas(WIDTH, HEIGHT, P.WALL)
    _draw_room(c)
    _draw_water(c)
    _draw_gravel(c)
    _draw_plant(c, CENTER_X - 46, 62, 0.0)
    _draw_plant(c, CENTER_X - 38, 44, 1.7)
    _draw_plant(c, CENTER_X + 44, 54, 3.1)
    _draw_rock(c, CENTER_X + 24, 133, 10.0, 6.5)
    _draw_rock(c, CENTER_X + 34, 137, 6.0, 4.0)
    _draw_rock(c, CENTER_X - 20, 138, 5.0, 3.5)
    _draw_glass(c)
    _draw_rim(c)
    return bytes(c.data)


@lru_cache(maxsize=8)
def background(palette: P.Palette = P.PALETTE) -> bytes:
    """The scene in RGBA for ``palette``, ready for ``Framebuffer.fill_from``; computed once per palette."""
    return P.to_rgba(background_indices(), palette)
