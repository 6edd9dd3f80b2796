"""Pictures the build draws with the engine itself: the boot poster and the web app's icons.

CPython only, at build time. The poster is one frame of the bowl exactly as the page will draw it, so
what the visitor sees while Pyodide boots is the same art, not a screenshot that drifts out of date.
The icons are the fish sprite on water, scaled by whole numbers so the pixels stay square.
"""

from __future__ import annotations

from engine_py import palette as P
from engine_py.framebuffer import HEIGHT, WIDTH, Framebuffer
from engine_py.render import render
from engine_py.sprites import SIZE, eye_box, state_grids
from engine_py.world import Settings, World
from pet.png import encode_png, upscale

# A fixed noon (UTC, offset 0): the poster always shows the daytime palette and the same fish.
POSTER_NOW = 1_700_000_000 - 1_700_000_000 % 86_400 + 12 * 3_600
POSTER_SEED = 7
POSTER_SECONDS = 1.5  # let the fish swim into the water a little before the picture is taken
SCREENSHOT_SCALE = 4  # 960x640: install dialogs ignore screenshots narrower than 320 px
SCREENSHOT = "screenshots/bowl-wide.png"


def poster_pixels() -> bytes:
    """One 240x160 RGBA frame of the bowl, rendered by the engine."""
    world = World(seed=POSTER_SEED, settings=Settings(utc_offset_minutes=0))
    steps = 30
    for _ in range(steps):
        world.update(POSTER_SECONDS / steps, POSTER_NOW, [])
    framebuffer = Framebuffer()
    render(world, framebuffer)
    return bytes(framebuffer.pixels)


def poster_png() -> bytes:
    """The boot poster: that frame at its own size (the page scales it up with CSS)."""
    return encode_png(WIDTH, HEIGHT, poster_pixels())


def screenshot_png(factor: int = SCREENSHOT_SCALE) -> bytes:
    """The same frame scaled by a whole number, for the manifest's screenshots (install dialogs)."""
    return encode_png(WIDTH * factor, HEIGHT * factor, upscale(poster_pixels(), WIDTH, HEIGHT, factor))


def icon_png(size: int, maskable: bool = False) -> bytes:
    """A square icon: the idle fish on water. A maskable one keeps the fish inside the safe circle.

    The safe zone of a maskable icon is the centred circle of 80% of its width; the fish's 16x16 box
    has to fit inside it, so its diagonal (16 * sqrt 2 ≈ 22.6 cells) is what limits the scale.
    """
    palette = P.PALETTE
    grid = state_grids("idle_swim")[0]
    scale = int(size * (0.78 / 22.7 if maskable else 0.8 / SIZE))
    fish_px = SIZE * scale
    ox = oy = (size - fish_px) // 2
    background = (*palette[P.WATER], 255)
    pixels = bytearray(bytes(background) * (size * size))

    def fill(cx: int, cy: int, rgb: tuple[int, int, int]) -> None:
        cell = bytes((*rgb, 255)) * scale
        for y in range(oy + cy * scale, oy + (cy + 1) * scale):
            start = (y * size + ox + cx * scale) * 4
            pixels[start : start + len(cell)] = cell

    for y, row in enumerate(grid):
        for x, index in enumerate(row):
            if index:
                fill(x, y, palette[index])
    eye = eye_box("idle_swim", 0, 1)
    if eye is not None:  # the pupil is not in the grid: the renderer adds it, so do we
        fill(eye[0] + 1, eye[1] + 1, palette[P.FISH_BLACK])
    return encode_png(size, size, pixels)


# Site path -> how to draw it. The web manifest names these files.
ICONS: dict[str, tuple[int, bool]] = {
    "icons/icon-192.png": (192, False),
    "icons/icon-512.png": (512, False),
    "icons/icon-maskable-512.png": (512, True),
}
