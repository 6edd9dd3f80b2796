"""The page as a pet: settings, storage failures, input, hidden-tab notifications, updates, installing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pet.chromium import launch_persistent
from pet.server import BackgroundServer

from .pagetools import BOOT_TIMEOUT_MS, Session, open_session, say, wait_for_model

pytestmark = pytest.mark.browser

DEFAULT_TITLE = "glub — your goldfish"


def wait_for_python(page: Any) -> None:
    """Until pet/page.py runs (its debug view exists); the model may still be loading."""
    page.wait_for_function("typeof window.glubDebug === 'function'", timeout=BOOT_TIMEOUT_MS)


def debug(page: Any) -> dict[str, Any]:
    return json.loads(page.evaluate("window.glubDebug()"))


# Makes the page believe it is hidden or visible: headless Chromium never hides a lone tab by itself.
SET_HIDDEN = """(hidden) => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
  document.dispatchEvent(new Event('visibilitychange'));
}"""

# Replaces the Notification constructor with a recorder (keeping the real permission), so the test
# sees exactly what the page raised, whatever the headless browser does with real notifications.
SPY_NOTIFICATIONS = """(() => {
  const Real = window.Notification;
  window.glubShown = [];
  window.glubAsked = 0;
  window.Notification = class {
    constructor(title, options) { this.title = title; this.options = options; window.glubShown.push(this); }
    close() { this.closed = true; }
    static get permission() { return Real.permission; }
    static requestPermission() { window.glubAsked += 1; return Real.requestPermission(); }
  };
})();"""


def test_settings_persist_across_reload_and_name_the_fish(browser: Any, server: BackgroundServer) -> None:
    session = open_session(browser, reduced_motion="reduce")
    page = session.page
    try:
        page.goto(server.url)
        wait_for_model(page)
        assert page.title() == DEFAULT_TITLE
        assert debug(page)["reduced_motion"] is True, "prefers-reduced-motion was not passed to the engine"
        # A first visit: the worker taking control is not an update; the hints show, and go when dismissed.
        assert page.is_hidden("#update")
        assert page.is_visible("#hints")
        assert page.is_hidden("#install-hint"), "Chromium has beforeinstallprompt: no by-hand hint"
        page.click("#hints-done")
        assert page.is_hidden("#hints")
        # Keyboard only: focus the settings button, open, type, save.
        page.focus("#open-settings")
        page.keyboard.press("Enter")
        assert page.evaluate("document.querySelector('#settings').open")
        page.fill("#set-name", "Bubbles the Magnificent")  # maxlength keeps 16
        page.select_option("#set-per-day", "5")
        page.click("#save-settings")
        assert not page.evaluate("document.querySelector('#settings').open")
        assert page.title() == "Bubbles the Magn — your goldfish"
        state = debug(page)
        assert (state["name"], state["notifications_per_day"]) == ("Bubbles the Magn", 5)
        stored = json.loads(page.evaluate("localStorage.getItem('glub.settings.v1')"))
        assert stored == {"version": 1, "name": "Bubbles the Magn", "notifications_per_day": 5}
        page.reload()
        wait_for_python(page)
        assert page.title() == "Bubbles the Magn — your goldfish"
        assert debug(page)["notifications_per_day"] == 5
        assert page.get_attribute("#message", "placeholder") == "Say something to Bubbles the Magn…"
        assert page.is_hidden("#hints"), "the hints came back after being dismissed"
        assert session.errors == []
    finally:
        session.context.close()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("localStorage.setItem('glub.settings.v1', '{not json at all')", "unreadable"),
        (
            "localStorage.setItem('glub.settings.v1',"
            " JSON.stringify({version: 1, name: 42, notifications_per_day: 'x'}))",
            "damaged",
        ),
        (
            "Object.defineProperty(window, 'localStorage',"
            " { get() { throw new DOMException('no', 'SecurityError'); } })",
            "blocks storage",
        ),
    ],
    ids=["garbage", "wrong-types", "blocked"],
)
def test_broken_storage_falls_back_to_defaults(
    browser: Any, server: BackgroundServer, setup: str, message: str
) -> None:
    session = open_session(browser)
    page = session.page
    page.add_init_script(setup)
    try:
        page.goto(server.url)
        wait_for_python(page)
        state = debug(page)
        assert (state["name"], state["notifications_per_day"]) == ("glub", 3)
        assert page.title() == DEFAULT_TITLE
        assert message in page.inner_text("#settings-message")
        # The page works: it talks (once is enough to show it), and saving settings does not throw
        # even where storage is blocked.
        if message == "unreadable":
            wait_for_model(page)
            assert say(page, "hi").strip()
        page.click("#open-settings")
        page.fill("#set-name", "Finn")
        page.click("#save-settings")
        assert page.title() == "Finn — your goldfish"
        assert [e for e in session.errors if "uncaught" in e or "Traceback" in e] == []
    finally:
        session.context.close()


def test_pointer_events_reach_the_engine(booted: Session) -> None:
    page = booted.page
    wait_for_python(page)
    box = page.locator("#bowl").bounding_box()
    assert box is not None

    def to_page(x: float, y: float) -> tuple[float, float]:
        return box["x"] + x * box["width"] / 240, box["y"] + y * box["height"] / 160

    page.mouse.move(*to_page(60, 110))
    page.wait_for_function("JSON.parse(window.glubDebug()).pointer !== null")
    pointer = debug(page)["pointer"]
    assert abs(pointer[0] - 60) <= 1 and abs(pointer[1] - 110) <= 1
    # A click in open water makes a splash (particles) and bubbles.
    page.mouse.click(*to_page(70, 120))
    page.wait_for_function("JSON.parse(window.glubDebug()).particles > 0")
    # A double click on the fish excites it.
    fish_x, fish_y = debug(page)["fish"]
    page.mouse.dblclick(*to_page(fish_x, fish_y))
    page.wait_for_function("['excited', 'wiggle'].includes(JSON.parse(window.glubDebug()).state)")
    # Keyboard: Enter on the focused bowl pokes the fish wherever it is.
    page.wait_for_function("!['excited', 'wiggle'].includes(JSON.parse(window.glubDebug()).state)", timeout=10_000)
    page.focus("#bowl")
    page.keyboard.press("Enter")
    page.wait_for_function("['excited', 'wiggle'].includes(JSON.parse(window.glubDebug()).state)")


def test_canvas_is_a_whole_number_upscale_that_fits(booted: Session) -> None:
    page = booted.page
    size = page.evaluate(
        "(() => { const c = document.querySelector('#bowl'), s = document.querySelector('#stage');"
        " return [c.clientWidth, c.clientHeight, s.clientWidth, s.clientHeight, devicePixelRatio]; })()"
    )
    width, height, stage_w, stage_h, ratio = size
    scale = width * ratio / 240
    assert scale == int(scale) and scale >= 1 and height * ratio == 160 * scale
    assert width <= stage_w and height <= stage_h
    assert page.evaluate("document.querySelector('#poster')") is None, "the boot poster was not replaced"


def test_poster_is_shown_before_python(browser: Any, server: BackgroundServer) -> None:
    session = open_session(browser)
    page = session.page
    try:
        page.goto(server.url, wait_until="load")
        # The <img> decodes long before Pyodide has booted: the bowl is there at once.
        assert page.evaluate("document.querySelector('#poster')?.naturalWidth") == 240
    finally:
        session.context.close()


def test_hidden_tab_pauses_the_loop_and_the_fish_taps_on_the_glass(browser: Any, server: BackgroundServer) -> None:
    # 20,000x clock (test-only URL parameter): the away scheduler's day passes in about 4 s.
    session = open_session(browser, permissions=["notifications"])
    page = session.page
    page.add_init_script(SPY_NOTIFICATIONS)
    try:
        page.goto(server.url + "?glub-test-clock=20000")
        wait_for_python(page)
        page.wait_for_timeout(1500)
        assert debug(page)["notifications_shown"] == 0, "notified while visible"
        assert page.evaluate("window.glubAsked") == 0, "permission must be asked only from the settings"
        page.evaluate(SET_HIDDEN, True)
        state = debug(page)
        assert state["away"] and state["hidden"] and not state["loop_running"]
        assert page.title() == "glub misses you"
        page.wait_for_function("window.glubShown.length > 0", timeout=20_000)
        shown = page.evaluate("window.glubShown.map((n) => [n.title, n.options.body])")
        assert shown[0][0] == "glub" and shown[0][1].strip()
        assert re.fullmatch(r"\(\d+\) glub misses you", page.title())
        # A click on the notification brings the tab forward and closes the notification.
        page.evaluate("window.glubShown[0].onclick({ target: window.glubShown[0] })")
        assert page.evaluate("window.glubShown[0].closed") is True
        page.evaluate(SET_HIDDEN, False)
        assert page.title() == DEFAULT_TITLE
        page.wait_for_function("JSON.parse(window.glubDebug()).loop_running")
        assert not debug(page)["away"]
        # Set to 0 per day: a whole simulated day away brings no notification.
        page.click("#open-settings")
        assert page.inner_text("#permission-state") == "Notifications are allowed."
        assert page.is_hidden("#ask-permission")
        page.select_option("#set-per-day", "0")
        page.click("#save-settings")
        count = page.evaluate("window.glubShown.length")
        page.evaluate(SET_HIDDEN, True)
        page.wait_for_timeout(4800)  # 4.8 s x 20,000 > 24 h
        assert page.evaluate("window.glubShown.length") == count
        assert page.title() == "glub misses you"
        assert session.errors == []
    finally:
        session.context.close()


def test_new_build_shows_the_reload_prompt_and_keeps_the_model(browser: Any, site_copy: Path) -> None:
    session = open_session(browser)
    page = session.page
    server = BackgroundServer(site_copy).start()
    try:
        page.goto(server.url)
        wait_for_model(page)
        page.wait_for_function(
            "async () => (await caches.keys()).some((name) => name.startsWith('glub-model-'))", timeout=10_000
        )
        before = set(page.evaluate("caches.keys()"))
        assert page.is_hidden("#update")
        manifest = json.loads((site_copy / "models" / "manifest.json").read_text())
        model_path = "/models/" + manifest["files"]["model"]["path"]
        assert server.server.hits[model_path] == 1, "the first visit must download the model exactly once"
        # A new build: a changed file, and (as the build does) a new cache name in the worker.
        (site_copy / "style.css").write_text((site_copy / "style.css").read_text() + "\n/* v2 */\n")
        sw = site_copy / "sw.js"
        sw.write_text(re.sub(r'"cache":"glub-site-[0-9a-f]+"', '"cache":"glub-site-00000000000000v2"', sw.read_text()))
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        page.wait_for_selector("#update:not([hidden])", timeout=20_000)
        assert "a new bowl is ready" in page.inner_text("#update")
        # The page hears of the new worker as it activates; the clean-up finishes a moment later.
        models = {name for name in before if name.startswith("glub-model-")}
        old_site = sorted(before - models)
        page.wait_for_function(
            "async (old) => !(await caches.keys()).some((name) => old.includes(name))", arg=old_site, timeout=10_000
        )
        after = set(page.evaluate("caches.keys()"))
        assert models and models <= after, "the model cache did not survive the update"
        assert "glub-site-00000000000000v2" in after
        assert server.server.hits["/style.css"] >= 2, "the new worker did not precache the new build"
        assert server.server.hits[model_path] == 1, "the update downloaded the model again"
        # Offline, the reload button brings the new build back from the caches alone: the model
        # was not fetched again, and the new site cache holds every file.
        # (set_offline, not server.stop(): a stopped server may still answer on a kept-alive socket.)
        session.context.set_offline(True)
        page.click("#reload")
        wait_for_model(page)
        assert "v2" in page.evaluate("fetch('style.css').then((r) => r.text())")
        assert say(page, "hello again").strip()
        assert session.errors == []
        # A file that is neither cached nor reachable gets a clear offline answer, not a network error
        # (the browser logs that 503 as a console error, so the check above comes first).
        status, text = page.evaluate("fetch('not-in-the-site.txt').then(async (r) => [r.status, await r.text()])")
        assert status == 503 and "offline" in text
    finally:
        server.stop()
        session.context.close()


def test_page_is_installable(playwright: Any, server: BackgroundServer, tmp_path: Path) -> None:
    # Incognito contexts are never installable: this needs a profile on disk.
    context = launch_persistent(playwright, str(tmp_path / "profile"))
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server.url)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest.get("errors") == [], manifest.get("errors")
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
    finally:
        context.close()


def test_permission_is_asked_from_the_settings_button(browser: Any, server: BackgroundServer) -> None:
    session = open_session(browser)
    page = session.page
    page.add_init_script(SPY_NOTIFICATIONS)
    try:
        page.goto(server.url)
        wait_for_python(page)
        assert page.evaluate("window.glubAsked") == 0
        page.click("#open-settings")
        page.click("#ask-permission")
        page.wait_for_function("window.glubAsked === 1")
        # Headless Chromium answers without a prompt; whatever it said, the dialog says it in words.
        page.wait_for_function("document.querySelector('#permission-state').textContent !== ''", timeout=10_000)
    finally:
        session.context.close()
