"""The behaviour state machine: priorities, durations, resuming, and every state reachable in a world."""

from __future__ import annotations

import json
import random
from pathlib import Path

from engine_py import fsm
from engine_py.events import Click, DoubleClick, ReplyDone, ReplyFailed, ReplyStarted, ReplyToken
from engine_py.sprites import POSES
from engine_py.world import World

ROOT = Path(__file__).resolve().parents[1]
NOON = 1_764_000_000 - 1_764_000_000 % 86_400 + 12 * 3600


def step(machine: fsm.Machine, seconds: float, rng: random.Random, dt: float = 1 / 120) -> list[str]:
    ended = []
    for _ in range(round(seconds / dt)):
        name = fsm.tick(machine, dt, rng)
        if name:
            ended.append(name)
    return ended


def test_the_twelve_states_and_their_frames():
    assert set(fsm.STATE_NAMES) == {
        "idle_swim", "talk", "happy", "sad", "sleep", "eat", "bump_glass", "forget", "excited", "wiggle",
        "bubble_blow", "turn_around",
    }  # fmt: skip
    for name, spec in fsm.STATES.items():
        assert len(POSES[name]) == spec.frames, name


def test_higher_priority_interrupts_lower_does_not():
    rng = random.Random(0)
    m = fsm.Machine()
    assert fsm.request(m, "bubble_blow", rng)
    assert fsm.request(m, "wiggle", rng)  # 5 > 1
    assert not fsm.request(m, "eat", rng)  # 2 < 5
    assert m.state == "wiggle"
    assert fsm.request(m, "excited", rng)  # 6 > 5
    assert m.state == "excited"


def test_a_state_ends_with_its_time_or_its_animation():
    rng = random.Random(1)
    m = fsm.Machine()
    fsm.request(m, "happy", rng)
    assert m.duration is not None and 1.6 <= m.duration <= 2.2
    assert step(m, 2.3, rng) == ["happy"] and m.state == "idle_swim"
    # turn_around has no duration: it ends when its 4 frames at 10 fps have played.
    fsm.request(m, "turn_around", rng)
    assert step(m, 0.35, rng) == [] and m.frame == 3
    assert step(m, 0.1, rng) == ["turn_around"]


def test_held_states_last_until_released():
    rng = random.Random(2)
    m = fsm.Machine()
    fsm.request(m, "talk", rng, held=True)
    assert step(m, 60.0, rng) == [] and m.state == "talk"
    fsm.release(m, "talk", rng)
    assert m.state == "idle_swim"


def test_a_click_during_talk_gets_its_wiggle_then_the_talk_resumes():
    rng = random.Random(3)
    m = fsm.Machine()
    fsm.request(m, "talk", rng, held=True)
    assert fsm.request(m, "wiggle", rng)
    step(m, 1.0, rng)
    assert m.state == "talk" and m.held
    fsm.release(m, "talk", rng)
    assert m.state == "idle_swim"


def test_a_chat_that_starts_during_a_reaction_talks_after_it():
    world = World(seed=13)
    world.update(1 / 60, NOON, [])
    world.update(1 / 60, NOON + world.time, [DoubleClick(world.fish.x, world.fish.y + world.fish.bob)])
    assert world.state == "excited"
    world.update(1 / 60, NOON + world.time, [ReplyStarted("hi"), ReplyToken("hel")])
    assert world.state == "excited" and world.chat == "talking"
    for _ in range(3 * 60):
        world.update(1 / 60, NOON + world.time, [])
    assert world.state == "talk"


def test_release_while_interrupted_forgets_the_resume():
    rng = random.Random(4)
    m = fsm.Machine()
    fsm.request(m, "talk", rng, held=True)
    fsm.request(m, "excited", rng)
    fsm.release(m, "talk", rng)  # the bubble closed during the excitement
    step(m, 3.0, rng)
    assert m.state == "idle_swim"


def chat(world: World, reply: str, seconds: float = 20.0, events_at=None) -> None:
    world.update(1 / 60, NOON + world.time, [ReplyStarted("hi fish")])
    for i in range(round(seconds * 60)):
        events = []
        if i == 60:
            events = [ReplyToken(reply[:5])]
        elif i == 90:
            events = [ReplyDone(reply)]
        if events_at:
            events += events_at(world, i)
        world.update(1 / 60, NOON + world.time, events)


def test_click_during_a_chat_wiggles_and_the_chat_goes_on():
    world = World(seed=5)
    seen = []

    def poke(w: World, i: int) -> list:
        seen.append((w.state, w.chat))
        return [Click(w.fish.x, w.fish.y + w.fish.bob)] if i == 120 else []

    chat(world, "blub blub, the water is warm", 2.5, poke)
    assert world.state == "wiggle" and world.chat == "talking"
    for _ in range(60):
        world.update(1 / 60, NOON + world.time, [])
    assert world.state == "talk" and world.speech is not None  # back to talking, bubble still up


def test_click_after_a_chat_still_gets_its_reaction():
    world = World(seed=6)
    chat(world, "hello there", 12.0)
    assert world.chat is None and world.last_chat is not None
    world.update(1 / 60, NOON + world.time, [Click(world.fish.x, world.fish.y + world.fish.bob)])
    assert world.state == "wiggle"


def test_reply_reactions_happy_forget_excited_and_sad():
    for reply, expected in (
        ("the water is nice", "happy"),
        ("wow, flakes!", "excited"),
        ("what was i saying", "forget"),
        ("i miss the sea", "sad"),
    ):
        world = World(seed=7)
        entered: list[str] = []

        def record(w: World, _i: int, seen: list[str] = entered) -> list:
            seen.append(w.state)
            return []

        chat(world, reply, 14.0, record)
        assert expected in entered[entered.index("talk") :], (reply, set(entered))


def test_every_state_is_reachable_in_a_world():
    world = World(seed=11)
    world.load_phrases(json.loads((ROOT / "public" / "phrases.json").read_text()))
    chat(world, "wow!", 14.0)
    chat(world, "i forgot", 14.0)
    for event in (Click, DoubleClick):
        world.update(1 / 60, NOON + world.time, [event(world.fish.x, world.fish.y + world.fish.bob)])
        for _ in range(4 * 60):
            world.update(1 / 60, NOON + world.time, [])
    world.update(1 / 60, NOON + world.time, [ReplyStarted("hi"), ReplyFailed()])
    assert world.state == "sad"  # a reply that failed
    for _ in range(20 * 60 * 60):  # twenty quiet minutes: idle events, lines, a nap
        world.update(1 / 60, NOON + world.time, [])
    assert set(world.machine.history) == set(fsm.STATE_NAMES), set(fsm.STATE_NAMES) - set(world.machine.history)


def test_turn_around_really_turns():
    world = World(seed=12)
    turns = []  # (facing before the turn, facing when it ended, facing a second later)
    start = None
    for _ in range(180 * 60):
        before = world.fish.facing
        was = world.state
        world.update(1 / 60, NOON + world.time, [])
        if world.state == "turn_around" and was != "turn_around":
            start = before
        elif was == "turn_around" and world.state != "turn_around" and start is not None:
            turns.append([start, world.fish.facing, world.time])
    assert len(turns) >= 3
    assert all(end == -begin for begin, end, _ in turns)
    # A turn is not undone right away: the turns are at least a second apart.
    times = [t for _, _, t in turns]
    assert all(b - a > 1.0 for a, b in zip(times, times[1:], strict=False))
