"""The settings dialog: a native ``<dialog>`` (focus trap, Escape and keyboard come with it). Browser only.

It reads and writes ``Prefs`` only; the page decides what a change means (the world, the title).
Notification permission is asked here and nowhere else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pyodide.ffi import create_proxy, jsnull

from pet.notify import Notifier
from pet.settings import Prefs, clean_name, clean_per_day

PERMISSION_TEXT = {
    "granted": "Notifications are allowed.",
    "denied": "Notifications are blocked for this site; the browser's site settings can allow them.",
    "default": "",
    "unsupported": "This browser cannot show notifications from a page.",
}


class SettingsDialog:
    def __init__(
        self, document: Any, notifier: Notifier, get: Callable[[], Prefs], on_save: Callable[[Prefs], None]
    ) -> None:
        self.dialog = document.getElementById("settings")
        self.form = self.dialog.querySelector("form")
        self.name = document.getElementById("set-name")
        self.per_day = document.getElementById("set-per-day")
        self.ask = document.getElementById("ask-permission")
        self.permission = document.getElementById("permission-state")
        self.message = document.getElementById("settings-message")
        self.opener = document.getElementById("open-settings")
        self.notifier = notifier
        self.get = get
        self.on_save = on_save
        self._tasks: set[asyncio.Task[None]] = set()
        self._proxies = [
            (self.opener, "click", create_proxy(self.open)),
            (self.form, "submit", create_proxy(self.submitted)),
            (self.ask, "click", create_proxy(self.ask_permission)),
        ]
        for target, name, proxy in self._proxies:
            target.addEventListener(name, proxy)
        self.opener.disabled = False

    def tell(self, text: str) -> None:
        """A sentence shown in the dialog (e.g. that saved settings were repaired)."""
        self.message.textContent = text

    def open(self, _event: Any = None) -> None:
        prefs = self.get()
        self.name.value = prefs.name
        self.per_day.value = str(prefs.notifications_per_day)
        self._show_permission(self.notifier.permission)
        self.dialog.showModal()

    def submitted(self, event: Any) -> None:
        # On submit, not on the dialog's close event: close is queued as a later task, so the new
        # settings would not yet be in force when the click that saved them returns.
        submitter = event.submitter
        if submitter is None or submitter is jsnull or submitter.value != "save":
            return
        per_day = clean_per_day(str(self.per_day.value))
        if per_day is None:
            per_day = self.get().notifications_per_day
        self.on_save(Prefs(clean_name(str(self.name.value)), per_day))
        self.opener.focus()

    def _show_permission(self, state: str) -> None:
        self.permission.textContent = PERMISSION_TEXT.get(state, "")
        # Nothing left to ask once the browser has an answer.
        self.ask.hidden = state in ("granted", "denied", "unsupported")

    def ask_permission(self, _event: Any) -> None:
        # Called now, inside the click: the browser prompts only during a user gesture.
        asking = self.notifier.request()

        async def ask() -> None:
            self._show_permission(await asking)

        task = asyncio.ensure_future(ask())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
