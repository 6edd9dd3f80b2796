"""``python -m pet.sprite_sheet OUT.png``: every state's sprite frames in one picture, for the docs."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

from engine_py import palette as P
from engine_py.sprites import DECORATION_ART, POSES, SIZE, Grid, eye_box, mirrored, state_grids


def write_sprite_sheet(path: str | Path, palette: P.Palette = P.PALETTE, scale: int = 4) -> Path:
    """A PNG of every state's frames (rows: states, right then left) and the decorations, for docs.

    Lives outside engine_py because it needs pillow, which the engine (on Pyodide) never has.
    """
    cell = SIZE + 2
    names = list(POSES)
    columns = max(len(POSES[n]) for n in names) * 2 + 1
    rows = len(names) + 1
    image = Image.new("RGBA", (columns * cell, rows * cell), (*palette[P.WATER], 255))
    px = image.load()

    def paste(grid: Grid, ox: int, oy: int, eye: tuple[int, int] | None = None) -> None:
        for y, row in enumerate(grid):
            for x, index in enumerate(row):
                if index:
                    px[ox + x, oy + y] = (*palette[index], 255)
        if eye is not None:
            px[ox + eye[0] + 1, oy + eye[1] + 1] = (*palette[P.FISH_BLACK], 255)

    for r, name in enumerate(names):
        grids = state_grids(name)
        for i, g in enumerate(grids):
            paste(g, 1 + i * cell, 1 + r * cell, eye_box(name, i, 1))
            paste(mirrored(g), 1 + (len(grids) + i) * cell, 1 + r * cell, eye_box(name, i, -1))
    x = 1
    for g in DECORATION_ART.values():
        paste(g, x, 1 + len(names) * cell)
        x += len(g[0]) + 3
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.resize((image.width * scale, image.height * scale), Image.NEAREST).save(out)
    return out


if __name__ == "__main__":
    print(write_sprite_sheet(sys.argv[1] if len(sys.argv) > 1 else "artifacts/sprite_sheet.png"))
