"""The fish's world: where it is, where it is going, and why.

The simulation advances in fixed steps of ``STEP`` seconds whatever the host's frame rate: ``update``
banks the frame's dt and runs as many whole steps as it covers. So 30 fps and 120 fps produce the same
motion (the pointer pull included), and a replay with the same seed, dts and events is exact. All
randomness comes from the world's own ``random.Random(seed)``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine_py import bowl
from engine_py import palette as P
from engine_py.events import Action, Click, Event, FishSays, PointerLeave, PointerMove
from engine_py.sprites import SIDE_HEIGHT, SIDE_WIDTH, TAIL_TILTS

STEP = 1 / 120  # seconds of simulation per step
MAX_FRAME = 0.25  # a longer frame (a hidden tab waking up) is cut to this, not replayed step by step

CRUISE_SPEED = 16.0  # px/s while wandering
DART_SPEED = 75.0  # px/s right after a tap on the fish
DART_TIME = 0.6  # s
TURN_SPEED = 3.0  # |vx| in px/s before the fish turns to face its way
RESPONSE = 2.5  # 1/s: how fast velocity follows the wanted velocity
LEVEL_BIAS = 0.6  # vertical share of the wandering speed
ARRIVE_RADIUS = 12.0  # px: start slowing down this far from a target
PULL_SPEED = 10.0  # px/s: the most the pointer adds to the wanted velocity
POINTER_INTEREST = 4.0  # s: a pointer that stops moving is forgotten after this
BOB_AMPLITUDE = 1.2  # px
BOB_RATE = 1.8  # rad/s
TAIL_RATE = 3.0  # frames/s at rest; faster when swimming
BUBBLE_RATE = 0.35  # bubbles/s from the fish's mouth
MAX_BUBBLES = 12
TALK_CENTER = (float(bowl.CENTER_X), 76.0)

# The fish's centre stays this far inside the water so its whole sprite, bob included, stays wet.
_HALF_W = SIDE_WIDTH / 2 + 1
_HALF_H = SIDE_HEIGHT / 2 + BOB_AMPLITUDE + 1
_TOP = bowl.WATER_TOP + _HALF_H + 1
_BOTTOM = bowl.GRAVEL_TOP - _HALF_H


def swim_x_range(y: float) -> tuple[float, float]:
    """The fish centre's allowed x span at height ``y`` (its sprite's corners stay inside the glass)."""
    half = min(bowl.water_half_width(y - _HALF_H), bowl.water_half_width(y + _HALF_H)) - _HALF_W
    half = max(half, 0.0)
    return bowl.CENTER_X - half, bowl.CENTER_X + half


def clamp_to_water(x: float, y: float) -> tuple[float, float]:
    y = min(max(y, _TOP), _BOTTOM)
    lo, hi = swim_x_range(y)
    return min(max(x, lo), hi), y


@dataclass
class Fish:
    x: float = float(bowl.CENTER_X)
    y: float = 80.0
    vx: float = 0.0
    vy: float = 0.0
    target_x: float = float(bowl.CENTER_X)
    target_y: float = 80.0
    facing: int = 1  # 1 right, -1 left, 0 towards the viewer
    rest: float = 0.0  # s left to idle at the current target
    dart: float = 0.0  # s left of a startled dash
    dart_x: float = 0.0  # dash direction (unit vector)
    dart_y: float = 0.0
    talk: float = 0.0  # s left facing the viewer once at the centre
    tail_phase: float = 0.0  # animation frames elapsed, fractional
    bob: float = 0.0  # current vertical bob offset, px

    @property
    def frame(self) -> int:
        return int(self.tail_phase)


@dataclass
class Bubble:
    x: float
    y: float
    speed: float  # px/s upwards
    phase: float  # wobble phase, rad
    size: int  # 1 small, 2 large
    draw_x: float = 0.0  # x with its wobble applied, for the renderer


@dataclass
class World:
    seed: int = 0
    palette: P.Palette = P.PALETTE
    fish: Fish = field(default_factory=Fish)
    bubbles: list[Bubble] = field(default_factory=list)
    pointer: tuple[float, float] | None = None
    pointer_time: float = 0.0  # simulation time of the last pointer move
    time: float = 0.0  # simulation seconds since the world began
    now: float = 0.0  # the host's clock at the last update, for schedulers that care about the hour
    talking: bool = False
    rng: random.Random = field(init=False, repr=False)
    _banked: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.fish.target_x, self.fish.target_y = self._random_target()

    # -- the host's entry point --------------------------------------------------------------------

    def update(self, dt: float, now: float, events: Sequence[Event]) -> list[Action]:
        """Apply ``events``, advance the world by ``dt`` seconds, and return what the host must do."""
        self.now = now
        actions: list[Action] = []
        for event in events:
            self._handle(event)
        self._banked += min(max(dt, 0.0), MAX_FRAME)
        # The small slack absorbs float error so that e.g. 1/30 s always counts as exactly 4 steps.
        while self._banked >= STEP - 1e-9:
            self._banked -= STEP
            self._step(STEP)
        return actions

    # -- events ---------------------------------------------------------------------------------------

    def _handle(self, event: Event) -> None:
        fish = self.fish
        if isinstance(event, PointerMove):
            self.pointer = (event.x, event.y)
            self.pointer_time = self.time
        elif isinstance(event, PointerLeave):
            self.pointer = None
        elif isinstance(event, Click):
            if self._hits_fish(event.x, event.y):
                # Startled: dash away from the finger, mostly sideways, and blow a few bubbles.
                dx, dy = fish.x - event.x, (fish.y - event.y) * 0.5
                if abs(dx) < 1:
                    dx = fish.facing or 1
                norm = math.hypot(dx, dy)
                fish.dart, fish.dart_x, fish.dart_y = DART_TIME, dx / norm, dy / norm
                fish.talk = 0.0
                self.talking = False
                for _ in range(3):
                    self._spawn_bubble()
            elif bowl.in_water(event.x, event.y) and not self.talking:
                # A tap in the water is something to look at.
                fish.target_x, fish.target_y = clamp_to_water(event.x, event.y)
                fish.rest = 0.0
        elif isinstance(event, FishSays):
            self.talking = True
            fish.target_x, fish.target_y = TALK_CENTER
            fish.talk = min(max(1.5 + 0.07 * len(event.text), 2.5), 8.0)

    def _hits_fish(self, x: float, y: float) -> bool:
        fish = self.fish
        return abs(x - fish.x) <= SIDE_WIDTH / 2 + 2 and abs(y - fish.y - fish.bob) <= SIDE_HEIGHT / 2 + 2

    # -- one fixed step -------------------------------------------------------------------------------

    def _step(self, dt: float) -> None:
        self.time += dt
        fish = self.fish
        want_x, want_y = self._steer(dt)

        # Exponential approach: the same fraction of the gap closes per second at any step size.
        k = 1.0 - math.exp(-RESPONSE * dt * (3.0 if fish.dart > 0 else 1.0))
        fish.vx += (want_x - fish.vx) * k
        fish.vy += (want_y - fish.vy) * k
        x, y = fish.x + fish.vx * dt, fish.y + fish.vy * dt
        fish.x, fish.y = clamp_to_water(x, y)
        if fish.x != x:
            fish.vx = 0.0  # bumped the glass
        if fish.y != y:
            fish.vy = 0.0

        # Turn to face the way it swims, except while it is facing the viewer to talk.
        if not (self.talking and fish.facing == 0) and abs(fish.vx) > TURN_SPEED:
            fish.facing = 1 if fish.vx > 0 else -1

        speed = math.hypot(fish.vx, fish.vy)
        fish.tail_phase = (fish.tail_phase + dt * (TAIL_RATE + speed * 0.25)) % len(TAIL_TILTS)
        fish.bob = BOB_AMPLITUDE * math.sin(self.time * BOB_RATE)

        if self.rng.random() < BUBBLE_RATE * dt:
            self._spawn_bubble()
        self._step_bubbles(dt)

    def _steer(self, dt: float) -> tuple[float, float]:
        """One step of the fish's small decisions (dash, talk, rest, new target); the velocity it wants."""
        fish = self.fish
        if fish.dart > 0:
            fish.dart -= dt
            return fish.dart_x * DART_SPEED, fish.dart_y * DART_SPEED

        dx, dy = fish.target_x - fish.x, fish.target_y - fish.y
        dist = math.hypot(dx, dy)
        if self.talking:
            if dist < 2.0:
                fish.facing = 0
                fish.talk -= dt
                if fish.talk <= 0:
                    self.talking = False
                    fish.facing = 1 if self.rng.random() < 0.5 else -1
                    fish.target_x, fish.target_y = self._random_target()
                return 0.0, 0.0
        elif dist < 3.0:
            # Arrived: idle a moment, then pick somewhere new.
            if fish.rest <= 0:
                fish.rest = self.rng.uniform(0.8, 3.0)
            fish.rest -= dt
            if fish.rest <= 0:
                fish.target_x, fish.target_y = self._random_target()
            dx = dy = 0.0

        speed = CRUISE_SPEED * min(1.0, dist / ARRIVE_RADIUS)
        want_x = dx / dist * speed if dist > 1e-6 else 0.0
        # Fish swim level by choice: climbing and sinking is slower than going along.
        want_y = dy / dist * speed * LEVEL_BIAS if dist > 1e-6 else 0.0

        # The pointer pulls gently while it is in the water and recently moved: curious, not obedient.
        if (
            self.pointer is not None
            and not self.talking
            and self.time - self.pointer_time < POINTER_INTEREST
            and bowl.in_water(*self.pointer)
        ):
            px, py = self.pointer[0] - fish.x, self.pointer[1] - fish.y
            pdist = math.hypot(px, py)
            if pdist > 1e-6:
                pull = PULL_SPEED * min(1.0, pdist / 30.0)
                want_x += px / pdist * pull
                want_y += py / pdist * pull
        return want_x, want_y

    def _random_target(self) -> tuple[float, float]:
        y = self.rng.uniform(_TOP, _BOTTOM)
        lo, hi = swim_x_range(y)
        return self.rng.uniform(lo, hi), y

    # -- bubbles --------------------------------------------------------------------------------------

    def _spawn_bubble(self) -> None:
        if len(self.bubbles) >= MAX_BUBBLES:
            return
        fish = self.fish
        mouth_x = fish.x + (SIDE_WIDTH / 2 - 3) * (fish.facing or 1)
        self.bubbles.append(
            Bubble(
                x=mouth_x,
                y=fish.y + fish.bob,
                speed=self.rng.uniform(10.0, 18.0),
                phase=self.rng.uniform(0.0, math.tau),
                size=1 if self.rng.random() < 0.6 else 2,
                draw_x=mouth_x,
            )
        )

    def _step_bubbles(self, dt: float) -> None:
        kept = []
        for b in self.bubbles:
            b.y -= b.speed * dt
            b.phase += 3.0 * dt
            b.draw_x = b.x + 0.8 * math.sin(b.phase)
            # A bubble pops at the surface, or at the glass if it rose beside the bowl's curve.
            if bowl.in_water(b.draw_x - 1, b.y - 1) and bowl.in_water(b.draw_x + 4, b.y - 1):
                kept.append(b)
        self.bubbles = kept
