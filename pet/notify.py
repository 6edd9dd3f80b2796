"""System notifications, through the browser's Notification API. Browser only.

There is no push server: a notification can only come from this tab while the browser runs, when the
engine's away scheduler says the fish taps on the glass. Permission is asked only when the person
presses the button in the settings dialog — a browser shows the prompt only for a user gesture, and a
prompt out of nowhere is rude.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import js
from pyodide.ffi import create_proxy, to_js

ICON = "icons/icon-192.png"


def _api() -> Any:
    # Missing on some browsers (iOS Safari outside an installed app): then there is nothing to do.
    return getattr(js.window, "Notification", None)


class Notifier:
    def __init__(self, on_click: Callable[[], None]) -> None:
        self.shown = 0
        self._on_click = on_click
        # One proxy for every notification's click: made once, it lives as long as the page.
        self._click_proxy = create_proxy(self._clicked)

    @property
    def supported(self) -> bool:
        return _api() is not None

    @property
    def permission(self) -> str:
        """``granted``, ``denied``, ``default``, or ``unsupported``."""
        api = _api()
        return str(api.permission) if api is not None else "unsupported"

    def request(self) -> Awaitable[str]:
        """Ask for permission; call it from a click handler (the prompt needs the user's gesture).

        The JS call happens here, synchronously; the returned awaitable gives the answer as
        ``permission`` spells it.
        """
        api = _api()
        promise = None
        if api is not None:
            try:
                promise = api.requestPermission()
            except Exception:  # the browser refused to ask
                promise = None

        async def answer() -> str:
            if promise is None:
                return self.permission
            try:
                return str(await promise)
            except Exception:
                return self.permission

        return answer()

    def show(self, title: str, body: str) -> bool:
        """Raise a notification if allowed; True when one was made."""
        api = _api()
        if api is None or str(api.permission) != "granted":
            return False
        options = to_js(
            # The tag makes a new tap replace an unread one: a pile of fish notifications helps nobody.
            {"body": body, "icon": ICON, "tag": "glub-tap", "renotify": True},
            dict_converter=js.Object.fromEntries,
        )
        try:
            notification = api.new(title, options)
        except Exception as error:  # e.g. Android Chrome allows only service-worker notifications
            js.console.warn(f"Glub: no notification: {error}")
            return False
        notification.onclick = self._click_proxy
        self.shown += 1
        return True

    def _clicked(self, event: Any) -> None:
        js.window.focus()
        event.target.close()
        self._on_click()
