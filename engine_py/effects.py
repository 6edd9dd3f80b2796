"""Little things that move and go away: rising bubbles, splash drops, the click spiral, dissolving words.

Plain lists of small dataclasses advanced with pure functions; all randomness is the world's seeded rng.
Reduced motion keeps the bubbles (slow, few) and drops the rest: no spray, no spiral, no crumbling text.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine_py import palette as P

MAX_BUBBLES = 14
MAX_PARTICLES = 160
GRAVITY = 90.0  # px/s^2 for splash drops
WATER_DRAG = 2.5  # 1/s: drops slow down in water


@dataclass
class Bubble:
    x: float
    y: float
    speed: float  # px/s upwards
    phase: float  # wobble phase, rad
    size: int  # 1 small, 2 large
    draw_x: float = 0.0  # x with its wobble applied, for the renderer


@dataclass
class Particle:
    x: float
    y: float
    vx: float
    vy: float
    life: float  # s left
    colour: int  # palette index (one of sprites.PARTICLE_COLOURS)
    gravity: float = 0.0  # px/s^2 downwards (negative: floats up)
    drag: float = 0.0


def spawn_bubble(bubbles: list[Bubble], x: float, y: float, rng: random.Random, size: int | None = None) -> None:
    if len(bubbles) >= MAX_BUBBLES:
        return
    bubbles.append(
        Bubble(
            x=x,
            y=y,
            speed=rng.uniform(10.0, 18.0),
            phase=rng.uniform(0.0, math.tau),
            size=size or (1 if rng.random() < 0.6 else 2),
            draw_x=x,
        )
    )


def step_bubbles(bubbles: list[Bubble], dt: float, in_water: Callable[[float, float], bool]) -> list[Bubble]:
    """Rise and wobble; a bubble pops when any of its corners would leave the water."""
    kept = []
    for b in bubbles:
        b.y -= b.speed * dt
        b.phase += 3.0 * dt
        b.draw_x = b.x + 0.9 * math.sin(b.phase)
        if in_water(b.draw_x - 1, b.y - 1) and in_water(b.draw_x + 4, b.y - 1):
            kept.append(b)
    return kept


def _add(particles: list[Particle], p: Particle) -> None:
    if len(particles) < MAX_PARTICLES:
        particles.append(p)


def splash(particles: list[Particle], x: float, y: float, rng: random.Random) -> None:
    """A tap on the water: a ring of drops thrown up and out that sink back."""
    for i in range(12):
        angle = -math.pi / 2 + (i - 5.5) * 0.24 + rng.uniform(-0.1, 0.1)
        speed = rng.uniform(22.0, 42.0)
        colour = P.WATER_SURFACE if i % 3 else P.BUBBLE
        _add(particles, Particle(x, y, math.cos(angle) * speed, math.sin(angle) * speed, 0.7, colour, GRAVITY, 1.0))


def spiral(particles: list[Particle], x: float, y: float, rng: random.Random) -> None:
    """Sparks that spin out from the fish in a widening spiral (a click on it)."""
    for i in range(10):
        angle = i * math.tau / 10 + rng.uniform(-0.1, 0.1)
        speed = 14.0 + i * 2.2
        # Tangential plus outward velocity: the sparks curl as they fly.
        vx = math.cos(angle) * speed * 0.6 - math.sin(angle) * speed
        vy = math.sin(angle) * speed * 0.6 + math.cos(angle) * speed
        _add(particles, Particle(x, y, vx, vy, 0.5 + i * 0.03, P.SPARKLE if i % 2 else P.STAR, 0.0, 3.0))


def dissolve(
    particles: list[Particle], origin_x: int, origin_y: int, pixels: Sequence[tuple[int, int]], rng: random.Random
) -> None:
    """The forget effect: the ink of the fish's words crumbles into drifting, sinking crumbs."""
    if not pixels:
        return
    step = max(1, len(pixels) // 90)  # a sample of the ink: enough to read as the words falling apart
    for x, y in pixels[::step]:
        _add(
            particles,
            Particle(
                origin_x + x,
                origin_y + y,
                rng.uniform(-6.0, 6.0),
                rng.uniform(-8.0, 2.0),
                rng.uniform(0.6, 1.4),
                P.SPEECH_INK,
                rng.uniform(20.0, 40.0),
                0.5,
            ),
        )


def step_particles(particles: list[Particle], dt: float) -> list[Particle]:
    kept = []
    for p in particles:
        p.life -= dt
        if p.life <= 0:
            continue
        p.vy += p.gravity * dt
        if p.drag:
            k = math.exp(-p.drag * dt)
            p.vx *= k
            p.vy *= k
        p.x += p.vx * dt
        p.y += p.vy * dt
        kept.append(p)
    return kept
