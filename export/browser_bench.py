"""``python -m export bench --browser``: the reply benchmark in headless Chromium on onnxruntime-web (wasm).

The same models as ``python -m export bench`` (random seeded weights, the export and quantization
code of the shipped model), the same reply (a 20-token prompt plus 40 greedy tokens), our KV-cache
graph against the reference project's cache-less loop, alternating in one run, medians. What
differs is the runtime: the onnxruntime-web files the built site ships (copied out of
``node_modules`` by the same list ``pet.build`` uses), in the system Chromium, on 1 and on 2 wasm
threads (the page is served cross-origin isolated, as ``pet.server`` serves the site). A third way,
our graph fed the whole sequence with an empty cache, tells the cache's share of the speed-up from
the graph's.

The timed loops are JS (``browser_bench.js``): they measure ort-web, not a Python host. With
``--python`` the first page also boots Pyodide and times the KV loop driven by the page's own
Python (``pet.ort_model``), which gives what Python adds per step. The bench page lives in a
temporary folder for the length of the run; nothing of it reaches the built site.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from export.bench import NEW_TOKENS, PROMPT_TOKENS, bench_prompt, export_pairs, seeded_model
from pet.build import REPO_ROOT, RUNTIME_FILES, resolve_runtime_file
from pet.chromium import launch
from pet.server import BackgroundServer
from trainer.model import GlubModel

PAGE_JS = Path(__file__).with_name("browser_bench.js")
INDEX_HTML = """<!doctype html>
<meta charset="utf-8">
<title>glub: onnxruntime-web reply bench</title>
<link rel="icon" href="data:,">
<script>
  // A script that fails to load fires "error" on its element only: listen in the capture phase.
  addEventListener("error", (event) => { globalThis.benchError = String(event.message || event.target.src); }, true);
</script>
<script type="module" src="bench.js"></script>
"""
# Python driving the KV loop the way the page does (--python): pet.ort_model's OrtModel, engine_py's argmax.
PYTHON_SOURCES = ("engine_py/__init__.py", "engine_py/sampler.py", "pet/__init__.py", "pet/ort_model.py")
PYTHON_DRIVER = """
from pyodide.ffi import to_js
from engine_py.sampler import argmax
from pet.ort_model import OrtModel

async def reply(ort, session, cache, prompt, count):
    layers, heads, head_dim = cache
    model = OrtModel(ort, session, layers, heads, head_dim, max_context=96)
    out = []
    logits = await model.forward(prompt.to_py())
    while True:
        out.append(argmax(logits))
        if len(out) == count:
            return to_js(out)
        logits = await model.forward([out[-1]])
"""
LOAD_TIMEOUT_MS = 120_000
REPLY_TIMEOUT_MS = 300_000


def write_bench_site(folder: Path, python: bool = False, node_modules: Path = REPO_ROOT / "node_modules") -> Path:
    """The bench page, its script and the site's own onnxruntime-web files (and Pyodide's, with
    ``python``), in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(INDEX_HTML)
    shutil.copyfile(PAGE_JS, folder / "bench.js")
    packages = {"onnxruntime-web", "pyodide"} if python else {"onnxruntime-web"}
    for spec in RUNTIME_FILES:
        if spec.package in packages:
            dest = folder / spec.dest
            dest.mkdir(parents=True, exist_ok=True)
            source = resolve_runtime_file(node_modules, spec)
            shutil.copyfile(source, dest / source.name)
    (folder / "models").mkdir(exist_ok=True)
    return folder


@dataclass
class BenchPage:
    """One browser page whose onnxruntime-web runs with ``threads`` wasm threads."""

    page: Any
    threads: int
    python: bool = False

    def start_python(self) -> None:
        sources = {f"/home/pyodide/{rel}": (REPO_ROOT / rel).read_text() for rel in PYTHON_SOURCES}
        self.page.evaluate("([sources, driver]) => bench.startPython(sources, driver)", [sources, PYTHON_DRIVER])
        self.python = True

    def load(self, name: str) -> None:
        self.page.evaluate("(name) => bench.load(name)", name)

    def release(self, name: str) -> None:
        self.page.evaluate("(name) => bench.release(name)", name)

    def reply(self, name: str, kind: str, cache: list[int], prompt: list[int]) -> tuple[float, list[int]]:
        """One timed reply (milliseconds, greedy tokens); ``kind`` names the loop in browser_bench.js."""
        result = self.page.evaluate(
            "([name, kind, cache, prompt, count]) => bench.reply(name, kind, cache, prompt, count)",
            [name, kind, cache, prompt, NEW_TOKENS],
        )
        return float(result["ms"]), [int(t) for t in result["tokens"]]


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """The system Chromium (``pet.chromium``), headless, through Playwright: nothing downloaded."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev dependency, only for this command

    with sync_playwright() as driver:
        browser = launch(driver)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def bench_pages(
    folder: Path, threads: list[int], browser: Any, log: Callable[[str], Any] = print, python: bool = False
) -> Iterator[list[BenchPage]]:
    """Serve ``folder`` (COOP/COEP) and open one page per thread count, each in its own context;
    with ``python``, the first page also boots Pyodide to time the page's Python loop."""
    with BackgroundServer(folder) as server:
        contexts = []
        try:
            pages = []
            for count in threads:
                contexts.append(browser.new_context())
                page = contexts[-1].new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                page.set_default_timeout(REPLY_TIMEOUT_MS)
                page.goto(f"{server.url}index.html?threads={count}")
                page.wait_for_function("globalThis.benchReady || globalThis.benchError", timeout=LOAD_TIMEOUT_MS)
                failure = page.evaluate("globalThis.benchError") or (errors[0] if errors else None)
                if failure:
                    raise RuntimeError(f"the bench page failed: {failure}")
                if count > 1 and not page.evaluate("bench.isolated"):
                    log(f"warning: the page is not cross-origin isolated; {count} threads fall back to 1")
                pages.append(BenchPage(page, count))
            if python:
                pages[0].start_python()
            yield pages
        finally:
            for context in contexts:
                context.close()


def cache_dims(model: Any) -> list[int]:
    """[layers, heads, head_dim]: what the JS loop needs to build the empty (P = 0) caches."""
    c = model.config
    return [c.n_layer, c.n_head, c.head_dim]


# The ways a reply is timed: (name, which graph, how the JS loop drives it).
WAYS = (
    ("kv", "kv", "kv"),  # ours: the KV-cache graph, prefill then one token a step
    ("naive", "naive", "naive"),  # the reference project's cache-less graph, the whole sequence every token
    ("nocache", "kv", "full"),  # our graph with an empty cache every token: what the cache alone buys
)
PYTHON_WAY = ("python", "kv", "python")  # ours, driven from Python on Pyodide as the page drives it


def time_ways(
    pages: list[BenchPage], graphs: dict[str, str], cache: list[int], prompt: list[int], repeats: int
) -> dict[int, dict[str, Any]]:
    """Reply times and tokens per thread count and way, for the graphs ``{"kv": name, "naive": name}``.

    Every page holds all sessions at once and the rounds go through every way on each page in turn,
    so a burst of noise from the machine hits every column alike. The first reply of each way is a
    warm-up (ort-web sizes its buffers there) and gives the tokens that the ways must agree on."""
    for page in pages:
        for name in graphs.values():
            page.load(name)
    results: dict[int, dict[str, Any]] = {page.threads: {"times": {}, "tokens": {}} for page in pages}
    for round_ in range(repeats + 1):
        for page in pages:
            for way, graph, kind in (*WAYS, PYTHON_WAY) if page.python else WAYS:
                ms, tokens = page.reply(graphs[graph], kind, cache, prompt)
                if round_ == 0:
                    results[page.threads]["tokens"][way] = tokens
                else:
                    results[page.threads]["times"].setdefault(way, []).append(ms)
    for page in pages:
        for name in graphs.values():
            page.release(name)
    return results


def bench_model(
    pages: list[BenchPage], folder: Path, name: str, model: GlubModel, variants: list[str], repeats: int,
    fused: bool = True, log: Callable[[str], Any] = print,
) -> list[dict[str, Any]]:
    """Rows for one model: its graphs are written into the served ``folder`` and timed on every page."""
    models = folder / "models" / name  # a folder per model, so no session ever reads another's file
    models.mkdir(parents=True)
    rows = []
    prompt = bench_prompt()
    for variant, kv_path, naive_path in export_pairs(model, variants, models, fused=fused):
        graphs = {"kv": kv_path.relative_to(folder).as_posix(), "naive": naive_path.relative_to(folder).as_posix()}
        timed = time_ways(pages, graphs, cache_dims(model), prompt, repeats)
        for count, result in timed.items():
            rows.append(summarize(name, variant, model.num_parameters(), kv_path, count, result))
            log(describe(rows[-1]))
    return rows


def run_browser_bench(
    presets: list[str],
    variants: list[str],
    repeats: int = 5,
    threads: list[int] | None = None,
    fused: bool = True,
    log: Callable[[str], Any] = print,
    python: bool = False,
) -> list[dict[str, Any]]:
    """The browser table for the presets (random seeded weights): one row per (preset, variant, threads)."""
    threads = threads or [1, 2]
    log(f"reply = {PROMPT_TOKENS}-token prompt + {NEW_TOKENS} greedy tokens, onnxruntime-web "
        f"{ort_web_version()} (wasm) in headless Chromium, median of {repeats}, "
        f"{'fused' if fused else 'traced'} KV graph, threads {' and '.join(map(str, threads))}")
    rows = []
    with tempfile.TemporaryDirectory() as work, launched_chromium() as browser:
        folder = write_bench_site(Path(work), python)
        with bench_pages(folder, threads, browser, log, python) as pages:
            for name in presets:
                rows += bench_model(pages, folder, name, seeded_model(name), variants, repeats, fused, log)
    return rows


def summarize(preset_name: str, variant: str, parameters: int, kv_path: Path, threads: int,
              result: dict[str, Any]) -> dict[str, Any]:
    medians = {way: statistics.median(times) for way, times in result["times"].items()}
    tokens = result["tokens"]
    return {
        "preset": preset_name, "variant": variant, "parameters": parameters, "threads": threads,
        "file_mb": kv_path.stat().st_size / 1e6,
        "kv_ms": medians["kv"], "naive_ms": medians["naive"], "nocache_ms": medians["nocache"],
        "kv_ms_per_token": medians["kv"] / NEW_TOKENS,
        "speedup": medians["naive"] / medians["kv"], "cache_speedup": medians["nocache"] / medians["kv"],
        "times": result["times"], "tokens": tokens,
        # fp32 graphs agree exactly; quantized ones may not, since dynamic INT8 scales each call's
        # activations as a whole and a call over 20 positions is scaled unlike a call over one.
        "same_tokens": tokens["kv"] == tokens["naive"] == tokens["nocache"],
        # The page's Python loop (--python, first page only): its cost over the JS loop, per ort run.
        "python_ms": medians.get("python"),
        "python_ms_per_step": (medians["python"] - medians["kv"]) / NEW_TOKENS if "python" in medians else None,
    }


def describe(row: dict[str, Any]) -> str:
    return (
        f"{row['preset']:8s} {row['variant']:5s} {row['file_mb']:7.2f} MB  {row['threads']} thread"
        f"{'s' if row['threads'] > 1 else ' '}  KV {row['kv_ms']:7.1f} ms ({row['kv_ms_per_token']:.2f} ms/token)"
        f"  naive {row['naive_ms']:7.1f} ms  {row['speedup']:.2f}x"
        f"  | same graph without cache {row['nocache_ms']:7.1f} ms  {row['cache_speedup']:.2f}x"
        f"{'' if row['same_tokens'] else '  (greedy tokens differ between the ways)'}"
        + (f"\n{'':18s}KV driven from Python on Pyodide {row['python_ms']:7.1f} ms: "
           f"{row['python_ms_per_step']:+.2f} ms a step" if row["python_ms"] is not None else "")
    )


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The rows as the table in docs/PERFORMANCE.md."""
    lines = [
        "| model | variant | file | threads | KV cache (ours) | per token | naive loop | speed-up "
        "| our graph, no cache | the cache alone |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['preset']} | {row['variant']} | {row['file_mb']:.2f} MB | {row['threads']} "
            f"| {row['kv_ms']:,.1f} ms | {row['kv_ms_per_token']:.2f} ms | {row['naive_ms']:,.0f} ms "
            f"| {row['speedup']:.2f}x | {row['nocache_ms']:,.0f} ms | {row['cache_speedup']:.2f}x |"
        )
    return "\n".join(lines)


def ort_web_version(node_modules: Path = REPO_ROOT / "node_modules") -> str:
    import json  # noqa: PLC0415

    return json.loads((node_modules / "onnxruntime-web" / "package.json").read_text())["version"]
