"""Speech bubbles and the pixel font, the bowl's layers and palettes, sprites, deterministic frames, bench."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine_py import bowl, font, speech
from engine_py import palette as P
from engine_py.events import Click, PointerMove, ReplyDone, ReplyStarted
from engine_py.framebuffer import HEIGHT, WIDTH, Framebuffer
from engine_py.render import render
from engine_py.sprites import POSES, SIZE, eye_box, fish_sprites, state_grids
from engine_py.world import World

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
MIDNIGHT = 1_764_000_000 - 1_764_000_000 % 86_400
NOON = MIDNIGHT + 12 * 3600


def rgb(pixels: bytes | bytearray, x: int, y: int) -> tuple[int, int, int]:
    i = (y * WIDTH + x) * 4
    return pixels[i], pixels[i + 1], pixels[i + 2]


# -- font and speech ------------------------------------------------------------------------------------


def test_font_covers_printable_ascii_and_draws_a_box_for_the_rest():
    for code in range(32, 127):
        assert font.has_glyph(chr(code))
    assert font.glyph("é") == font.glyph("🐟") == font.glyph("\u200b")
    assert font.glyph("é") != font.glyph("e") and font.glyph("a") != font.glyph("o")
    assert all(0 <= x < font.GLYPH_WIDTH and 0 <= y < font.LINE_HEIGHT - 1 for x, y in font.glyph("g"))


def test_wrap_keeps_words_and_breaks_long_ones():
    assert speech.wrap("the water is wet and warm today", 10) == ["the water", "is wet and", "warm today"]
    assert speech.wrap("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]
    assert speech.wrap("   ") == []
    for line in speech.wrap("glub " * 40 + "x" * 60):
        assert len(line) <= speech.MAX_LINE_CHARS


def test_duration_grows_with_length_and_is_bounded():
    short, long = speech.duration_for("hi"), speech.duration_for("blub " * 20)
    assert 3.0 <= short < long <= 10.0


def test_typewriter_reveals_then_waits_then_finishes():
    bubble = speech.Speech("hello little fish")
    bubble.step(0.1)
    assert 0 < len(bubble.visible_text) < len(bubble.text)
    for _ in range(100):
        bubble.step(0.01)
    assert bubble.revealed and not bubble.finished
    for _ in range(1000):
        bubble.step(0.01)
    assert bubble.finished


def test_streamed_tokens_extend_the_bubble_until_the_stream_ends():
    bubble = speech.Speech("", streaming=True)
    bubble.extend("hel")
    bubble.step(5.0)
    bubble.extend("lo")
    for _ in range(200):
        bubble.step(0.05)
    assert not bubble.finished and bubble.text == "hello"  # it waits for more
    bubble.end_stream("hello!")
    for _ in range(400):
        bubble.step(0.05)
    assert bubble.finished


def test_bubble_holds_the_text_as_pixels_in_the_right_style():
    grid = speech.bubble_grid("hi <b>fish</b> é", speech.FISH_STYLE)
    w, h = speech.bubble_size("hi <b>fish</b> é")
    assert (len(grid[0]), len(grid)) == (w, h)
    inks = {v for row in grid for v in row}
    assert P.SPEECH_INK in inks and P.USER_INK not in inks
    user = speech.bubble_grid("hello", speech.USER_STYLE)
    assert P.USER_INK in {v for row in user for v in row}
    assert len(speech.text_pixels("hello")) > 20


# -- the bowl -------------------------------------------------------------------------------------------


def test_water_tiles_swap_and_caustics_and_plants_move_between_frames():
    frames = [bowl.background_indices(f) for f in range(bowl.FRAMES)]
    assert len(set(frames)) == bowl.FRAMES
    assert frames[0] != frames[2]  # the water tiles' second frame
    assert [bowl.background_frame(t) for t in (0.0, 0.31, 0.61, 0.91, 1.21)] == [0, 1, 2, 3, 4]
    assert bowl.background_frame(bowl.FRAMES * bowl.FRAME_TIME + 0.01) == 0
    # The water tiles swap every 0.6 s: frames 0-1 share a tile frame, 2-3 the other.
    water = [(i, j) for i in range(40, 60) for j in range(100, 140)]
    tiles = [bytes(bowl.background_indices(f)[y * WIDTH + x] for y, x in water) for f in range(4)]
    assert tiles[0] == tiles[1] != tiles[2] == tiles[3]
    assert bowl.background_frame(5.0, reduced_motion=True) == 0
    for f in frames:
        assert P.CAUSTIC in f and P.SAND in f and P.WINDOW in f and P.GLASS_SHADOW in f


def test_water_has_three_depth_zones():
    bg = bowl.background_indices(0)
    zone_colours = [{bg[y * WIDTH + x] for x in range(100, 140)} for y in (45, 80, 110)]
    assert P.WATER_LIGHT in zone_colours[0] and P.WATER in zone_colours[1] and P.WATER_MID in zone_colours[2]


def test_palettes_blend_by_hour_and_the_castle_lights_at_night():
    day, night = P.palette_for_hour(13), P.palette_for_hour(1)
    assert day == P.DAY and night == P.NIGHT
    assert sum(night[P.WINDOW]) > sum(day[P.WINDOW]) + 200
    assert sum(sum(c) for c in night) < sum(sum(c) for c in day)
    dusk = P.palette_for_hour(18)
    assert dusk not in (P.DAY, P.EVENING, P.NIGHT)  # between anchors: a blend
    assert len({P.palette_for_hour(h / 4) for h in range(96)}) <= 6 * P.BLEND_STEPS  # a bounded cache
    assert day[P.SPEECH_INK] == night[P.SPEECH_INK]  # speech stays readable


def test_the_foam_line_moves():
    a = bowl.foam_row(P.DAY, 0.0)
    b = bowl.foam_row(P.DAY, 2.0)
    assert a[0] == b[0] and len(a[1]) == len(b[1]) and a[1] != b[1]
    assert bowl.foam_row(P.DAY, 2.0, reduced_motion=True) == a


# -- sprites --------------------------------------------------------------------------------------------


def test_every_state_has_16x16_frames_facing_both_ways():
    sprites = fish_sprites()
    for state in POSES:
        for grid in state_grids(state):
            assert len(grid) == SIZE and all(len(row) == SIZE for row in grid)
        right, left = sprites.frames(state, 1), sprites.frames(state, -1)
        assert len(right) == len(left) == len(POSES[state])
    assert state_grids("turn_around")[0] != state_grids("turn_around")[3]  # it ends facing the other way
    assert len(set(state_grids("wiggle"))) == 4
    assert set(sprites.decorations) >= {"sparkle", "z_small", "question", "exclaim", "pellet", "star"}


def test_the_eye_follows_the_pointer():
    def pupil_at(pointer: tuple[float, float]) -> tuple[int, int]:
        world = World(seed=1)
        world.update(1 / 60, NOON, [])
        world.fish.facing = 1
        world.update(0, NOON, [PointerMove(*pointer)])
        fb = Framebuffer()
        render(world, fb)
        sx, sy = round(world.fish.x) - SIZE // 2, round(world.fish.y + world.fish.bob) - SIZE // 2
        ex, ey = eye_box("idle_swim", 0, 1)
        black = P.DAY[P.FISH_BLACK]
        cells = [(dx, dy) for dy in (0, 1) for dx in (0, 1) if rgb(fb.pixels, sx + ex + dx, sy + ey + dy) == black]
        assert len(cells) == 1
        return cells[0]

    assert pupil_at((230, 150)) == (1, 1)
    assert pupil_at((5, 5)) == (0, 0)


def test_sprite_sheet_png_for_the_docs():
    pytest.importorskip("PIL")
    from pet.sprite_sheet import write_sprite_sheet

    out = write_sprite_sheet(ARTIFACTS / "sprite_sheet.png")
    assert out.stat().st_size > 1000
    # The engine itself never imports pillow.
    code = "import sys, engine_py.world, engine_py.render, engine_py.sprites; print('PIL' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


# -- whole frames -----------------------------------------------------------------------------------------


def scripted_frame(seed: int, hour: float, seconds: float = 30.0) -> bytes:
    world = World(seed=seed)
    world.load_phrases(json.loads((ROOT / "public" / "phrases.json").read_text()))
    base = MIDNIGHT + hour * 3600
    for i in range(round(seconds * 60)):
        events = []
        if i == 300:
            events = [Click(world.fish.x, world.fish.y)]
        if i == 600:
            events = [ReplyStarted("hello"), ReplyDone("hi, i am a fish")]
        world.update(1 / 60, base + i / 60, events)
    fb = Framebuffer()
    render(world, fb)
    return bytes(fb.pixels)


def test_frames_are_deterministic_at_a_fixed_seed_and_time():
    a, b = scripted_frame(3, 12.0), scripted_frame(3, 12.0)
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    assert scripted_frame(4, 12.0) != a
    night = scripted_frame(3, 23.0)
    assert night != a
    assert len(a) == WIDTH * HEIGHT * 4


def test_screenshots_for_people(tmp_path):
    image = pytest.importorskip("PIL.Image")
    ARTIFACTS.mkdir(exist_ok=True)
    for name, hour in (("morning", 7.5), ("day", 12.0), ("evening", 19.5), ("night", 23.5)):
        shot = image.frombytes("RGBA", (WIDTH, HEIGHT), scripted_frame(2, hour, 12.0))
        shot.resize((WIDTH * 3, HEIGHT * 3), image.NEAREST).save(ARTIFACTS / f"bowl_{name}.png")


def test_bench_runs_and_prints_medians():
    out = subprocess.run(
        [sys.executable, "-m", "engine_py.bench", "--frames", "120"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert "frame_ms" in out.stdout and "update_ms" in out.stdout and "render_ms" in out.stdout
