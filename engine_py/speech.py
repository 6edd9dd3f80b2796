"""Speech bubbles: word wrap, how long a line stays up, typewriter reveal, and the bubble's pixels.

A bubble is plain data (``Speech``) advanced by the world; its picture is built into a sprite only when
the visible text changes (once per revealed character or streamed token), never per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from engine_py import font
from engine_py import palette as P
from engine_py.framebuffer import Framebuffer, Sprite, blit, make_sprite

MAX_LINE_CHARS = 24  # ~96 px of text: the bubble stays inside the bowl's width
MAX_LINES = 5  # more than this scrolls: the oldest lines drop off the top
TYPE_RATE = 28.0  # characters per second for lines the fish thinks of itself
FADE_TIME = 0.6  # s: the tail of a bubble's life in which the forget dissolve may start
PAD = 3  # px of bubble around the text

FISH_STYLE = "fish"
USER_STYLE = "user"


def wrap(text: str, width: int = MAX_LINE_CHARS) -> list[str]:
    """Greedy word wrap to ``width`` characters; a word longer than a line is broken into pieces."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def duration_for(text: str) -> float:
    """Seconds a finished line stays up: long enough to read it, never forever."""
    return min(max(2.5 + 0.065 * len(text), 3.0), 10.0)


@dataclass
class Speech:
    text: str  # everything said so far (a streamed reply grows)
    style: str = FISH_STYLE
    shown: float = 0.0  # characters revealed so far, fractional
    streaming: bool = False  # more tokens are coming: the bubble waits for them
    age: float = 0.0  # s since the whole text was revealed and the stream ended
    duration: float = 0.0  # s it stays up after that
    instant: bool = False  # reduced motion or a user's line: no typewriter

    @property
    def visible_text(self) -> str:
        return self.text if self.instant else self.text[: int(self.shown)]

    @property
    def revealed(self) -> bool:
        return self.instant or int(self.shown) >= len(self.text)

    @property
    def finished(self) -> bool:
        return not self.streaming and self.revealed and self.age >= self.duration

    @property
    def fading(self) -> bool:
        return not self.streaming and self.revealed and self.age >= self.duration - FADE_TIME

    def step(self, dt: float) -> None:
        if not self.revealed:
            self.shown = min(float(len(self.text)), self.shown + TYPE_RATE * dt)
        elif not self.streaming:
            if self.duration <= 0:
                self.duration = duration_for(self.text)
            self.age += dt

    def extend(self, piece: str) -> None:
        """A streamed token arrives: the text grows and the typewriter keeps up with it."""
        self.text += piece
        self.streaming = True
        self.age = 0.0

    def end_stream(self, final_text: str | None = None) -> None:
        if final_text is not None:
            self.text = final_text
        self.streaming = False
        self.age = 0.0
        self.duration = duration_for(self.text)


def bubble_size(text: str) -> tuple[int, int]:
    """(width, height) in pixels of the bubble that holds ``text`` wrapped, its tail included."""
    lines = wrap(text)[-MAX_LINES:] or [""]
    text_w = max(font.text_width(line) for line in lines)
    return max(text_w, 7) + PAD * 2, len(lines) * font.LINE_HEIGHT - 1 + PAD * 2 + 3


def box_grid(width: int, height: int, style: str = FISH_STYLE, tail: str = "left") -> list[bytearray]:
    """An empty bubble of the given outer size: rounded box, a tail under it pointing at the speaker."""
    fill = P.SPEECH if style == FISH_STYLE else P.USER_SPEECH
    box_h = height - 3
    cells = [bytearray(width) for _ in range(height)]
    for y in range(box_h):
        for x in range(width):
            edge = x in (0, width - 1) or y in (0, box_h - 1)
            cells[y][x] = P.SPEECH_EDGE if edge else fill
    # Round the corners: the edge steps in diagonally.
    for x, y in ((1, 1), (width - 2, 1), (1, box_h - 2), (width - 2, box_h - 2)):
        cells[y][x] = P.SPEECH_EDGE
    for x, y in ((0, 0), (0, 1), (1, 0), (width - 1, 0), (width - 1, 1), (width - 2, 0)):
        cells[y][x] = 0
    for x, y in ((0, box_h - 1), (0, box_h - 2), (1, box_h - 1)):
        cells[y][x] = 0
    for x, y in ((width - 1, box_h - 1), (width - 1, box_h - 2), (width - 2, box_h - 1)):
        cells[y][x] = 0
    # The tail: a little wedge under the box, at the speaker's side.
    tx = 4 if tail == "left" else width - 8
    for dy in range(3):
        lean = dy if tail == "left" else 0
        for dx in range(4 - dy):
            cells[box_h - 1 + dy][tx + dx + lean] = fill
        cells[box_h - 1 + dy][tx + lean] = P.SPEECH_EDGE
        cells[box_h - 1 + dy][tx + 3 - (0 if tail == "left" else dy)] = P.SPEECH_EDGE
    cells[box_h + 2][tx + (2 if tail == "left" else 1)] = P.SPEECH_EDGE
    return cells


def layout(text: str) -> list[tuple[int, int, str]]:
    """(x, y, char) of every character of ``text`` inside its bubble, in reading order, spaces kept.

    The typewriter reveals a prefix of this list, so text never reflows as it appears.
    """
    out = []
    lines = wrap(text)[-MAX_LINES:]
    for row, line in enumerate(lines):
        for col, char in enumerate(line + " "):
            out.append((PAD + col * font.ADVANCE, PAD + row * font.LINE_HEIGHT, char))
    return out[:-1] if out else out


def bubble_grid(text: str, style: str = FISH_STYLE, tail: str = "left") -> tuple[bytes, ...]:
    """The finished bubble as palette indices (for tools, tests and the dissolve: not per frame)."""
    cells = box_grid(*bubble_size(text), style, tail)
    ink = P.SPEECH_INK if style == FISH_STYLE else P.USER_INK
    for x, y, char in layout(text):
        font.draw_text(cells, x, y, char, ink)
    return tuple(bytes(row) for row in cells)


@lru_cache(maxsize=64)
def box_sprite(width: int, height: int, style: str, tail: str, palette: P.Palette) -> Sprite:
    return make_sprite(box_grid(width, height, style, tail), palette)


@lru_cache(maxsize=512)
def glyph_sprite(char: str, style: str, palette: P.Palette) -> Sprite:
    ink = P.SPEECH_INK if style == FISH_STYLE else P.USER_INK
    cells = [bytearray(font.GLYPH_WIDTH) for _ in range(font.LINE_HEIGHT - 1)]
    font.draw_text(cells, 0, 0, char, ink)
    return make_sprite(cells, palette)


def draw_bubble(
    fb: Framebuffer, text: str, shown: int, style: str, tail: str, x: int, y: int, palette: P.Palette
) -> None:
    """Draw the bubble of ``text`` with its first ``shown`` characters: a cached box plus glyph blits."""
    blit(fb, box_sprite(*bubble_size(text), style, tail, palette), x, y)
    for gx, gy, char in layout(text)[:shown]:
        if char != " ":
            blit(fb, glyph_sprite(char, style, palette), x + gx, y + gy)


def text_pixels(text: str, style: str = FISH_STYLE) -> list[tuple[int, int]]:
    """Where the ink of ``text`` sits inside its bubble: the forget dissolve turns these into particles."""
    grid = bubble_grid(text, style)
    ink = P.SPEECH_INK if style == FISH_STYLE else P.USER_INK
    return [(x, y) for y, row in enumerate(grid) for x, v in enumerate(row) if v == ink]
