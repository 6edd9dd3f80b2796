"""First-visit hints (tap, hold, type) and the install offer. Browser only.

The hints show once: dismissing them is remembered in localStorage. If storage is blocked they show
on every visit — a small price, and better than never. The install button appears only when the
browser offers ``beforeinstallprompt`` (Chromium); elsewhere a line in the hints says how to add the
page to the home screen by hand.
"""

from __future__ import annotations

from typing import Any

import js
from pyodide.ffi import create_proxy, jsnull

from pet.settings import Store

HINTS_KEY = "glub.hints.v1"


def _display_mode_standalone() -> bool:
    return bool(js.window.matchMedia("(display-mode: standalone)").matches)


class Onboarding:
    def __init__(self, document: Any, store: Store) -> None:
        self.store = store
        self.hints = document.getElementById("hints")
        self.install = document.getElementById("install")
        self.deferred_prompt: Any = None
        self._proxies = [
            (document.getElementById("hints-done"), "click", create_proxy(self.dismiss)),
            (js.window, "beforeinstallprompt", create_proxy(self.on_install_offer)),
            (js.window, "appinstalled", create_proxy(self.on_installed)),
            (self.install, "click", create_proxy(self.on_install_click)),
        ]
        for target, name, proxy in self._proxies:
            target.addEventListener(name, proxy)
        seen, _problem = store.read(HINTS_KEY)
        if not isinstance(seen, str):
            self.hints.hidden = False
        # No install event in this browser (Safari, Firefox) and not installed yet: say how by hand.
        if not hasattr(js.window, "onbeforeinstallprompt") and not _display_mode_standalone():
            document.getElementById("install-hint").hidden = False

    def dismiss(self, _event: Any = None) -> None:
        self.hints.hidden = True
        self.store.write(HINTS_KEY, "1")

    def on_install_offer(self, event: Any) -> None:
        # Keep the browser's own mini-infobar away; offer our button instead, at a moment of our choosing.
        event.preventDefault()
        self.deferred_prompt = event
        self.install.hidden = False

    def on_install_click(self, _event: Any) -> None:
        prompt = self.deferred_prompt
        if prompt is None or prompt is jsnull:
            return
        self.deferred_prompt = None
        self.install.hidden = True
        prompt.prompt()  # can be used once; the browser fires a new event if it offers again

    def on_installed(self, _event: Any) -> None:
        self.install.hidden = True
        self.deferred_prompt = None
