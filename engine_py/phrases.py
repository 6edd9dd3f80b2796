"""Idle phrases: which line the fish mutters, and when.

The lines are plain data (``public/phrases.json``, loaded by the host and passed in as a dict). The
scheduler is time-aware: the hour bands of DESIGN.md gate the morning/afternoon/evening/night lines,
measured silence gates bored and long_silence, a recent chat gates post_chat, and notification lines are
never muttered in the bowl (the away scheduler uses them while the user is gone). Time is injected: the
simulation clock for intervals, the local hour for bands. Randomness is the caller's seeded rng.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

CATEGORIES = (
    "forgetful",
    "bored",
    "existential",
    "cheerful",
    "post_chat",
    "morning",
    "afternoon",
    "evening",
    "night",
    "meta",
    "hungry",
    "long_silence",
    "notification",
)
HOUR_BANDS = {"morning": (6, 11), "afternoon": (11, 17), "evening": (17, 22), "night": (22, 6)}
BORED_AFTER = 90.0  # s of silence (no click, press or chat) before bored lines may come
LONG_SILENCE_AFTER = 600.0  # s of silence before long_silence lines may come
POST_CHAT_WINDOW = 90.0  # s after a chat during which post_chat lines may come
FIRST_DELAY = (8.0, 20.0)  # s after start for the first line
INTERVAL = (30.0, 120.0)  # s between later lines
NO_REPEAT = 20  # a line never comes back within this many lines

# Relative weights of the eligible categories. Gated categories weigh more: when their moment comes,
# it should show.
WEIGHTS = {
    "forgetful": 3.0,
    "bored": 3.0,
    "existential": 2.0,
    "cheerful": 3.0,
    "post_chat": 6.0,
    "morning": 4.0,
    "afternoon": 3.0,
    "evening": 4.0,
    "night": 4.0,
    "meta": 1.0,
    "hungry": 1.5,
    "long_silence": 6.0,
    "notification": 0.0,
}
DEFAULT_NAME = "glub"


def hour_band(hour: float) -> str:
    """The DESIGN.md band of a local hour: morning 06-11, afternoon 11-17, evening 17-22, night 22-06."""
    h = hour % 24
    if 6 <= h < 11:
        return "morning"
    if 11 <= h < 17:
        return "afternoon"
    if 17 <= h < 22:
        return "evening"
    return "night"


def with_name(line: str, name: str) -> str:
    """The fish's name where the line has a place for it. Only the placeholder is touched: no format()."""
    return line.replace("{name}", name or DEFAULT_NAME)


def parse_phrases(data: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """The categories of a phrases file (``{"categories": {name: [line, ...]}}``), unknown ones dropped."""
    raw = data.get("categories", data)
    if not isinstance(raw, Mapping):
        raise ValueError("phrases: expected a 'categories' object")
    out: dict[str, tuple[str, ...]] = {}
    for name in CATEGORIES:
        lines = raw.get(name, ())
        if not isinstance(lines, Sequence) or isinstance(lines, str):
            raise ValueError(f"phrases: {name} must be a list of lines")
        out[name] = tuple(str(line) for line in lines if str(line).strip())
    return out


@dataclass
class Context:
    """What the scheduler needs to know about now."""

    time: float  # simulation seconds
    hour: float  # local hour, fractional
    last_interaction: float  # simulation time of the last click, press or chat
    last_chat: float | None  # simulation time the last chat ended, None if there was none
    away: bool = False  # the user is not looking at the page


def eligible(ctx: Context) -> dict[str, float]:
    """The categories that may speak now, with their weights."""
    silence = ctx.time - ctx.last_interaction
    band = hour_band(ctx.hour)
    out = {}
    for name in CATEGORIES:
        if name in HOUR_BANDS and name != band:
            continue
        if name == "bored" and silence < BORED_AFTER:
            continue
        if name == "long_silence" and silence < LONG_SILENCE_AFTER:
            continue
        if name == "post_chat" and (ctx.last_chat is None or ctx.time - ctx.last_chat > POST_CHAT_WINDOW):
            continue
        if name == "notification" and not ctx.away:
            continue
        weight = WEIGHTS[name] if name != "notification" else 1.0
        if ctx.away and name != "notification":
            continue  # nobody is looking: the only lines are taps on the glass, which the away scheduler times
        out[name] = weight
    return out


@dataclass
class PhraseScheduler:
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    name: str = DEFAULT_NAME
    next_time: float | None = None  # simulation time of the next line; set on the first call
    recent: deque[str] = field(default_factory=lambda: deque(maxlen=NO_REPEAT))
    said: list[tuple[float, str, str]] = field(default_factory=list)  # (time, category, line): a log for tests

    def pick(self, ctx: Context, rng: random.Random, only: str | None = None) -> tuple[str, str] | None:
        """A (category, line) for now, weighted, never one of the last ``NO_REPEAT``; None if nothing fits."""
        weights = {only: 1.0} if only else eligible(ctx)
        pools = {c: [ln for ln in self.phrases.get(c, ()) if ln not in self.recent] for c in weights}
        pools = {c: lines for c, lines in pools.items() if lines}
        if not pools:
            return None
        names = sorted(pools)
        category = rng.choices(names, weights=[weights[c] for c in names])[0]
        line = rng.choice(pools[category])
        self.recent.append(line)
        self.said.append((ctx.time, category, line))
        return category, with_name(line, self.name)

    def due(self, ctx: Context, rng: random.Random, quiet: bool = False) -> tuple[str, str] | None:
        """The line to say now, if its time has come. ``quiet``: the fish is busy (talking, asleep); wait."""
        if self.next_time is None:
            self.next_time = ctx.time + rng.uniform(*FIRST_DELAY)
            return None
        if ctx.time < self.next_time or ctx.away:
            return None
        if quiet:
            self.next_time = ctx.time + rng.uniform(5.0, 15.0)  # try again soon after the fish is free
            return None
        self.next_time = ctx.time + rng.uniform(*INTERVAL)
        return self.pick(ctx, rng)

    def postpone(self, ctx_time: float, rng: random.Random) -> None:
        """Something else was said (a chat): the next idle line keeps a polite distance from it."""
        self.next_time = max(self.next_time or 0.0, ctx_time + rng.uniform(*INTERVAL) * 0.5)
