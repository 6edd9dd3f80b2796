"""The away scheduler: while the user is gone, when does the fish tap on the glass, and what does it say?

A pure plan: given the notifications-per-day setting (0-8), the quiet hours (22-08 local, from DESIGN.md)
and the moment the user left, ``plan_taps`` spreads that many taps over the next day's waking hours, none
in the quiet hours and none in the first ``MIN_GAP`` after leaving. ``AwayScheduler`` walks the plan
with a clock the caller injects and hands out notification lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from engine_py.phrases import Context, PhraseScheduler

QUIET_START = 22  # local hour the quiet begins
QUIET_END = 8  # local hour it ends
MAX_PER_DAY = 8
MIN_GAP = 30 * 60.0  # s: never tap right after the user left, nor twice in a row this close
DAY = 24 * 3600.0


def local_hour(epoch: float, utc_offset_minutes: int = 0) -> float:
    """The local hour (0-24, fractional) of a Unix time, for a fixed UTC offset."""
    return ((epoch + utc_offset_minutes * 60.0) % DAY) / 3600.0


def is_quiet(hour: float, start: int = QUIET_START, end: int = QUIET_END) -> bool:
    h = hour % 24
    return h >= start or h < end if start > end else start <= h < end


def plan_taps(
    left_at: float,
    per_day: int,
    utc_offset_minutes: int = 0,
    seed: int = 0,
    quiet: tuple[int, int] = (QUIET_START, QUIET_END),
) -> list[float]:
    """Unix times of the taps in the 24 h after ``left_at``: ``per_day`` of them, outside the quiet hours.

    The day's waking minutes are cut into ``per_day`` equal slots and each tap lands at a random point of
    its slot, so taps are spread out but not clockwork. Minutes are the grain: fine enough for a fish.
    """
    per_day = max(0, min(MAX_PER_DAY, int(per_day)))
    if per_day == 0:
        return []
    rng = random.Random(seed)
    start = left_at + MIN_GAP
    awake = [
        start + m * 60.0
        for m in range(int((DAY - MIN_GAP) // 60))
        if not is_quiet(local_hour(start + m * 60.0, utc_offset_minutes), *quiet)
    ]
    if not awake:
        return []
    slot = len(awake) / per_day
    taps: list[float] = []
    for k in range(per_day):
        lo = int(k * slot)
        hi = max(lo, int((k + 1) * slot) - 1)
        t = awake[rng.randint(lo, hi)]
        if taps and t - taps[-1] < MIN_GAP:
            continue  # two slots squeezed together by the night: one tap is enough
        taps.append(t)
    return taps


@dataclass
class AwayScheduler:
    per_day: int = 3
    utc_offset_minutes: int = 0
    seed: int = 0
    left_at: float | None = None
    plan: list[float] = field(default_factory=list)

    def leave(self, now: float) -> None:
        """The user left (the page was hidden): plan the next day of taps."""
        self.left_at = now
        self.plan = plan_taps(now, self.per_day, self.utc_offset_minutes, self.seed + int(now))

    def come_back(self) -> None:
        self.left_at = None
        self.plan = []

    @property
    def away(self) -> bool:
        return self.left_at is not None

    def due(self, now: float, phrases: PhraseScheduler, rng: random.Random) -> str | None:
        """A notification line if a planned tap has come (missed ones collapse into one), else None."""
        if not self.away or not self.plan or now < self.plan[0]:
            return None
        while self.plan and self.plan[0] <= now:
            self.plan.pop(0)
        if is_quiet(local_hour(now, self.utc_offset_minutes)):
            return None  # a sleeping laptop woke in the night: stay quiet
        if self.left_at is not None and now >= self.left_at + DAY:
            self.leave(now)  # a second day away: plan another
        picked = phrases.pick(Context(0.0, 12.0, 0.0, None, away=True), rng, only="notification")
        return picked[1] if picked else None
