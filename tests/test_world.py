"""The pet's world: framebuffer, scene, fish movement, determinism and frame speed."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from engine_py import bowl
from engine_py import palette as P
from engine_py.events import Click, FishSays, PointerLeave, PointerMove
from engine_py.framebuffer import HEIGHT, WIDTH, Framebuffer, Sprite, blit, make_sprite
from engine_py.render import render, round_px
from engine_py.sprites import SIDE_HEIGHT, SIDE_WIDTH, fish_sprites, side_fish
from engine_py.world import TALK_CENTER, World

# A fixed local noon (UTC, offset 0): the day palette, whatever the machine's clock says.
NOON = 1_764_000_000 - 1_764_000_000 % 86_400 + 12 * 3600

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WATER_RGB = {P.DAY[i] for i in P.WATER_SHADES}
GRAVEL_RGB = {P.DAY[i] for i in (P.GRAVEL_DARK, P.GRAVEL, P.GRAVEL_LIGHT, P.PEBBLE_PINK, P.PEBBLE_BLUE)}
FISH_RGB = {P.DAY[i] for i in P.FISH_COLOURS}


def rgb_at(pixels: bytes | bytearray, x: int, y: int, width: int = WIDTH) -> tuple[int, int, int]:
    i = (y * width + x) * 4
    return pixels[i], pixels[i + 1], pixels[i + 2]


def run(world: World, seconds: float, fps: float, events_at=None) -> None:
    frames = round(seconds * fps)
    for i in range(frames):
        events = events_at(i) if events_at else []
        world.update(1 / fps, NOON + world.time, events)


def fish_box(world: World) -> tuple[int, int, int, int]:
    """The rendered side sprite's bounding box: left, top, right, bottom (inclusive)."""
    fish = world.fish
    left = round_px(fish.x) - SIDE_WIDTH // 2
    top = round_px(fish.y + fish.bob) - SIDE_HEIGHT // 2
    return left, top, left + SIDE_WIDTH - 1, top + SIDE_HEIGHT - 1


def scripted_events(seed: int):
    """A reproducible stream of pointer moves, clicks (some on the fish), talk and pointer leaves."""
    rng = random.Random(seed)

    def events_at(world: World, i: int) -> list:
        out: list = []
        roll = rng.random()
        if roll < 0.05:
            out.append(PointerMove(rng.uniform(-20, WIDTH + 20), rng.uniform(-20, HEIGHT + 20)))
        elif roll < 0.053:
            out.append(Click(world.fish.x + rng.uniform(-6, 6), world.fish.y + rng.uniform(-4, 4)))
        elif roll < 0.056:
            out.append(Click(rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)))
        elif roll < 0.0565:
            out.append(FishSays("blub " * rng.randrange(1, 12)))
        elif roll < 0.058:
            out.append(PointerLeave())
        return out

    return events_at


def test_framebuffer_size_and_format():
    fb = Framebuffer()
    assert (fb.width, fb.height) == (WIDTH, HEIGHT) == (240, 160)
    assert isinstance(fb.pixels, bytearray)
    assert len(fb.pixels) == WIDTH * HEIGHT * 4
    bg = bowl.background()
    assert len(bg) == len(fb.pixels)
    fb.fill_from(bg)
    assert fb.pixels == bg
    assert fb.pixels[3::4] == b"\xff" * (WIDTH * HEIGHT)  # opaque everywhere
    with pytest.raises(ValueError):
        fb.fill_from(b"\x00" * 16)


def test_background_has_water_in_the_middle_and_gravel_at_the_bottom():
    bg = bowl.background()
    for x, y in ((120, 60), (120, 80), (100, 100), (140, 90)):
        assert rgb_at(bg, x, y) in WATER_RGB, (x, y)
    for x, y in ((120, 140), (110, 145), (130, 135)):
        assert rgb_at(bg, x, y) in GRAVEL_RGB, (x, y)
    assert rgb_at(bg, 4, 4) in {P.DAY[P.WALL], P.DAY[P.WALL_SHADE]}
    # Glass rings the water on both sides at the bowl's widest row.
    assert rgb_at(bg, bowl.CENTER_X - bowl.OUTER_RADIUS + 1, bowl.CENTER_Y) == P.DAY[P.GLASS]
    assert rgb_at(bg, bowl.CENTER_X + bowl.OUTER_RADIUS - 2, bowl.CENTER_Y) == P.DAY[P.GLASS]
    # Cached: the same object each time, and the background holds no fish colours.
    assert bowl.background() is bg
    assert not FISH_RGB & {rgb_at(bg, x, y) for y in range(0, HEIGHT, 2) for x in range(0, WIDTH, 2)}


def test_rendered_frame_shows_the_fish_where_it_is():
    world = World(seed=1)
    run(world, 2.0, 60)
    fb = Framebuffer()
    render(world, fb)
    bg = bowl.background(world.palette, bowl.background_frame(world.time))
    left, top, right, bottom = fish_box(world)
    fish_pixels = [
        (x, y) for y in range(top, bottom + 1) for x in range(left, right + 1) if rgb_at(fb.pixels, x, y) in FISH_RGB
    ]
    assert len(fish_pixels) > 60
    assert all(rgb_at(bg, x, y) not in FISH_RGB for x, y in fish_pixels)
    # Away from the fish (and its bubbles, which rise from it) the frame is the background.
    far = [(x, y) for x, y in ((10, 10), (230, 150), (60, 150), (200, 60)) if not left - 4 <= x <= right + 4]
    assert all(rgb_at(fb.pixels, x, y) == rgb_at(bg, x, y) for x, y in far)


def test_fish_faces_its_way_and_the_sprite_mirrors():
    sprites = fish_sprites()
    grid = side_fish(0.0)
    assert len(grid) == SIDE_HEIGHT and all(len(row) == SIDE_WIDTH for row in grid)
    right, left = sprites.frames("idle_swim", 1), sprites.frames("idle_swim", -1)
    assert len(right) >= 2 and len(right) == len(left)
    assert right[0].runs != right[1].runs  # the tail wags
    world = World(seed=4)
    for _ in range(600):
        world.update(1 / 60, NOON + world.time, [])
        if abs(world.fish.vx) > 6 and world.state in ("idle_swim", "turn_around"):
            assert world.fish.facing == (1 if world.fish.vx > 0 else -1)


def test_fish_moves_and_stays_in_the_water_for_ten_minutes():
    world = World(seed=7)
    events_at = scripted_events(99)
    xs, ys = [], []
    for i in range(10 * 60 * 60):
        world.update(1 / 60, NOON + i / 60, events_at(world, i))
        left, top, right, bottom = fish_box(world)
        for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
            assert bowl.in_water(x, y), (i, world.fish)
        for b in world.bubbles:
            assert bowl.in_water(b.draw_x, b.y)
        if i % 60 == 0:
            xs.append(world.fish.x)
            ys.append(world.fish.y)
    assert max(xs) - min(xs) > 60 and max(ys) - min(ys) > 30  # it roams the bowl
    assert len({(round(x), round(y)) for x, y in zip(xs, ys, strict=True)}) > 300  # and keeps moving


def test_same_seed_and_inputs_replay_byte_identical_frames():
    def frames(seed: int) -> list[bytes]:
        world, fb, out = World(seed=seed), Framebuffer(), []
        events_at = scripted_events(5)
        for i in range(1800):
            world.update(1 / 60 if i % 7 else 1 / 45, NOON + i / 60, events_at(world, i))
            if i % 100 == 99:
                render(world, fb)
                out.append(bytes(fb.pixels))
        return out

    a, b, c = frames(3), frames(3), frames(4)
    assert a == b
    assert a != c


def test_blit_clips_at_every_edge_like_a_per_pixel_reference():
    grid = side_fish(1.6)
    sprite = make_sprite(grid, P.DAY)
    w, h = 40, 30

    def reference(x0: int, y0: int) -> bytearray:
        px = bytearray(b"\x07" * (w * h * 4))
        for dy, row in enumerate(grid):
            for dx, index in enumerate(row):
                x, y = x0 + dx, y0 + dy
                if index and 0 <= x < w and 0 <= y < h:
                    i = (y * w + x) * 4
                    px[i : i + 4] = bytes((*P.DAY[index], 255))
        return px

    xs = (-40, -SIDE_WIDTH, -SIDE_WIDTH + 1, -12, -1, 0, 1, 8, w - SIDE_WIDTH, w - 12, w - 1, w, w + 5)
    ys = (-30, -SIDE_HEIGHT, -SIDE_HEIGHT + 1, -8, -1, 0, 1, 5, h - SIDE_HEIGHT, h - 8, h - 1, h, h + 5)
    for x in xs:
        for y in ys:
            fb = Framebuffer(w, h)
            fb.pixels[:] = b"\x07" * len(fb.pixels)
            blit(fb, sprite, x, y)
            assert len(fb.pixels) == w * h * 4
            assert fb.pixels == reference(x, y), (x, y)


def test_make_sprite_keys_out_index_zero():
    sprite = make_sprite([bytes((0, 1, 1, 0, 2)), bytes((0, 0, 0, 0, 0))], P.DAY)
    assert isinstance(sprite, Sprite)
    assert (sprite.width, sprite.height) == (5, 2)
    assert [(dx, dy, len(data) // 4) for dx, dy, data in sprite.runs] == [(1, 0, 2), (4, 0, 1)]


def test_pointer_pull_does_not_depend_on_frame_rate():
    start = World(seed=2)
    run(start, 3.0, 60)
    # A point in the water well away from the fish, on the bowl's other side.
    pointer = (bowl.CENTER_X - 35.0 if start.fish.x > bowl.CENTER_X else bowl.CENTER_X + 35.0, 70.0)
    assert bowl.in_water(*pointer)

    def after(fps: float, with_pointer: bool = True) -> tuple[float, float]:
        world = copy.deepcopy(start)
        events = [PointerMove(*pointer)] if with_pointer else []
        world.update(0.0, NOON + world.time, events)
        run(world, 1.0, fps)
        return world.fish.x, world.fish.y

    slow, fast, odd = after(30), after(120), after(144)
    assert abs(slow[0] - fast[0]) < 0.01 and abs(slow[1] - fast[1]) < 0.01
    assert abs(slow[0] - odd[0]) < 0.5 and abs(slow[1] - odd[1]) < 0.5
    # And the pull is real: with the pointer the fish ends nearer to it than without.
    alone = after(60, with_pointer=False)

    def dist(p: tuple[float, float]) -> float:
        return ((p[0] - pointer[0]) ** 2 + (p[1] - pointer[1]) ** 2) ** 0.5

    assert dist(slow) < dist(alone) - 1.0


def test_click_on_the_fish_makes_it_wiggle_with_a_spiral():
    world = World(seed=8)
    run(world, 2.0, 60)
    world.update(1 / 60, NOON + world.time, [Click(world.fish.x - 3, world.fish.y + world.fish.bob)])
    assert world.state == "wiggle"
    assert len(world.particles) >= 8  # the spiral's sparks
    run(world, 3.0, 60)
    assert world.state != "wiggle" and not world.particles  # it passes


def test_fish_comes_to_the_middle_to_talk_and_then_reacts():
    world = World(seed=9)
    run(world, 1.0, 60)
    world.update(1 / 60, NOON + world.time, [FishSays("glub glub, hello")])
    assert world.state == "talk"
    arrived = False
    for _ in range(20 * 60):
        world.update(1 / 60, NOON + world.time, [])
        if world.state != "talk":
            break
        if abs(world.fish.x - TALK_CENTER[0]) < 3 and abs(world.fish.y - TALK_CENTER[1]) < 3:
            arrived = True
            render(world, Framebuffer())  # the talking frames draw
    assert arrived and not world.talking
    assert world.state == "happy"  # the reaction after a plain reply
    assert world.speech is None


def test_a_rendered_frame_is_written_as_a_screenshot():
    """A picture for people to look at (artifacts/ is git-ignored); timings live in benchmarks."""
    world, fb = World(seed=1), Framebuffer()
    events_at = scripted_events(1)
    run(world, 1.0, 60)
    for i in range(120):
        world.update(1 / 60, NOON + i / 60, events_at(world, i))
    render(world, fb)

    image = pytest.importorskip("PIL.Image")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = image.frombytes("RGBA", (WIDTH, HEIGHT), bytes(fb.pixels))
    shot.resize((WIDTH * 4, HEIGHT * 4), image.NEAREST).save(ARTIFACTS / "world_frame_4x.png")
    assert (ARTIFACTS / "world_frame_4x.png").stat().st_size > 1000
