"""``python -m engine_py.bench``: the median cost of one frame (update + render) under this Python.

Standard library only, so the same file can time the engine anywhere it runs. A scripted minute of the
fish's life (pointer moves, clicks, a streamed chat, idle lines) is replayed at 60 fps after a warm-up
that fills the caches; each frame's update and render are timed separately and the medians printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from engine_py.events import Click, PointerMove, ReplyDone, ReplyStarted, ReplyToken
from engine_py.framebuffer import Framebuffer
from engine_py.render import render
from engine_py.world import World

PHRASES = Path(__file__).resolve().parents[1] / "public" / "phrases.json"
NOON = 1_764_000_000 - 1_764_000_000 % 86_400 + 12 * 3600


def scripted(i: int, world: World) -> list:
    """The events of frame ``i``: a busy minute, so the benchmark sees bubbles, particles and speech."""
    events: list = []
    if i % 30 == 0:
        events.append(PointerMove(80 + (i % 90), 60 + (i % 40)))
    if i % 600 == 100:
        events.append(Click(world.fish.x, world.fish.y))
    if i % 600 == 300:
        events.append(Click(100.0, 90.0))
    if i % 1200 == 400:
        events.append(ReplyStarted("hello fish, how is the water today?"))
    if 1200 > i % 1200 >= 460 and i % 6 == 0 and i % 1200 < 560:
        events.append(ReplyToken("blub "))
    if i % 1200 == 560:
        events.append(ReplyDone("blub blub, the water is lovely and so are you"))
    return events


def measure(frames: int = 3600, warmup: int = 600, seed: int = 1) -> dict[str, float]:
    world, fb = World(seed=seed), Framebuffer()
    if PHRASES.is_file():
        world.load_phrases(json.loads(PHRASES.read_text(encoding="utf-8")))
    clock = time.perf_counter
    updates, renders, totals = [], [], []
    for i in range(warmup + frames):
        events = scripted(i, world)
        t0 = clock()
        world.update(1 / 60, NOON + i / 60, events)
        t1 = clock()
        render(world, fb)
        t2 = clock()
        if i >= warmup:
            updates.append((t1 - t0) * 1000)
            renders.append((t2 - t1) * 1000)
            totals.append((t2 - t0) * 1000)
    return {
        "update_ms": statistics.median(updates),
        "render_ms": statistics.median(renders),
        "frame_ms": statistics.median(totals),
        "frame_p95_ms": sorted(totals)[int(len(totals) * 0.95)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=3600)
    args = parser.parse_args()
    result = measure(args.frames)
    for name, value in result.items():
        print(f"{name:14s} {value:.4f}")


if __name__ == "__main__":
    main()
