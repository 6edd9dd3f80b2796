"""Clicks, double clicks, long presses, taps on the water, sleep and waking, and the chat choreography."""

from __future__ import annotations

import json
from pathlib import Path

from engine_py import bowl
from engine_py.events import Click, PressEnd, PressStart, ReplyDone, ReplyStarted, ReplyToken, ShowText
from engine_py.framebuffer import Framebuffer
from engine_py.phrases import hour_band
from engine_py.render import render
from engine_py.world import _BOTTOM, SLEEP_AFTER, TALK_CENTER, Settings, World

ROOT = Path(__file__).resolve().parents[1]
DATA = json.loads((ROOT / "public" / "phrases.json").read_text())
MIDNIGHT = 1_764_000_000 - 1_764_000_000 % 86_400
NOON = MIDNIGHT + 12 * 3600


def tick(world: World, seconds: float, base: float = NOON, events=None) -> list:
    actions = []
    for i in range(round(seconds * 60)):
        actions += world.update(1 / 60, base + world.time, events if i == 0 and events else [])
    return actions


def on_fish(world: World) -> tuple[float, float]:
    return world.fish.x, world.fish.y + world.fish.bob


def test_double_click_on_the_fish_is_excited():
    world = World(seed=1)
    tick(world, 1.0)
    tick(world, 0.2, events=[Click(*on_fish(world))])
    assert world.state == "wiggle"
    tick(world, 1 / 60, events=[Click(*on_fish(world))])
    assert world.state == "excited"


def test_long_press_is_happy_and_its_click_is_not_a_poke():
    world = World(seed=2)
    tick(world, 1.0)
    world.update(1 / 60, NOON + world.time, [PressStart(*on_fish(world))])
    tick(world, 0.3)
    assert world.state != "happy"
    tick(world, 0.3)
    assert world.state == "happy"
    world.update(1 / 60, NOON + world.time, [PressEnd(*on_fish(world)), Click(*on_fish(world))])
    assert world.state == "happy"  # the release's click does not turn the cuddle into a wiggle


def test_short_press_is_just_a_click():
    world = World(seed=3)
    tick(world, 1.0)
    at = on_fish(world)
    world.update(1 / 60, NOON + world.time, [PressStart(*at)])
    world.update(1 / 60, NOON + world.time, [PressEnd(*at), Click(*at)])
    assert world.state == "wiggle"


def test_click_on_the_water_splashes_and_draws_the_fish():
    world = World(seed=4)
    tick(world, 1.0)
    spot = (bowl.CENTER_X - 40.0 if world.fish.x > bowl.CENTER_X else bowl.CENTER_X + 40.0, 60.0)
    tick(world, 1 / 60, events=[Click(*spot)])
    assert len(world.particles) >= 10
    assert (world.fish.target_x, world.fish.target_y) != (0, 0)
    tick(world, 2.0)
    assert not world.particles


def test_reduced_motion_has_no_spray_no_spiral_no_bob():
    world = World(seed=5, settings=Settings(reduced_motion=True))
    tick(world, 1.0)
    tick(world, 1 / 60, events=[Click(*on_fish(world))])
    tick(world, 1 / 60, events=[Click(60.0, 100.0)])
    assert world.state == "wiggle" and not world.particles and world.fish.bob == 0.0


def test_alone_five_minutes_it_naps_by_day_sinks_and_wakes_by_itself():
    world = World(seed=6)
    world.load_phrases(DATA)
    tick(world, SLEEP_AFTER - 5)
    assert world.state != "sleep"
    tick(world, 30)
    assert world.state == "sleep" and not world.night_sleep
    tick(world, 20)
    assert world.fish.y > _BOTTOM - 1.5  # sank to the bottom
    tick(world, 200)
    assert world.state != "sleep"  # a nap ends by itself


def test_a_click_wakes_a_sleeper():
    world = World(seed=7)
    tick(world, SLEEP_AFTER + 5)
    assert world.state == "sleep"
    tick(world, 1 / 60, events=[Click(20.0, 20.0)])  # anywhere, even outside the bowl
    assert world.state != "sleep"


def test_at_night_it_sleeps_until_six_and_wakes_with_a_morning_line():
    world = World(seed=8)
    world.load_phrases(DATA)
    base = MIDNIGHT + 23 * 3600
    tick(world, SLEEP_AFTER + 10, base)
    assert world.state == "sleep" and world.night_sleep
    # Seven hours of night with a fake clock: one frame every 20 s (a sleeping tab is throttled anyway).
    woke_at = None
    lines = []
    start = base + SLEEP_AFTER + 10
    for s in range(0, 8 * 3600, 20):
        now = start + s
        for action in world.update(1.0, now, []):
            if isinstance(action, ShowText):
                lines.append((now, action.text))
        if world.state != "sleep" and woke_at is None:
            woke_at = now
    assert woke_at is not None and hour_band((woke_at - MIDNIGHT) / 3600 % 24) == "morning"
    assert (woke_at - MIDNIGHT) / 3600 % 24 < 6.01
    first = lines[0]
    assert first[0] == woke_at and first[1] in {
        line.replace("{name}", "glub") for line in DATA["categories"]["morning"]
    }


def test_chat_choreography_centre_think_talk_react_dissolve():
    world = World(seed=9)
    tick(world, 2.0)
    fb = Framebuffer()
    world.update(1 / 60, NOON + world.time, [ReplyStarted("how is the water?")])
    assert world.chat == "thinking" and world.user_speech is not None
    tick(world, 4.0)
    assert abs(world.fish.x - TALK_CENTER[0]) < 3 and abs(world.fish.y - TALK_CENTER[1]) < 3
    render(world, fb)  # the thinking dots draw
    for piece in ("the ", "water ", "is ", "wet "):
        world.update(1 / 60, NOON + world.time, [ReplyToken(piece)])
        tick(world, 0.1)
    assert world.chat == "talking" and world.speech.streaming and world.speech.text == "the water is wet "
    assert world.state == "talk"
    world.update(1 / 60, NOON + world.time, [ReplyDone("the water is wet!")])
    seen = set()
    for _ in range(15 * 60):
        world.update(1 / 60, NOON + world.time, [])
        seen.add(world.state)
        if world.speech is None and world.state != "talk":
            break
    assert world.state == "excited"  # the "!" reaction
    assert len(world.particles) >= 20  # the words crumble
    assert world.last_chat is not None and world.chat is None


def test_fish_stays_in_the_water_through_every_state():
    world = World(seed=10)
    world.load_phrases(DATA)
    for i in range(15 * 60 * 60):
        events = []
        if i % 997 == 0:
            events.append(Click(*on_fish(world)))
        if i % 1999 == 0:
            events.append(Click(world.fish.x + 30, world.fish.y))
        world.update(1 / 60, NOON + i / 60, events)
        half = 8
        fish = world.fish
        for dx, dy in ((-half, -half), (half - 1, -half), (-half, half - 1), (half - 1, half - 1)):
            assert bowl.in_water(round(fish.x) + dx, round(fish.y + fish.bob) + dy), (i, world.state)
