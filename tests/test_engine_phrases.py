"""The idle phrases: the data file's shape and voice, and a scheduler that knows the time of day."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from engine_py import phrases as ph
from engine_py.events import ReplyDone, ReplyStarted, ShowText
from engine_py.world import Settings, World

ROOT = Path(__file__).resolve().parents[1]
DATA = json.loads((ROOT / "public" / "phrases.json").read_text(encoding="utf-8"))
LINES = ph.parse_phrases(DATA)
# Words that break the persona: the fish knows water, not tech support.
FORBIDDEN = re.compile(
    r"\b(ai|assistant|language model|chatgpt|gpt|openai|anthropic|claude|llm|http|www|kill|die|dead|hate)\b"
)


def test_the_file_has_13_categories_and_at_least_530_lines():
    assert set(DATA["categories"]) == set(ph.CATEGORIES) and len(ph.CATEGORIES) == 13
    assert sum(len(v) for v in LINES.values()) >= 530
    assert all(len(LINES[c]) >= 30 for c in ph.CATEGORIES)


def test_lines_are_unique_short_lowercase_and_in_character():
    every = [line for lines in LINES.values() for line in lines]
    assert len(every) == len(set(every)), "duplicate lines"
    for line in every:
        assert line == line.strip() and 3 <= len(line) <= 64, line
        assert line == line.lower(), line
        assert line.isascii(), line  # the pixel font draws printable ASCII
        assert not FORBIDDEN.search(line), line
        assert "<" not in line and ">" not in line, line  # text, never markup
        assert set(re.findall(r"\{(\w*)\}", line)) <= {"name"}, line


def test_name_placeholder_is_filled_with_the_setting():
    assert any("{name}" in line for line in LINES["notification"])
    assert ph.with_name("tap tap. it's me, {name}", "bubbles") == "tap tap. it's me, bubbles"
    assert ph.with_name("{name} {0} {x}", "") == "glub {0} {x}"  # no str.format: braces stay text


@pytest.mark.parametrize(
    ("hour", "band"),
    [(6, "morning"), (10.99, "morning"), (11, "afternoon"), (16.5, "afternoon"), (17, "evening"),
     (21.9, "evening"), (22, "night"), (3, "night"), (5.99, "night")],
)  # fmt: skip
def test_hour_bands_follow_the_design(hour, band):
    assert ph.hour_band(hour) == band


def ctx(time=1000.0, hour=12.0, silence=0.0, since_chat=None, away=False) -> ph.Context:
    return ph.Context(time, hour, time - silence, None if since_chat is None else time - since_chat, away)


def test_time_of_day_lines_only_in_their_hours():
    for hour in range(24):
        allowed = ph.eligible(ctx(hour=hour))
        bands = {c for c in ph.HOUR_BANDS if c in allowed}
        assert bands == {ph.hour_band(hour)}


def test_silence_chat_and_away_gates():
    assert "bored" not in ph.eligible(ctx(silence=30)) and "bored" in ph.eligible(ctx(silence=120))
    assert "long_silence" not in ph.eligible(ctx(silence=300)) and "long_silence" in ph.eligible(ctx(silence=700))
    assert "post_chat" not in ph.eligible(ctx()) and "post_chat" in ph.eligible(ctx(since_chat=10))
    assert "post_chat" not in ph.eligible(ctx(since_chat=400))
    assert "notification" not in ph.eligible(ctx())
    assert set(ph.eligible(ctx(away=True))) == {"notification"}


def test_scheduler_timing_first_line_then_every_30_to_120_seconds():
    rng = random.Random(0)
    sched = ph.PhraseScheduler(LINES)
    times = []
    t = 0.0
    while t < 3600:
        if sched.due(ctx(time=t, silence=0), rng):
            times.append(t)
        t += 0.5
    assert 8.0 <= times[0] <= 20.5
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(30.0 <= g <= 120.5 for g in gaps), gaps
    assert 25 <= len(times) <= 120


def test_no_line_repeats_within_20_and_weights_favour_the_moment():
    rng = random.Random(1)
    sched = ph.PhraseScheduler(LINES)
    said = [sched.pick(ctx(hour=8, since_chat=5), rng) for _ in range(400)]
    lines = [s[1] for s in said]
    for i in range(len(lines)):
        assert lines[i] not in lines[max(0, i - 20) : i]
    categories = [s[0] for s in said]
    assert categories.count("post_chat") > categories.count("meta")
    assert not {"afternoon", "evening", "night", "bored", "long_silence"} & set(categories)


def test_the_world_mutters_in_the_right_hours_with_a_fake_clock():
    def categories_at(hour: float) -> set[str]:
        world = World(seed=2, settings=Settings(name="finn"))
        world.load_phrases(DATA)
        base = 1_764_000_000 - 1_764_000_000 % 86_400 + hour * 3600
        for i in range(6 * 60 * 60):  # six minutes; the pointer keeps it awake and not bored
            world.update(1 / 60, base + i / 60, [])
            world.last_interaction = world.time
        return {c for _, c, _ in world.phrases.said}

    for hour, band in ((8, "morning"), (13, "afternoon"), (19, "evening"), (23, "night")):
        seen = categories_at(hour)
        assert not (set(ph.HOUR_BANDS) - {band}) & seen, (hour, seen)
        assert not {"bored", "long_silence", "post_chat", "notification"} & seen


def test_the_world_says_lines_as_text_actions_and_post_chat_after_a_chat():
    world = World(seed=3)
    world.load_phrases(DATA)
    base = 1_764_000_000 - 1_764_000_000 % 86_400 + 14 * 3600
    world.update(1 / 60, base, [ReplyStarted("hi"), ReplyDone("hello")])
    texts = []
    for i in range(8 * 60 * 60):
        texts += [a.text for a in world.update(1 / 60, base + i / 60, []) if isinstance(a, ShowText)]
    assert texts and all("<" not in t for t in texts)
    first_after_chat = [c for t, c, _ in world.phrases.said if world.last_chat and t - world.last_chat < 90]
    assert all(c not in ("bored", "long_silence") for c in first_after_chat)
