"""The fish's behaviour states: which one runs, what may interrupt it, and when it ends.

Plain data and pure functions over a ``Machine``: the world asks for a state (``request``), advances time
(``tick``) and reads back what ended. A request wins when its priority is at least the running state's;
a state ends when its duration runs out, or, for a non-looping animation without a duration, when its
last frame has played. A state that was interrupted while it still had a reason to run (talking while
the bubble is up) is remembered and resumed when the interruption ends — so a click during a chat gets
its wiggle and the fish goes back to talking.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StateSpec:
    name: str
    priority: int
    frames: int  # animation frames
    fps: float  # animation speed
    loops: bool  # a looping animation runs until its duration (or its owner) ends it
    duration: tuple[float, float] | None  # (min, max) s, drawn with the machine's rng; None: the animation's length
    resumable: bool = False  # comes back after a higher-priority state interrupts it


# Priorities: idle < small idle events < moods < talking < reactions to a touch.
STATES: dict[str, StateSpec] = {
    spec.name: spec
    for spec in (
        StateSpec("idle_swim", 0, 4, 5.0, True, None),
        StateSpec("turn_around", 1, 4, 10.0, False, None),
        StateSpec("bubble_blow", 1, 3, 3.0, False, None),
        StateSpec("eat", 2, 3, 4.0, False, (1.4, 2.0)),
        StateSpec("bump_glass", 2, 3, 6.0, False, None),
        StateSpec("forget", 2, 2, 3.0, True, (1.8, 2.6)),
        StateSpec("sad", 3, 2, 2.0, True, (4.0, 6.0)),
        StateSpec("sleep", 3, 2, 1.0, True, None, resumable=False),
        StateSpec("talk", 4, 2, 6.0, True, None, resumable=True),
        StateSpec("happy", 5, 2, 5.0, True, (1.6, 2.2)),
        StateSpec("wiggle", 5, 4, 14.0, False, (0.9, 0.9)),
        StateSpec("excited", 6, 2, 8.0, True, (1.8, 2.4)),
    )
}
STATE_NAMES = tuple(STATES)


@dataclass
class Machine:
    state: str = "idle_swim"
    elapsed: float = 0.0  # s in the current state
    duration: float | None = None  # s this state lasts; None: until its animation ends or it is ended
    held: bool = False  # the owner ends this state (talking, sleeping), not the clock
    resume: list[tuple[str, bool]] = field(default_factory=list)  # interrupted states to come back to
    history: list[str] = field(default_factory=list)  # every state entered, for tests and the curious

    @property
    def spec(self) -> StateSpec:
        return STATES[self.state]

    @property
    def frame(self) -> int:
        spec = self.spec
        n = int(self.elapsed * spec.fps)
        return n % spec.frames if spec.loops else min(n, spec.frames - 1)

    @property
    def progress(self) -> float:
        """0..1 through a timed state (1 for an open-ended one)."""
        if self.duration:
            return min(1.0, self.elapsed / self.duration)
        spec = self.spec
        if not spec.loops and not self.held:
            return min(1.0, self.elapsed * spec.fps / spec.frames)
        return 1.0


def _length(spec: StateSpec, rng: random.Random) -> float | None:
    if spec.duration is not None:
        low, high = spec.duration
        return low if low == high else rng.uniform(low, high)
    return None


def can_enter(machine: Machine, state: str) -> bool:
    """Whether ``state`` may take over now: equal or higher priority interrupts."""
    return STATES[state].priority >= machine.spec.priority or machine.state == "idle_swim"


def enter(machine: Machine, state: str, rng: random.Random, held: bool = False) -> None:
    """Switch to ``state`` unconditionally; a resumable state that is interrupted is remembered."""
    current = machine.spec
    if current.resumable and machine.held and state != machine.state:
        machine.resume.append((machine.state, machine.held))
    machine.state = state
    machine.elapsed = 0.0
    machine.held = held
    machine.duration = None if held else _length(STATES[state], rng)
    machine.history.append(state)


def request(machine: Machine, state: str, rng: random.Random, held: bool = False) -> bool:
    """Enter ``state`` if its priority allows; returns whether it did. ``held``: the caller ends it."""
    if not can_enter(machine, state):
        return False
    enter(machine, state, rng, held)
    return True


def request_or_queue(machine: Machine, state: str, rng: random.Random, held: bool = False) -> bool:
    """Enter ``state`` now if its priority allows, else run it as soon as the current state ends.

    For the states that must happen (talking to the user), not merely may (a nibble). Returns whether it
    was entered now.
    """
    if request(machine, state, rng, held):
        return True
    machine.resume = [(s, h) for s, h in machine.resume if s != state]
    machine.resume.append((state, held))
    return False


def release(machine: Machine, state: str, rng: random.Random) -> None:
    """The owner of a held state is done with it (the bubble closed, the fish woke): it ends now."""
    machine.resume = [(s, h) for s, h in machine.resume if s != state]
    if machine.state == state:
        _finish(machine, rng)


def _finish(machine: Machine, rng: random.Random) -> str:
    ended = machine.state
    if machine.resume:
        state, held = machine.resume.pop()
        machine.state, machine.elapsed, machine.held = state, 0.0, held
        machine.duration = None if held else _length(STATES[state], rng)
        machine.history.append(state)
    else:
        machine.state, machine.elapsed, machine.held, machine.duration = "idle_swim", 0.0, False, None
        machine.history.append("idle_swim")
    return ended


def tick(machine: Machine, dt: float, rng: random.Random) -> str | None:
    """Advance ``dt`` seconds; returns the name of the state that ended in this step, if one did."""
    machine.elapsed += dt
    spec = machine.spec
    if machine.held or machine.state == "idle_swim":
        return None
    if machine.duration is not None:
        if machine.elapsed >= machine.duration:
            return _finish(machine, rng)
        return None
    if not spec.loops and machine.elapsed * spec.fps >= spec.frames:
        return _finish(machine, rng)
    return None
