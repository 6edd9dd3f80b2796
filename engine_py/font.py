"""A tiny pixel font defined in code: 3x5 glyphs (lowercase with a one-row descender) in a 4x7 cell.

Printable ASCII only. Anything else (accents, emoji, control characters) draws as a hollow box, so the
fish never shows a character it cannot draw and never needs a font file from anywhere.
"""

from __future__ import annotations

from functools import cache

GLYPH_WIDTH = 3
ADVANCE = 4  # glyph plus one column of spacing
LINE_HEIGHT = 7  # five rows, a descender row, one row of spacing

# Rows top to bottom, '#' inked. A sixth row is a descender (g, j, p, q, y, comma, semicolon).
_GLYPHS: dict[str, str] = {
    " ": "... ... ... ... ...",
    "!": ".#. .#. .#. ... .#.",
    '"': "#.# #.# ... ... ...",
    "#": "#.# ### #.# ### #.#",
    "$": ".## ##. .#. .## ##.",
    "%": "#.. ..# .#. #.. ..#",
    "&": ".#. #.# .#. #.# .##",
    "'": ".#. .#. ... ... ...",
    "(": "..# .#. .#. .#. ..#",
    ")": "#.. .#. .#. .#. #..",
    "*": "... #.# .#. #.# ...",
    "+": "... .#. ### .#. ...",
    ",": "... ... ... .#. .#. #..",
    "-": "... ... ### ... ...",
    ".": "... ... ... ... .#.",
    "/": "..# ..# .#. #.. #..",
    "0": "### #.# #.# #.# ###",
    "1": ".#. ##. .#. .#. ###",
    "2": "##. ..# .#. #.. ###",
    "3": "##. ..# .#. ..# ##.",
    "4": "#.# #.# ### ..# ..#",
    "5": "### #.. ##. ..# ##.",
    "6": ".## #.. ### #.# ###",
    "7": "### ..# .#. .#. .#.",
    "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ##.",
    ":": "... .#. ... .#. ...",
    ";": "... .#. ... .#. .#. #..",
    "<": "..# .#. #.. .#. ..#",
    "=": "... ### ... ### ...",
    ">": "#.. .#. ..# .#. #..",
    "?": "##. ..# .#. ... .#.",
    "@": ".#. #.# ### #.. .##",
    "A": ".#. #.# ### #.# #.#",
    "B": "##. #.# ##. #.# ##.",
    "C": ".## #.. #.. #.. .##",
    "D": "##. #.# #.# #.# ##.",
    "E": "### #.. ##. #.. ###",
    "F": "### #.. ##. #.. #..",
    "G": ".## #.. #.# #.# .##",
    "H": "#.# #.# ### #.# #.#",
    "I": "### .#. .#. .#. ###",
    "J": "..# ..# ..# #.# .#.",
    "K": "#.# #.# ##. #.# #.#",
    "L": "#.. #.. #.. #.. ###",
    "M": "#.# ### ### #.# #.#",
    "N": "##. #.# #.# #.# #.#",
    "O": ".#. #.# #.# #.# .#.",
    "P": "##. #.# ##. #.. #..",
    "Q": ".#. #.# #.# ##. .##",
    "R": "##. #.# ##. #.# #.#",
    "S": ".## #.. .#. ..# ##.",
    "T": "### .#. .#. .#. .#.",
    "U": "#.# #.# #.# #.# ###",
    "V": "#.# #.# #.# #.# .#.",
    "W": "#.# #.# ### ### #.#",
    "X": "#.# #.# .#. #.# #.#",
    "Y": "#.# #.# .#. .#. .#.",
    "Z": "### ..# .#. #.. ###",
    "[": "##. #.. #.. #.. ##.",
    "\\": "#.. #.. .#. ..# ..#",
    "]": ".## ..# ..# ..# .##",
    "^": ".#. #.# ... ... ...",
    "_": "... ... ... ... ###",
    "`": "#.. .#. ... ... ...",
    "a": "... ##. .## #.# .##",
    "b": "#.. ##. #.# #.# ##.",
    "c": "... .## #.. #.. .##",
    "d": "..# .## #.# #.# .##",
    "e": "... .#. ### #.. .##",
    "f": "..# .#. ### .#. .#.",
    "g": "... .## #.# .## ..# ##.",
    "h": "#.. ##. #.# #.# #.#",
    "i": ".#. ... ##. .#. ###",
    "j": "..# ... ..# ..# #.# .#.",
    "k": "#.. #.# ##. ##. #.#",
    "l": "##. .#. .#. .#. ..#",
    "m": "... #.# ### #.# #.#",
    "n": "... ##. #.# #.# #.#",
    "o": "... .#. #.# #.# .#.",
    "p": "... ##. #.# ##. #.. #..",
    "q": "... .## #.# .## ..# ..#",
    "r": "... #.# ##. #.. #..",
    "s": "... .## ##. ..# ##.",
    "t": ".#. ### .#. .#. ..#",
    "u": "... #.# #.# #.# .##",
    "v": "... #.# #.# #.# .#.",
    "w": "... #.# #.# ### #.#",
    "x": "... #.# .#. .#. #.#",
    "y": "... #.# #.# .## ..# ##.",
    "z": "... ### ..# .#. ###",
    "{": "..# .#. ##. .#. ..#",
    "|": ".#. .#. .#. .#. .#.",
    "}": "#.. .#. .## .#. #..",
    "~": "... ... .## ##. ...",
}
_PLACEHOLDER = "### #.# #.# #.# ###"


@cache
def glyph(char: str) -> tuple[tuple[int, int], ...]:
    """The inked (x, y) cells of ``char``; a hollow box for anything outside printable ASCII."""
    rows = _GLYPHS.get(char, _PLACEHOLDER).split()
    return tuple((x, y) for y, row in enumerate(rows) for x, cell in enumerate(row) if cell == "#")


def has_glyph(char: str) -> bool:
    return char in _GLYPHS


def text_width(text: str) -> int:
    """Pixel width of one line (the last glyph's spacing column not counted)."""
    return max(0, len(text) * ADVANCE - 1)


def draw_text(cells: list[bytearray], x: int, y: int, text: str, colour: int) -> None:
    """Ink ``text`` into a grid of palette indices (rows of bytearray) with its top-left at (x, y)."""
    height = len(cells)
    for i, char in enumerate(text):
        gx = x + i * ADVANCE
        for cx, cy in glyph(char):
            px, py = gx + cx, y + cy
            if 0 <= py < height and 0 <= px < len(cells[py]):
                cells[py][px] = colour
