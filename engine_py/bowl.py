"""The static scene: a round glass bowl of water on a desk, with gravel, plants and rocks.

Drawn once as palette indices with plain per-pixel code (clear beats fast for a one-off), then expanded to
RGBA once per palette. A frame only ever copies the finished bytes. The geometry constants are public
because the fish's movement is bounded by the same water the scene draws.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache

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


# Three depth zones of 8x8 water tiles, GBA style: a base shade with little wave marks that swap between
# two frames. (dx, dy) of the lighter marks in a tile, per frame.
TILE = 8
_WAVE_MARKS = (
    ((1, 3), (2, 2), (3, 3)),
    ((4, 5), (5, 4), (6, 5)),
)
ZONE_TOPS = (WATER_TOP, 62, 96)  # where each depth zone begins (multiples of the tile grid from the surface)
_ZONES = ((P.WATER_LIGHT, P.WATER_SURFACE), (P.WATER, P.WATER_LIGHT), (P.WATER_MID, P.WATER))
_WATER_FRAMES = 2


def _zone(y: int) -> int:
    return 2 if y >= ZONE_TOPS[2] else 1 if y >= ZONE_TOPS[1] else 0


def _draw_water(c: _Canvas, frame: int) -> None:
    marks = set(_WAVE_MARKS[frame % _WATER_FRAMES])
    for y in range(RIM_Y, BASE_Y):
        for x in range(c.width):
            if not _inside_glass(x, y):
                continue
            if y < WATER_TOP:
                c.put(x, y, P.AIR)
                continue
            zone = _zone(y)
            # The zone boundary is dithered over four rows so the depths blend instead of banding.
            if zone > 0 and y - ZONE_TOPS[zone] < 4 and _BAYER[y % 4][x % 4] * 4 > y - ZONE_TOPS[zone]:
                zone -= 1
            base, mark = _ZONES[zone]
            # Marks on every other tile, in a checkerboard: a ripple texture, not a polka-dot print.
            checker = (x // TILE + (y - WATER_TOP) // TILE) % 2 == 0
            in_tile = ((x % TILE), (y - WATER_TOP) % TILE) in marks
            colour = mark if checker and in_tile and y > WATER_TOP + 3 else base
            # Refraction shadow: the water darkens toward the glass, in an ordered dither.
            edge = math.hypot(x + 0.5 - CENTER_X, y + 0.5 - CENTER_Y) / INNER_RADIUS
            shade = (edge - 0.84) / 0.12
            if shade > _BAYER[y % 4][x % 4]:
                colour = P.WATER_DEEP if shade < 1.0 else P.GLASS_SHADOW
            c.put(x, y, colour)
    # The surface: a bright line with a dithered band under it (the foam on it moves: see foam_row).
    for x in range(c.width):
        if _inside_glass(x, WATER_TOP):
            c.put(x, WATER_TOP, P.WATER_SURFACE)
            if (x // 2) % 2 == 0:
                c.put(x, WATER_TOP + 1, P.WATER_SURFACE)


def _draw_gravel(c: _Canvas) -> None:
    for x in range(c.width):
        top = _gravel_top(x)
        for y in range(top, BASE_Y):
            if _inside_glass(x, y):
                # A sandy crust on top, dithered into the gravel below it.
                depth = y - top
                sandy = depth < 2 or (depth < 5 and _BAYER[y % 4][x % 4] * 3 > depth - 2)
                c.put(x, y, P.SAND if sandy else P.GRAVEL_DARK)
    # Pebbles: little lit ovals, a few of them coloured like aquarium gravel.
    rng = random.Random(11)
    for _ in range(420):
        px = rng.randrange(CENTER_X - INNER_RADIUS, CENTER_X + INNER_RADIUS)
        py = rng.randrange(_GRAVEL_LINE - 1, BASE_Y)
        if py < _gravel_top(px) + 2:
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


def _draw_plant(c: _Canvas, root_x: int, height: int, phase: float, swing: float = 0.0) -> None:
    """A stalk of water weed with blade leaves on alternate sides; ``swing`` (-1..1) sways its top."""
    root_y = _gravel_top(root_x) + 1
    stalk = []
    for i in range(height):
        sway = (3.0 * math.sin(i * 0.16 + phase) + 2.0 * swing) * (i / height)
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


def _draw_caustics(c: _Canvas, frame: int) -> None:
    """Light rippling on the sand: a moving net of bright cells along the top of the gravel."""
    phase = frame * math.tau / FRAMES
    for x in range(c.width):
        top = _gravel_top(x)
        for y in range(top, top + 6):
            if not _inside_glass(x, y) or c.get(x, y) not in (P.SAND, P.GRAVEL_DARK, P.GRAVEL, P.GRAVEL_LIGHT):
                continue
            v = math.sin(x * 0.42 + phase) + math.sin(x * 0.19 - y * 0.9 - phase * 2) + math.sin((x + y) * 0.27)
            if v > 1.55 - (y - top) * 0.12:
                c.put(x, y, P.CAUSTIC)


def _draw_castle(c: _Canvas, left: int, base: int) -> None:
    """A small stone castle: two towers with crenels, a keep, an arched door and windows lit at night."""

    def block(x0: int, y0: int, x1: int, y1: int) -> None:
        for y in range(y0, y1):
            for x in range(x0, x1):
                if not _inside_glass(x, y):
                    continue
                edge = x in (x0, x1 - 1) or y == y0
                brick = (y - y0) % 4 == 3 or ((x - x0 + (0 if (y - y0) // 4 % 2 else 2)) % 5 == 0 and (y - y0) % 4)
                colour = P.CASTLE_DARK if edge else P.CASTLE_LIGHT if x == x0 + 1 else P.CASTLE
                c.put(x, y, P.CASTLE_DARK if brick and not edge and colour == P.CASTLE else colour)
        for x in range(x0, x1, 2):  # crenels
            c.put(x, y0 - 1, P.CASTLE_DARK)
            c.put(x, y0 - 2, P.CASTLE_DARK)

    block(left + 5, base - 15, left + 19, base)  # the keep
    block(left, base - 22, left + 7, base)  # the left tower
    block(left + 17, base - 19, left + 24, base)  # the right tower
    # A pennant on the tall tower.
    for y in range(base - 28, base - 23):
        c.put(left + 3, y, P.CASTLE_DARK)
    for x, y in ((left + 4, base - 28), (left + 5, base - 28), (left + 4, base - 27)):
        c.put(x, y, P.PEBBLE_PINK)
    # The door: an arch the fish could almost swim through.
    for y in range(base - 7, base):
        for x in range(left + 10, left + 14):
            arch = y == base - 7 and x in (left + 10, left + 13)
            if not arch:
                c.put(x, y, P.INK)
    # Windows: WINDOW is dark in the day palettes and glows in the evening and night ones.
    for x, y in ((left + 2, base - 17), (left + 19, base - 14), (left + 8, base - 12), (left + 15, base - 12)):
        for dy in range(3):
            c.put(x, y + dy, P.WINDOW)
            c.put(x + 1, y + dy, P.WINDOW)


FRAMES = 8  # background frames: water tiles swap every other frame; caustics and plants move every frame
FRAME_TIME = 0.3  # s per background frame, so the water tiles swap every 0.6 s
FOAM_SPEED = 6.0  # px/s the surface foam drifts
# Plants: (root x, height, phase); swayed per frame.
_PLANTS = ((CENTER_X - 46, 62, 0.0), (CENTER_X - 37, 44, 1.7), (CENTER_X + 46, 54, 3.1), (CENTER_X - 12, 30, 4.4))
CASTLE_LEFT = CENTER_X + 6


@lru_cache(maxsize=2)
def _under_layer(water_frame: int) -> bytes:
    """What lies behind the moving things: the room, one frame of the water tiles, the gravel."""
    c = _Canvas(WIDTH, HEIGHT, P.WALL)
    _draw_room(c)
    _draw_water(c, water_frame)
    _draw_gravel(c)
    return bytes(c.data)


@lru_cache(maxsize=1)
def _over_runs() -> tuple[tuple[int, bytes], ...]:
    """What lies in front of them (castle, rocks, glass, rim) as runs of opaque indices: pasted per frame."""
    c = _Canvas(WIDTH, HEIGHT, P.TRANSPARENT)
    _draw_castle(c, CASTLE_LEFT, _gravel_top(CASTLE_LEFT + 12) + 2)
    _draw_rock(c, CENTER_X + 38, 134, 8.0, 5.5)
    _draw_rock(c, CENTER_X + 47, 138, 5.0, 3.5)
    _draw_rock(c, CENTER_X - 22, 138, 5.0, 3.5)
    _draw_glass(c)
    _draw_rim(c)
    runs, data, i = [], c.data, 0
    while i < len(data):
        if data[i] == P.TRANSPARENT:
            i += 1
            continue
        start = i
        while i < len(data) and data[i] != P.TRANSPARENT and (i == start or i % WIDTH):
            i += 1
        runs.append((start, bytes(data[start:i])))
    return tuple(runs)


@lru_cache(maxsize=FRAMES)
def background_indices(frame: int = 0) -> bytes:
    """The whole scene as palette indices for background ``frame``, ``WIDTH * HEIGHT`` bytes, drawn once.

    Only the moving parts are drawn per frame (caustics, plants) between two layers drawn once, so the
    eight frames cost little more than one even on Pyodide.
    """
    frame %= FRAMES
    c = _Canvas(WIDTH, HEIGHT, P.WALL)
    c.data[:] = _under_layer((frame // 2) % 2)
    _draw_caustics(c, frame)
    sway = math.sin(frame * math.tau / FRAMES)
    for root, height, phase in _PLANTS:
        _draw_plant(c, root, height, phase, sway)
    data = c.data
    for start, run in _over_runs():
        data[start : start + len(run)] = run
    return bytes(data)


@lru_cache(maxsize=3 * FRAMES)
def background(palette: P.Palette = P.PALETTE, frame: int = 0) -> bytes:
    """The scene in RGBA for ``palette`` and ``frame``, ready for ``Framebuffer.fill_from``; cached."""
    return P.to_rgba(background_indices(frame % FRAMES), palette)


def background_frame(time: float, reduced_motion: bool = False) -> int:
    """Which background frame shows at simulation ``time`` (the first, always, under reduced motion)."""
    return 0 if reduced_motion else int(time / FRAME_TIME) % FRAMES


def _foam_span() -> tuple[int, int]:
    half = int(water_half_width(WATER_TOP + 0.5)) - 1
    return CENTER_X - half, CENTER_X + half


@lru_cache(maxsize=8)
def foam_strip(palette: P.Palette = P.PALETTE) -> bytes:
    """Two periods of the foam line in RGBA: a frame copies a sliding window of it onto the surface row."""
    left, right = _foam_span()
    width = right - left
    cells = bytearray()
    for x in range(2 * width):
        # Clumps of foam with gaps: long enough to read as drifting, not as a dotted line.
        v = math.sin(x * math.tau / width * 3) + 0.6 * math.sin(x * math.tau / width * 7 + 1.0)
        cells.append(P.GLASS_SHINE if v > 0.7 else P.WATER_SURFACE if v > -0.4 else P.WATER_LIGHT)
    return P.to_rgba(bytes(cells), palette)


def foam_row(palette: P.Palette, time: float, reduced_motion: bool = False) -> tuple[int, bytes]:
    """(byte offset in the frame, RGBA bytes) of the surface row's foam at ``time``."""
    left, right = _foam_span()
    width = right - left
    shift = 0 if reduced_motion else int(time * FOAM_SPEED) % width
    strip = foam_strip(palette)
    return (WATER_TOP * WIDTH + left) * 4, strip[shift * 4 : (shift + width) * 4]
