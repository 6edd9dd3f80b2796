"""The PyScript entry: binds the engine to the page — canvas, pointer, chat box, status line, model.

Runs only in the browser (Pyodide). The fish swims from the first frame, whatever happens to the
model: a missing runtime, a bad download or a failed reply is a line in the status bar, never a
frozen bowl. Model output reaches the page through ``textContent`` only — it is text, never markup.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from typing import Any

import js
from pyodide.ffi import create_proxy, jsnull, to_js

from engine_py.chat import clean_message
from engine_py.events import (
    Click,
    DoubleClick,
    Notify,
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
from pet.brain import load_brain
from pet.dialog import SettingsDialog
from pet.download import DownloadError, fetch_json
from pet.notify import Notifier
from pet.onboarding import Onboarding
from pet.ort_model import OrtModel
from pet.screen import Screen
from pet.settings import Prefs, Store
from pet.title import page_title

PHRASES_URL = "phrases.json"
STATS_EVERY = 60  # frames between refreshes of window.glubStats
# While the tab is hidden there are no animation frames; this timer keeps the away scheduler going.
# Browsers throttle hidden tabs' timers to about once a minute at worst; the scheduler works in
# minutes, and a tap that comes a minute late is still a tap.
HIDDEN_TICK_MS = 15_000

document = js.document


def now_ms() -> float:
    return js.performance.now()


class Clock:
    """Unix seconds for the world. TEST ONLY: ``?glub-test-clock=N`` runs it N times faster.

    The away scheduler plans taps hours apart; a browser test cannot wait hours, so it speeds the
    clock (and the hidden-tab timer) instead. Without the parameter this is just ``Date.now()``.
    """

    def __init__(self, search: str) -> None:
        params = js.URLSearchParams.new(search)
        raw = params.get("glub-test-clock")
        try:
            speed = float(raw) if isinstance(raw, str) else 1.0
        except ValueError:
            speed = 1.0
        self.speed = speed if speed >= 1.0 else 1.0
        self.started = js.Date.now() / 1000.0

    @property
    def testing(self) -> bool:
        return self.speed != 1.0

    def now(self) -> float:
        real = js.Date.now() / 1000.0
        return self.started + (real - self.started) * self.speed


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
        self.store = Store(lambda: js.window.localStorage)
        self.prefs, storage_problem = self.store.load()
        self.motion_query = js.window.matchMedia("(prefers-reduced-motion: reduce)")
        settings = Settings(
            name=self.prefs.name,
            notifications_per_day=self.prefs.notifications_per_day,
            # Local time for the palettes and the hour-aware phrases: JS gives minutes *behind* UTC.
            utc_offset_minutes=-int(js.Date.new().getTimezoneOffset()),
            reduced_motion=bool(self.motion_query.matches),
        )
        self.clock = Clock(str(js.location.search))
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
        self.hidden = bool(document.hidden)
        self.missed = 0  # taps on the glass since the tab was hidden
        self.frame_request: Any = None
        self.hidden_timer: Any = None
        self.hidden_tick_at: float | None = None
        self.had_worker = self._worker_controls()
        self.notifier = Notifier(on_click=self.on_notification_click)
        self.dialog = SettingsDialog(document, self.notifier, lambda: self.prefs, self.save_prefs)
        if storage_problem:
            self.dialog.tell(storage_problem)
            js.console.warn(f"Glub: {storage_problem}")
        self.onboarding = Onboarding(document, self.store)
        self.input.placeholder = f"Say something to {self.prefs.name}…"
        # Proxies live as long as the page: made once, never per frame (each would leak otherwise).
        self._frame_proxy = create_proxy(self.frame)
        self._hidden_tick_proxy = create_proxy(self.hidden_tick)
        canvas = self.screen.canvas
        self._listeners = [
            (canvas, "pointermove", create_proxy(self.on_pointer_move)),
            (canvas, "pointerleave", create_proxy(self.on_pointer_leave)),
            (canvas, "click", create_proxy(self.on_click)),
            (canvas, "dblclick", create_proxy(self.on_double_click)),
            (canvas, "pointerdown", create_proxy(self.on_pointer_down)),
            (canvas, "pointerup", create_proxy(self.on_pointer_up)),
            (canvas, "pointercancel", create_proxy(self.on_pointer_up)),
            (canvas, "keydown", create_proxy(self.on_canvas_key)),
            # A long press must not open the context menu or select text (touch screens).
            (canvas, "contextmenu", create_proxy(lambda event: event.preventDefault())),
            (document, "visibilitychange", create_proxy(self.on_visibility)),
            (self.input, "keydown", create_proxy(self.on_key)),
            (js.window, "resize", create_proxy(self.on_resize)),
            (self.motion_query, "change", create_proxy(self.on_motion_change)),
            (document.getElementById("reload"), "click", create_proxy(lambda _event: js.location.reload())),
        ]
        worker = getattr(js.navigator, "serviceWorker", None)
        if worker is not None:
            self._listeners.append((worker, "controllerchange", create_proxy(self.on_controller_change)))
        for target, name, proxy in self._listeners:
            target.addEventListener(name, proxy)
        # Read-only view of the world for the browser tests and for the curious (devtools).
        js.window.glubDebug = create_proxy(self.debug_view)
        self.show_title()
        self.on_resize()

    # -- the frame loop ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.hidden:  # opened in a background tab: the fish is already missing you
            self.events.append(PageHidden())
            self.start_hidden_timer()
        self.frame_request = js.requestAnimationFrame(self._frame_proxy)
        self.spawn(self.load_phrases())
        self.spawn(self.load_model())

    def frame(self, timestamp: float) -> None:
        if self.hidden:  # the loop stops while nobody looks; the hidden timer takes over
            self.frame_request = None
            return
        # Schedule the next frame first: an exception below costs one frame, not the animation.
        self.frame_request = js.requestAnimationFrame(self._frame_proxy)
        dt = 0.0 if self.last_frame is None else (timestamp - self.last_frame) / 1000.0
        if self.last_frame is not None:
            self.stats.interval_ms.append(timestamp - self.last_frame)
        self.last_frame = timestamp
        events, self.events = self.events, []
        try:
            t0 = now_ms()
            actions = self.world.update(dt, self.clock.now(), events)
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
        if self.stats.frames == 0:  # the first live frame replaces the build-time poster
            self.screen.canvas.hidden = False
            poster = document.getElementById("poster")
            if poster is not None and poster is not jsnull:
                poster.remove()
            self.on_resize()
            self.stats.publish(first_frame_ms=round(now_ms(), 1))
        self.stats.update_ms.append(t1 - t0)
        self.stats.render_ms.append(t2 - t1)
        self.stats.present_ms.append(t3 - t2)
        self.stats.frame_done()
        for action in actions:
            self.perform(action)

    def hidden_tick(self) -> None:
        """While hidden: advance the world without drawing, so the away scheduler can tap on the glass."""
        events, self.events = self.events, []
        try:
            actions = self.world.update(0.0, self.clock.now(), events)
        except Exception as error:
            js.console.warn(f"Glub: the hidden tick failed: {type(error).__name__}: {error}")
            return
        for action in actions:
            self.perform(action)

    def start_hidden_timer(self) -> None:
        if self.hidden_timer is None:
            every = 250 if self.clock.testing else HIDDEN_TICK_MS
            self.hidden_timer = js.setInterval(self._hidden_tick_proxy, every)

    def stop_hidden_timer(self) -> None:
        if self.hidden_timer is not None:
            js.clearInterval(self.hidden_timer)
            self.hidden_timer = None

    def perform(self, action: Any) -> None:
        if isinstance(action, ShowText) and not self.thinking:
            self.reply.textContent = action.text
        elif isinstance(action, Notify):
            self.tap_on_the_glass(action.text)

    # -- away: notifications and the title -----------------------------------------------------------

    def tap_on_the_glass(self, text: str) -> None:
        # The engine plans taps only while the page is hidden; a late one after coming back is dropped.
        if not self.hidden or self.prefs.notifications_per_day <= 0:
            return
        self.missed += 1
        self.show_title()
        self.notifier.show(self.prefs.name, text)

    def on_notification_click(self) -> None:
        # window.focus() brings the tab forward; visibilitychange will follow and reset the title.
        self.show_title()

    def show_title(self) -> None:
        document.title = page_title(self.prefs.name, self.hidden, self.missed)

    # -- settings ------------------------------------------------------------------------------------

    def save_prefs(self, prefs: Prefs) -> None:
        self.prefs = prefs
        self.world.settings.name = prefs.name
        self.world.settings.notifications_per_day = prefs.notifications_per_day
        self.show_title()
        self.input.placeholder = f"Say something to {prefs.name}…"
        problem = self.store.save(prefs)
        self.dialog.tell(problem or "")
        self.status.show(problem or "Settings saved.")

    def on_motion_change(self, event: Any) -> None:
        self.world.settings.reduced_motion = bool(event.matches)

    # -- the service worker --------------------------------------------------------------------------

    @staticmethod
    def _worker_controls() -> bool:
        worker = getattr(js.navigator, "serviceWorker", None)
        controller = None if worker is None else worker.controller
        return controller is not None and controller is not jsnull

    def on_controller_change(self, _event: Any) -> None:
        # The first worker taking control of a first visit is no news; any later change is a new build.
        if self.had_worker:
            document.getElementById("update").hidden = False
        self.had_worker = True

    def check_for_update(self) -> None:
        worker = getattr(js.navigator, "serviceWorker", None)
        if worker is None:
            return

        async def check() -> None:
            try:
                registration = await worker.getRegistration()
                if registration is not None and registration is not jsnull:
                    await registration.update()
            except Exception:  # offline: no news is fine
                pass

        self.spawn(check())

    def debug_view(self) -> str:
        """JSON of what the tests check: read-only, built fresh on each call."""
        world = self.world
        return json.dumps(
            {
                "state": world.state,
                "name": world.settings.name,
                "notifications_per_day": world.settings.notifications_per_day,
                "reduced_motion": world.settings.reduced_motion,
                "away": world.away.away,
                "planned_taps": len(world.away.plan),
                "hidden": self.hidden,
                "loop_running": self.frame_request is not None,
                "missed": self.missed,
                "notifications_shown": self.notifier.shown,
                "fish": [round(world.fish.x, 1), round(world.fish.y, 1)],
                "pointer": None if world.pointer is None else [round(v, 1) for v in world.pointer],
                "particles": len(world.particles),
                "now": world.now,
            }
        )

    # -- DOM events ----------------------------------------------------------------------------------

    def on_pointer_move(self, event: Any) -> None:
        self.events.append(PointerMove(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_pointer_leave(self, _event: Any) -> None:
        self.events.append(PointerLeave())

    def on_click(self, event: Any) -> None:
        self.events.append(Click(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_double_click(self, event: Any) -> None:
        self.events.append(DoubleClick(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_pointer_down(self, event: Any) -> None:
        self.events.append(PressStart(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_pointer_up(self, event: Any) -> None:
        self.events.append(PressEnd(*self.screen.to_frame(event.clientX, event.clientY)))

    def on_canvas_key(self, event: Any) -> None:
        # Keyboard reachable: Enter or Space on the focused bowl pokes the fish where it is.
        if event.key not in ("Enter", " "):
            return
        event.preventDefault()
        fish = self.world.fish
        self.events.append(Click(fish.x, fish.y + fish.bob))

    def on_visibility(self, _event: Any) -> None:
        hidden = bool(document.hidden)
        if hidden == self.hidden:
            return
        self.hidden = hidden
        if hidden:
            # Stop the loop now rather than at the next frame, which a hidden tab may never run.
            if self.frame_request is not None:
                js.cancelAnimationFrame(self.frame_request)
                self.frame_request = None
            self.missed = 0
            self.events.append(PageHidden())
            self.hidden_tick()  # deliver PageHidden now: the world plans the taps from this moment
            self.start_hidden_timer()
        else:
            self.stop_hidden_timer()
            self.missed = 0
            self.events.append(PageVisible())
            self.last_frame = None  # no catch-up jump for the time away
            if self.frame_request is None:
                self.frame_request = js.requestAnimationFrame(self._frame_proxy)
            self.check_for_update()
        self.show_title()

    def on_resize(self, _event: Any = None) -> None:
        stage = document.getElementById("stage")
        self.screen.fit(stage.clientWidth, stage.clientHeight, float(js.window.devicePixelRatio or 1.0))

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
        # Bytes, exactly: the first visit downloads the model once, and this is that download.
        self.status.show(f"Loading the fish's brain… {received:,} of {total:,} bytes")

    async def load_phrases(self) -> None:
        # The idle lines are data: without them the fish still swims and talks, it just mutters less.
        try:
            self.world.load_phrases(await fetch_json(PHRASES_URL))
        except Exception as error:
            js.console.warn(f"Glub: no idle phrases: {type(error).__name__}: {error}")

    async def load_model(self) -> None:
        try:
            started = now_ms()
            brain = await load_brain(self.status.show, self.show_progress)
            self.model, self.tokenizer, manifest = brain.model, brain.tokenizer, brain.manifest
        except DownloadError as error:
            self.status.show(f"The fish cannot talk: {error}", error=True)
            return
        except Exception as error:  # whatever broke, the bowl keeps running
            self.status.show(f"The fish cannot talk: {type(error).__name__}: {error}", error=True)
            return
        self.stats.publish(model_load_ms=round(now_ms() - started, 1), model=manifest.get("name", "?"))
        self.status.show("")
        self.input.disabled = False
        if not self.dialog.dialog.open:
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
