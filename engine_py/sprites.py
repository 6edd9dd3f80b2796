"""Procedural sprites: the goldfish in its 12 behaviour states, its decorations, and bubbles.

Every pixel is chosen by code. The fish is a 16x16 grid of palette indices (rows of ``bytes``; 0 is
transparent) built from simple shapes in fish-local coordinates, facing right; facing left is the mirror.
Each state is a few frames made from the same body with a different tail tilt, mouth, eye, squash or
shear. The pupil is not in the grid: the renderer blits it inside the eye toward the pointer, so the eye
follows without a sprite per direction. Sprites are prepared once per palette into row runs for ``blit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache

from engine_py import palette as P
from engine_py.framebuffer import Sprite, make_sprite

Grid = tuple[bytes, ...]

SIZE = 16
SIDE_WIDTH = SIZE
SIDE_HEIGHT = SIZE
EYE_X, EYE_Y = 11, 6  # the eye's 2x2 box, top-left, facing right

# The tail tip's vertical offset in pixels, per swim frame: a full wag cycle.
TAIL_TILTS = (0.0, 1.3, 0.0, -1.3)


@dataclass(frozen=True, slots=True)
class Pose:
    """One frame of the fish, as parameters of the body drawing."""

    tilt: float = 0.0  # tail bend, px at the tip
    mouth: str = "closed"  # closed, open, o (round, for bubbles), frown, chomp
    eye: str = "open"  # open (pupil blitted), closed, happy, sad, blank
    fin_up: bool = False
    squash: float = 0.0  # nose flattened against the glass, px
    stretch: float = 1.0  # horizontal scale: < 1 while turning
    shear: float = 0.0  # vertical shear front to back: the wiggle
    blush: bool = False
    baked_pupil: bool = False  # the pupil is drawn into the grid (frames the renderer cannot aim it in)


def _body(pose: Pose) -> list[list[int]]:
    cells = [[0] * SIZE for _ in range(SIZE)]
    body_x, body_y, rx, ry = 9.3, 8.0, 4.9 - pose.squash * 0.5, 4.0
    tail_root = 5.4
    for y in range(SIZE):
        for x in range(SIZE):
            px, py = x + 0.5, y + 0.5
            u = tail_root - px  # distance back from the tail root
            if 0 <= u <= 5.2:
                v = py - (body_y + pose.tilt * u / 5.0)
                spread = 0.9 + u * 0.62
                fork = u > 3.6 and abs(v) < (u - 3.6) * 1.1
                if abs(v) <= spread and not fork:
                    cells[y][x] = P.FISH_GOLD if u > 4.0 else P.FISH_FIN if round(abs(v)) % 2 == 0 else P.FISH_ORANGE
            top = body_y - ry * math.sqrt(max(0.0, 1 - ((px - body_x) / rx) ** 2))
            if 6.5 <= px <= 11.5:
                height = (2.6 if pose.fin_up else 2.0) - abs(px - 8.5) * 0.5
                if top - height <= py < top + 0.5:
                    cells[y][x] = P.FISH_FIN
            bottom = body_y + ry * math.sqrt(max(0.0, 1 - ((px - body_x) / rx) ** 2))
            if 7.0 <= px <= 9.0 and bottom - 0.5 < py <= bottom + 1.6 - (px - 7.0) * 0.5:
                cells[y][x] = P.FISH_FIN
            nx, ny = (px - body_x) / rx, (py - body_y) / ry
            if nx * nx + ny * ny < 1.0:
                if ny < -0.45:
                    colour = P.FISH_DARK
                elif ny < 0.3:
                    colour = P.FISH_ORANGE
                elif ny < 0.75:
                    colour = P.FISH_GOLD
                else:
                    colour = P.FISH_WHITE if nx > -0.3 else P.FISH_GOLD
                cells[y][x] = colour
    # A gold glint of scales and the gill's dark arc.
    for x, y in ((7, 7), (9, 6)):
        cells[y][x] = P.FISH_GOLD
    for x, y in ((10, 6), (10, 7), (10, 8)):
        cells[y][x] = P.FISH_DARK
    fin = ((9, 9), (8, 10)) if not pose.fin_up else ((9, 9), (8, 9))
    for x, y in fin:
        cells[y][x] = P.FISH_FIN
    _face(cells, pose)
    return cells


def _face(cells: list[list[int]], pose: Pose) -> None:
    ex, ey = EYE_X - round(pose.squash * 0.5), EYE_Y
    if pose.eye in ("open", "blank"):
        for dx in (0, 1):
            for dy in (0, 1):
                cells[ey + dy][ex + dx] = P.FISH_WHITE
        if pose.eye == "blank":
            cells[ey + 1][ex + 1] = P.FISH_FIN  # a dazed, pale eye: nobody home
        elif pose.baked_pupil or pose.shear or pose.stretch != 1.0:
            cells[ey + 1][ex + 1] = P.FISH_BLACK  # squeezed or sheared: a fixed pupil, looking ahead
    elif pose.eye == "closed":
        cells[ey + 1][ex] = P.FISH_BLACK
        cells[ey + 1][ex + 1] = P.FISH_BLACK
    elif pose.eye == "happy":  # ^ : a smiling closed eye
        cells[ey + 1][ex - 1] = P.FISH_BLACK
        cells[ey][ex] = P.FISH_BLACK
        cells[ey + 1][ex + 1] = P.FISH_BLACK
    elif pose.eye == "sad":  # a drooping lid over a low pupil
        cells[ey][ex - 1] = P.FISH_DARK
        cells[ey][ex] = P.FISH_DARK
        cells[ey + 1][ex] = P.FISH_WHITE
        cells[ey + 1][ex + 1] = P.FISH_BLACK
    if pose.blush or pose.eye == "happy":
        cells[ey + 2][ex] = P.FISH_BLUSH
    mx = 14 - round(pose.squash * 0.5)
    if pose.mouth == "open":
        cells[9][mx] = P.FISH_BLACK
        cells[10][mx] = P.FISH_BLACK
        cells[9][mx - 1] = P.FISH_DARK
    elif pose.mouth == "o":
        cells[8][mx] = P.FISH_BLACK
        cells[9][mx] = P.FISH_BLACK
        cells[9][mx + 1] = P.FISH_OUTLINE
    elif pose.mouth == "frown":
        cells[10][mx] = P.FISH_DARK
        cells[10][mx - 1] = P.FISH_DARK
    elif pose.mouth == "chomp":
        cells[9][mx] = P.FISH_DARK
    else:
        cells[9][mx] = P.FISH_DARK


def _transform(cells: list[list[int]], pose: Pose) -> list[list[int]]:
    """Stretch (turning) and shear (wiggling) the finished body, nearest-neighbour."""
    if pose.stretch == 1.0 and pose.shear == 0.0:
        return cells
    out = [[0] * SIZE for _ in range(SIZE)]
    cx = SIZE / 2
    for y in range(SIZE):
        for x in range(SIZE):
            sx = cx + (x + 0.5 - cx) / pose.stretch
            sy = y - round(pose.shear * (x + 0.5 - cx) / cx)
            ix = int(sx)
            if 0 <= ix < SIZE and 0 <= sy < SIZE:
                out[y][x] = cells[sy][ix]
    return out


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


def side_fish(tilt: float = 0.0, **pose: object) -> Grid:
    """The goldfish from the side, facing right, in ``pose`` (see ``Pose``)."""
    p = Pose(tilt=tilt, **pose)  # type: ignore[arg-type]
    return _outlined(_transform(_body(p), p), P.FISH_OUTLINE)


def mirrored(grid: Grid) -> Grid:
    return tuple(row[::-1] for row in grid)


# The frames of every state, facing right. Frame counts match fsm.STATES.
POSES: dict[str, tuple[Pose, ...]] = {
    "idle_swim": tuple(Pose(tilt=t, fin_up=i % 2 == 1) for i, t in enumerate(TAIL_TILTS)),
    "talk": (Pose(mouth="closed"), Pose(tilt=0.6, mouth="open", fin_up=True)),
    "happy": (Pose(eye="happy", fin_up=True, tilt=1.0), Pose(eye="happy", tilt=-1.0, mouth="open")),
    "sad": (Pose(eye="sad", mouth="frown", tilt=1.8), Pose(eye="sad", mouth="frown", tilt=2.2)),
    "sleep": (Pose(eye="closed", tilt=0.4), Pose(eye="closed", tilt=0.8, fin_up=True)),
    "eat": (Pose(mouth="open"), Pose(mouth="open", fin_up=True), Pose(mouth="chomp", blush=True)),
    "bump_glass": (Pose(squash=1.0, eye="closed"), Pose(squash=2.0, eye="closed"), Pose(squash=0.5)),
    "forget": (Pose(eye="blank", tilt=0.3), Pose(eye="blank", tilt=-0.3)),
    "excited": (Pose(mouth="open", fin_up=True, tilt=1.6), Pose(mouth="o", tilt=-1.6)),
    "wiggle": (Pose(shear=1.5), Pose(tilt=1.5), Pose(shear=-1.5), Pose(tilt=-1.5)),
    "bubble_blow": (Pose(mouth="closed"), Pose(mouth="o"), Pose(mouth="o", fin_up=True)),
    # Turning to face right from facing left: the old side squeezes edge-on, the new side opens out.
    "turn_around": (Pose(stretch=-1.0), Pose(stretch=-0.45), Pose(stretch=0.45), Pose(stretch=1.0)),
}
# Which poses draw a pupil (the eye follows the pointer only when it is open).
PUPIL_EYES = frozenset({"open"})


def _grid(pose: Pose) -> Grid:
    if pose.stretch < 0:
        # A negative stretch is the mirrored fish, squeezed: the first half of a turn.
        flipped = Pose(**{**_fields(pose), "stretch": -pose.stretch, "baked_pupil": True})
        return mirrored(_outlined(_transform(_body(flipped), flipped), P.FISH_OUTLINE))
    return _outlined(_transform(_body(pose), pose), P.FISH_OUTLINE)


def _fields(pose: Pose) -> dict[str, object]:
    return {name: getattr(pose, name) for name in Pose.__slots__}  # type: ignore[attr-defined]


@cache
def state_grids(state: str) -> tuple[Grid, ...]:
    """The facing-right grids of every frame of ``state``; computed once."""
    return tuple(_grid(pose) for pose in POSES[state])


def eye_box(state: str, frame: int, facing: int) -> tuple[int, int] | None:
    """Top-left of the 2x2 eye inside the sprite, or None when the eye is closed or not looking."""
    pose = POSES[state][frame % len(POSES[state])]
    if pose.eye not in PUPIL_EYES or pose.stretch != 1.0:
        return None
    ex = EYE_X - round(pose.squash * 0.5)
    if pose.shear:
        return None
    return (ex if facing > 0 else SIZE - 2 - ex), EYE_Y


# -- decorations ------------------------------------------------------------------------------------


def _shape(rows: tuple[str, ...], colours: dict[str, int]) -> Grid:
    return tuple(bytes(colours.get(c, 0) for c in row) for row in rows)


def _inked(rows: tuple[str, ...], colours: dict[str, int]) -> Grid:
    """A shape with a dark 1-pixel outline (and the margin it needs), so it reads on any water."""
    width = len(rows[0]) + 2
    cells = [[0] * width] + [[0, *(colours.get(c, 0) for c in row), 0] for row in rows] + [[0] * width]
    return _outlined(cells, P.INK)


DECORATION_ART: dict[str, Grid] = {
    "sparkle": _shape((".y.", "yWy", ".y."), {"y": P.SPARKLE, "W": P.GLASS_SHINE}),
    "sparkle_small": _shape(("y",), {"y": P.SPARKLE}),
    "z_small": _shape(("ZZZ", "..Z", ".Z.", "ZZZ"), {"Z": P.GLASS_SHINE}),
    "z_big": _shape(("ZZZZ", "..Z.", ".Z..", "ZZZZ"), {"Z": P.GLASS_SHINE}),
    "question": _shape((".qqq.", "q...q", "...q.", "..q..", ".....", "..q.."), {"q": P.GLASS_SHINE}),
    "exclaim": _inked(("e", "e", "e", "e", ".", "e"), {"e": P.STAR}),
    "pellet": _shape(("od", "dd"), {"o": P.DESK_LIGHT, "d": P.DESK}),
    "star": _shape(("..s..", ".sSs.", "sSWSs", ".sSs.", "..s.."), {"s": P.STAR, "S": P.SPARKLE, "W": P.GLASS_SHINE}),
    "heart": _shape((".b.b.", "bbbbb", ".bbb.", "..b.."), {"b": P.FISH_BLUSH}),
}


def bubble(size: int) -> Grid:
    """A rising bubble: a 2x2 dot when small, a ring with a glint when large."""
    if size <= 1:
        return (bytes((P.BUBBLE, P.BUBBLE)), bytes((P.BUBBLE, P.BUBBLE_EDGE)))
    e, b, s = P.BUBBLE_EDGE, P.BUBBLE, 0
    return (bytes((s, e, e, s)), bytes((e, b, s, e)), bytes((e, s, s, e)), bytes((s, e, e, s)))


# One-pixel particles, by palette index: splash drops, spiral sparks, crumbs of dissolving words.
PARTICLE_COLOURS = (P.BUBBLE, P.WATER_SURFACE, P.SPARKLE, P.STAR, P.SPEECH_INK, P.GLASS_SHINE, P.FISH_BLACK)


@dataclass(frozen=True, slots=True)
class FishSprites:
    states: dict[str, tuple[tuple[Sprite, ...], tuple[Sprite, ...]]]  # state -> (facing right, facing left)
    pupil: Sprite
    decorations: dict[str, Sprite]
    bubbles: tuple[Sprite, ...]  # by size: small, large
    particles: dict[int, Sprite]  # palette index -> a 1x1 sprite

    def frames(self, state: str, facing: int) -> tuple[Sprite, ...]:
        right, left = self.states[state]
        return right if facing >= 0 else left


@lru_cache(maxsize=12)
def fish_sprites(palette: P.Palette = P.PALETTE) -> FishSprites:
    """Every fish, decoration, bubble and particle sprite prepared for ``palette``; once per palette."""
    states = {}
    for state in POSES:
        grids = state_grids(state)
        states[state] = (
            tuple(make_sprite(g, palette) for g in grids),
            tuple(make_sprite(mirrored(g), palette) for g in grids),
        )
    return FishSprites(
        states=states,
        pupil=make_sprite([bytes((P.FISH_BLACK,))], palette),
        decorations={name: make_sprite(g, palette) for name, g in DECORATION_ART.items()},
        bubbles=tuple(make_sprite(bubble(s), palette) for s in (1, 2)),
        particles={i: make_sprite([bytes((i,))], palette) for i in PARTICLE_COLOURS},
    )
