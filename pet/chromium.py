"""The system Chromium that the browser tests and benchmarks drive through ``playwright``.

Never a downloaded browser build: Debian's ``chromium`` package (``GLUB_CHROMIUM`` names another binary).
"""

from __future__ import annotations

import os
from typing import Any

CHROMIUM = os.environ.get("GLUB_CHROMIUM", "/usr/bin/chromium")
# Flags that work in this sandbox: no GPU, no network chatter of Chromium's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Any) -> Any:
    """A headless system Chromium from a started ``sync_playwright()`` driver."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def launch_persistent(playwright: Any, profile: str) -> Any:
    """A headless system Chromium with a profile on disk (a throwaway context is incognito, never installable)."""
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
