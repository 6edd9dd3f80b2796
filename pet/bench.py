"""``python -m pet bench``: the page's boot and frame rate, measured in headless Chromium.

It builds the site into a temporary folder, serves it, and drives the system Chromium through the
``playwright`` package (the dev extra): a cold first visit, then reloads served by the service worker,
each timed from navigation start by the page's own clock (``performance.now()``); then a run of
replies while a ``requestAnimationFrame`` counter tells how many frames the page drew meanwhile.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from pet.build import build_site
from pet.chromium import CHROMIUM, launch
from pet.server import BackgroundServer

BOOT_TIMEOUT_MS = 120_000

# Frame timestamps from the browser's own animation clock; the page's loop runs on the same clock, so
# a main thread too busy to draw shows here as missing frames.
COUNT_FRAMES = """(() => {
  window.benchFrames = [];
  const tick = (t) => { window.benchFrames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();"""

BOOT_TIMES = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const stats = window.glubStats || {};
  return { first_paint_ms: paint ? paint.startTime : null, first_frame_ms: stats.first_frame_ms ?? null,
           model_ready_ms: window.benchModelReady ?? null, model_load_ms: stats.model_load_ms ?? null };
}"""

# Stamps the moment the page declares the model ready, so boot is timed without polling delays.
WATCH_MODEL = """(() => {
  const stamp = () => { if (document.body && document.body.dataset.model === 'ready' && !window.benchModelReady)
    window.benchModelReady = performance.now(); };
  new MutationObserver(stamp).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-model'] });
})();"""

# One reply: type, send, wait for the page to mark it done; returns its window on the animation clock.
REPLY = """async (message) => {
  const reply = document.querySelector('#reply');
  const input = document.querySelector('#message');
  reply.dataset.state = 'idle';
  input.value = message;
  const start = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  while (reply.dataset.state !== 'done') await new Promise((r) => setTimeout(r, 2));
  const end = performance.now();
  const stats = window.glubStats;
  return { start, end, reply_ms: stats.reply_ms, steps: stats.reply_steps, run_ms: stats.reply_run_ms,
           sample_ms: stats.reply_sample_ms, text: reply.textContent };
}"""

PROMPTS = ["hello", "how are you today?", "what do you see in the water?", "do you remember me?",
           "tell me about your castle", "i had a long day", "are you hungry?", "good night, little fish"]


def boot(page: Any, url: str) -> dict[str, float]:
    page.goto(url)
    page.wait_for_function("document.body.dataset.model === 'ready'", timeout=BOOT_TIMEOUT_MS)
    page.wait_for_function("window.glubStats && window.glubStats.first_frame_ms", timeout=BOOT_TIMEOUT_MS)
    return page.evaluate(BOOT_TIMES)


def frames_per_second(stamps: list[float], windows: list[tuple[float, float]]) -> float:
    """Frames drawn inside the windows per second of window time."""
    inside = sum(1 for t in stamps for start, end in windows if start <= t <= end)
    seconds = sum(end - start for start, end in windows) / 1000
    return inside / seconds if seconds > 0 else 0.0


def run_page_bench(site: Path, reloads: int = 3, replies: int = 16, query: str = "") -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with BackgroundServer(site) as server, sync_playwright() as driver:
        browser = launch(driver)
        context = browser.new_context(viewport={"width": 900, "height": 760})
        context.add_init_script(WATCH_MODEL)
        context.add_init_script(COUNT_FRAMES)
        page = context.new_page()
        url = server.url + query
        cold = boot(page, url)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)
        warm = [boot(page, url) for _ in range(reloads)]
        page.wait_for_timeout(1000)  # let the reload's start-up work settle before timing frames
        idle_start = page.evaluate("performance.now()")
        page.wait_for_timeout(2000)
        idle_end = page.evaluate("performance.now()")
        rows = [page.evaluate(REPLY, PROMPTS[i % len(PROMPTS)]) for i in range(replies)]
        stamps = page.evaluate("window.benchFrames")
        browser.close()
    return {
        "cold": cold,
        "warm": warm,
        "replies": rows,
        "idle_fps": frames_per_second(stamps, [(idle_start, idle_end)]),
        "reply_fps": frames_per_second(stamps, [(r["start"], r["end"]) for r in rows]),
    }


def format_page_bench(result: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f} ms"

    warm = result["warm"]
    lines = ["| | cold visit | " + " | ".join(f"reload {i + 1}" for i in range(len(warm))) + " |",
             "|---|---|" + "---|" * len(warm)]
    for key, label in [("first_paint_ms", "the bowl on screen (first paint: the build-time poster)"),
                       ("first_frame_ms", "first live frame (Python running)"),
                       ("model_ready_ms", "model ready"),
                       ("model_load_ms", "of which fetch + SHA-256 + session")]:
        cells = [ms(result["cold"][key]), *(ms(w[key]) for w in warm)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    replies = result["replies"]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in replies)

    lines += [
        "",
        f"{len(replies)} replies: median {median('reply_ms'):,.0f} ms ({median('steps'):.0f} model steps; "
        f"ort run {median('run_ms'):,.0f} ms, Python sampling {median('sample_ms'):,.0f} ms)",
        f"frames per second: {result['idle_fps']:.1f} idle, {result['reply_fps']:.1f} while the model generates",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pet bench", description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=3, help="reloads from the service worker's cache")
    parser.add_argument("--replies", type=int, default=16, help="replies timed for the frame rate")
    parser.add_argument("--query", default="", help="appended to the page URL, e.g. '?proxy=0'")
    parser.add_argument("--json", action="store_true", help="print the raw measurements as JSON too")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        site = build_site(Path(work) / "site").out
        result = run_page_bench(site, args.reloads, args.replies, args.query)
    print(format_page_bench(result))
    if args.json:
        print(json.dumps(result, indent=1))
    return 0
