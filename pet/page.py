"""The PyScript entry: binds the engine to the page — canvas, pointer, chat box, status line, model.

Runs only in the browser (Pyodide). The fish swims from the first frame, whatever happens to the
model: a missing runtime, a bad download or a failed reply is a line in the status bar, never a
frozen bowl. Model output reaches the page through ``textContent`` only — it is text, never markup.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

import js
from pyodide.ffi import create_proxy, to_js

from engine_py.chat import clean_message
from engine_py.events import (
    Click,
    PageHidden,
    PageVisible,
    PointerLeave,
    PointerMove,
    PressEnd,
    PressStart,
    ReplyDone,
    ReplyFailed,
    ReplyStarted,
    ReplyToken,
    ShowText,
)
from engine_py.framebuffer import HEIGHT, WIDTH, Framebuffer
from engine_py.generate import ReplyGenerator
from engine_py.render import render
from engine_py.tokenizer import Tokenizer
from engine_py.world import Settings, World
from pet.download import DownloadError, decode_utf8, fetch_json, fetch_verified
from pet.ort_model import OrtModel
from pet.screen import Screen

MANIFEST_URL = "models/manifest.json"
PHRASES_URL = "phrases.json"
STATS_EVERY = 60  # frames between refreshes of window.glubStats
# The canvas leaves this much of the window to the reply, the chat box and the status line.
CHROME_HEIGHT = 240

document = js.document


def now_ms() -> float:
    return js.performance.now()


class StatusLine:
    """The one place the page talks about itself: booting, downloads, errors."""

    def __init__(self, element: Any) -> None:
        self.element = element

    def show(self, text: str, error: bool = False) -> None:
        self.element.textContent = text
        self.element.classList.toggle("error", error)
        if error:
            js.console.warn(f"Glub: {text}")


class Stats:
    """Timings the tests and docs/PERFORMANCE.md read from ``window.glubStats``."""

    def __init__(self) -> None:
        self.frames = 0
        self.update_ms: deque[float] = deque(maxlen=STATS_EVERY)
        self.render_ms: deque[float] = deque(maxlen=STATS_EVERY)
        self.present_ms: deque[float] = deque(maxlen=STATS_EVERY)
        self.interval_ms: deque[float] = deque(maxlen=STATS_EVERY)
        self.values: dict[str, Any] = {}

    def publish(self, **values: Any) -> None:
        self.values.update(values)
        js.window.glubStats = to_js(self.values, dict_converter=js.Object.fromEntries)

    def frame_done(self) -> None:
        self.frames += 1
        if self.frames % STATS_EVERY == 0:

            def mean(values: deque[float]) -> float:
                return round(sum(values) / len(values), 4) if values else 0.0

            self.publish(
                frames=self.frames,
                update_ms=mean(self.update_ms),
                render_ms=mean(self.render_ms),
                present_ms=mean(self.present_ms),
                frame_interval_ms=mean(self.interval_ms),
            )


class Page:
    def __init__(self) -> None:
        settings = Settings(
            # Local time for the palettes and the hour-aware phrases: JS gives minutes *behind* UTC.
            utc_offset_minutes=-int(js.Date.new().getTimezoneOffset()),
            reduced_motion=bool(js.window.matchMedia("(prefers-reduced-motion: reduce)").matches),
        )
        self.world = World(seed=int(time.time()), settings=settings)
        self.framebuffer = Framebuffer()
        self.screen = Screen(document.getElementById("bowl"), WIDTH, HEIGHT)
        self.status = StatusLine(document.getElementById("status"))
        self.reply = document.getElementById("reply")
        self.input = document.getElementById("message")
        self.stats = Stats()
        self.events: list[Any] = []
        self.last_frame: float | None = None
        self.frame_error: str | None = None
        self.model: OrtModel | None = None
        self.tokenizer: Tokenizer | None = None
        self.thinking = False
        self.tasks: set[asyncio.Task[None]] = set()
        # Proxies live as long as the page: made once, never per frame (each would leak otherwise).
        self._frame_proxy = create_proxy(self.frame)
        self._listeners = [
            (self.screen.canvas, "pointermove", create_proxy(self.on_pointer_move)),
            (self.screen.canvas, "pointerleave", create_proxy(self.on_pointer_leave)),
            (self.screen.canvas, "click", create_proxy(self.on_click)),
            (self.screen.canvas, "pointerdown", create_proxy(self.on_pointer_down)),
            (self.screen.canvas, "pointerup", create_proxy(self.on_pointer_up)),
            (document, "visibilitychange", create_proxy(self.on_visibility)),
            (self.input, "keydown", create_proxy(self.on_key)),
            (js.window, "resize", create_proxy(self.on_resize)),
        ]
        for target, name, proxy in self._listeners:
            target.addEventListener(name, proxy)
        self.on_resize()

    # -- the frame loop ------------------------------------------------------------------------------

    def start(self) -> None:
        js.requestAnimationFrame(self._frame_proxy)
        self.spawn(self.load_phrases())
        self.spawn(self.load_model())

    def frame(self, timestamp: float) -> None:
        # Schedule the next frame first: an exception below costs one frame, not the animation.
        js.requestAnimationFrame(self._frame_proxy)
        dt = 0.0 if self.last_frame is None else (timestamp - self.last_frame) / 1000.0
        if self.last_frame is not None:
            self.stats.interval_ms.append(timestamp - self.last_frame)
        self.last_frame = timestamp
        events, self.events = self.events, []
        try:
            t0 = now_ms()
            actions = self.world.update(dt, js.Date.now() / 1000.0, events)
            t1 = now_ms()
            render(self.world, self.framebuffer)
            t2 = now_ms()
            self.screen.show(self.framebuffer.pixels)
            t3 = now_ms()
        except Exception as error:  # one bad frame must not stop the bowl
            message = f"drawing failed: {type(error).__name__}: {error}"
            if message != self.frame_error:
                self.frame_error = message
                self.status.show(message, error=True)
            return
        self.stats.update_ms.append(t1 - t0)
        self.stats.render_ms.append(t2 - t1)
        self.stats.present_ms.append(t3 - t2)
        self.stats.frame_done()
        for action in actions:
            self.perform(action)

    def perform(self, action: Any) -> None:
        if isinstance(action, ShowText) and not self.thinking:
            self.reply.textContent = action.text

    # -- DOM events ----------------------------------------------------------------------------------

    def on_pointer_move(self, event: Any) -> None:
        self.events.append(PointerMove(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_pointer_leave(self, _event: Any) -> None:
        self.events.append(PointerLeave())

    def on_click(self, event: Any) -> None:
        self.events.append(Click(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_pointer_down(self, event: Any) -> None:
        self.events.append(PressStart(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_pointer_up(self, event: Any) -> None:
        self.events.append(PressEnd(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_visibility(self, _event: Any) -> None:
        self.events.append(PageHidden() if document.hidden else PageVisible())

    def on_resize(self, _event: Any = None) -> None:
        self.screen.fit(js.window.innerWidth - 32, js.window.innerHeight - CHROME_HEIGHT)

    def on_key(self, event: Any) -> None:
        if event.key != "Enter" or event.isComposing:
            return
        event.preventDefault()
        message = clean_message(self.input.value)
        if not message or self.thinking or self.model is None:
            return
        self.input.value = ""
        self.spawn(self.answer(message))

    def spawn(self, coroutine: Any) -> None:
        # Hold a reference until done: the event loop keeps only weak ones.
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- the model -----------------------------------------------------------------------------------

    def show_progress(self, received: int, total: int) -> None:
        self.status.show(f"Loading the fish's brain… {received / 1e6:.1f} of {total / 1e6:.1f} MB")

    async def load_phrases(self) -> None:
        # The idle lines are data: without them the fish still swims and talks, it just mutters less.
        try:
            self.world.load_phrases(await fetch_json(PHRASES_URL))
        except Exception as error:
            js.console.warn(f"Glub: no idle phrases: {type(error).__name__}: {error}")

    async def load_model(self) -> None:
        try:
            started = now_ms()
            self.status.show("Loading the fish's brain…")
            manifest = await fetch_json(MANIFEST_URL)
            files, config = manifest["files"], manifest["config"]
            # Let the service worker take over first, so the download below is the one it keeps.
            worker_ready = getattr(js.window, "glubWorkerReady", None)
            if worker_ready is not None:
                await worker_ready
            base = MANIFEST_URL.rpartition("/")[0] + "/"
            tokenizer_file, model_file = files["tokenizer"], files["model"]
            tokenizer_bytes = await fetch_verified(
                base + tokenizer_file["path"], tokenizer_file["bytes"], tokenizer_file["sha256"]
            )
            self.tokenizer = Tokenizer.from_json(decode_utf8(tokenizer_bytes))
            model_bytes = await fetch_verified(
                base + model_file["path"], model_file["bytes"], model_file["sha256"], self.show_progress
            )
            self.status.show("Waking the fish up…")
            ort_loading = getattr(js.window, "glubOrt", None)
            if ort_loading is None:
                raise DownloadError("onnxruntime-web was not loaded (boot.js did not run)")
            ort = await ort_loading
            self.model = await OrtModel.create(ort, model_bytes, config)
        except DownloadError as error:
            self.status.show(f"The fish cannot talk: {error}", error=True)
            return
        except Exception as error:  # whatever broke, the bowl keeps running
            self.status.show(f"The fish cannot talk: {type(error).__name__}: {error}", error=True)
            return
        self.stats.publish(model_load_ms=round(now_ms() - started, 1), model=manifest.get("name", "?"))
        self.status.show("")
        self.input.disabled = False
        self.input.focus()
        document.body.dataset.model = "ready"

    async def answer(self, message: str) -> None:
        assert self.model is not None and self.tokenizer is not None
        self.thinking = True
        self.input.disabled = True
        self.reply.dataset.state = "thinking"
        self.reply.textContent = "…"
        self.events.append(ReplyStarted(message))
        started = now_ms()
        steps = 0
        feed_ms = 0.0
        try:
            generator = ReplyGenerator(self.tokenizer, message)
            self.model.reset()
            while not generator.done:
                logits = await self.model.forward(generator.pending)
                steps += 1
                fed = now_ms()
                piece = generator.feed(logits)
                feed_ms += now_ms() - fed
                if piece:
                    self.reply.textContent = generator.text.strip()
                    self.events.append(ReplyToken(piece))
            text = generator.text.strip() or "…"
            self.reply.textContent = text
            self.events.append(ReplyDone(text))
            self.stats.publish(
                reply_ms=round(now_ms() - started, 1),
                reply_steps=steps,
                reply_tokens=len(generator.reply_ids),
                reply_run_ms=round(self.model.run_ms, 1),
                reply_logits_ms=round(self.model.convert_ms, 1),
                reply_sample_ms=round(feed_ms, 1),
            )
            self.status.show("")
        except Exception as error:  # a failed reply is a message, not a dead page
            self.reply.textContent = ""
            self.events.append(ReplyFailed())
            self.status.show(f"The fish lost its train of thought: {type(error).__name__}: {error}", error=True)
        finally:
            self.thinking = False
            self.reply.dataset.state = "done"
            self.input.disabled = False
            self.input.focus()


page = Page()
page.start()
