"""The away scheduler: taps on the glass while the user is gone, per day, never in the quiet hours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine_py import away
from engine_py.events import Notify, PageHidden, PageVisible
from engine_py.world import Settings, World

ROOT = Path(__file__).resolve().parents[1]
MIDNIGHT = 1_764_000_000 - 1_764_000_000 % 86_400


@pytest.mark.parametrize("per_day", range(0, 9))
@pytest.mark.parametrize("left_hour", [0.5, 7.9, 9, 13, 21.7, 23])
def test_plan_has_at_most_per_day_taps_outside_quiet_hours(per_day, left_hour):
    left = MIDNIGHT + left_hour * 3600
    taps = away.plan_taps(left, per_day, seed=per_day)
    assert len(taps) <= per_day
    if per_day:
        assert len(taps) >= max(1, per_day - 2)  # the night may merge one or two slots, never many
    for t in taps:
        assert left + away.MIN_GAP <= t < left + away.DAY
        hour = away.local_hour(t)
        assert 8 <= hour < 22, hour
    assert taps == sorted(taps)
    assert all(b - a >= away.MIN_GAP for a, b in zip(taps, taps[1:], strict=False))


def test_utc_offset_moves_the_quiet_hours():
    # UTC+10: local 22:00 is 12:00 UTC; no tap may land between 12:00 and 22:00 UTC.
    taps = away.plan_taps(MIDNIGHT, 8, utc_offset_minutes=600, seed=1)
    assert taps and all(not 12 <= away.local_hour(t) < 22 for t in taps)


def test_settings_clamped_and_zero_means_silence():
    assert away.plan_taps(MIDNIGHT, 0) == []
    assert len(away.plan_taps(MIDNIGHT + 9 * 3600, 50)) <= away.MAX_PER_DAY


def test_world_notifies_only_while_away_with_notification_lines():
    world = World(seed=1, settings=Settings(notifications_per_day=8, name="finn"))
    data = json.loads((ROOT / "public" / "phrases.json").read_text())
    world.load_phrases(data)
    lines = {line.replace("{name}", "finn") for line in data["categories"]["notification"]}
    start = MIDNIGHT + 9 * 3600
    world.update(1 / 60, start, [PageHidden()])
    notes = []
    # A fake clock: the page is hidden, frames come once a minute (the browser throttles hidden tabs).
    for minute in range(24 * 60):
        now = start + minute * 60
        notes += [(now, a.text) for a in world.update(1 / 60, now, []) if isinstance(a, Notify)]
    assert 4 <= len(notes) <= 8
    for now, text in notes:
        assert text in lines
        assert 8 <= away.local_hour(now) < 22
    world.update(1 / 60, start + 86_400, [PageVisible()])
    assert not any(isinstance(a, Notify) for a in world.update(1 / 60, start + 90_000, []))
