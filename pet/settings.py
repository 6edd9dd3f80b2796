"""The person's settings: what they are, how they are checked, and how they live in localStorage.

No ``js`` import here: the page hands in a function that returns its ``localStorage``, so the parsing
and every way storage can fail are tested on CPython. Storage is the page's least reliable neighbour:
it may hold JSON garbage, values of the wrong type, an older schema, or refuse access altogether
(private modes, blocked site data — then even *reading* ``window.localStorage`` throws). Every such
case becomes the defaults plus a sentence for people; none of them may stop the page.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SETTINGS_KEY = "glub.settings.v1"
SCHEMA_VERSION = 1
DEFAULT_NAME = "glub"
MAX_NAME = 16
MAX_PER_DAY = 8
DEFAULT_PER_DAY = 3


@dataclass(frozen=True, slots=True)
class Prefs:
    name: str = DEFAULT_NAME
    notifications_per_day: int = DEFAULT_PER_DAY


def clean_name(raw: object) -> str:
    """A name fit for the speech bubble, the title and notifications: printable, one line, <= 16 chars.

    Control and format characters (newlines, bidi overrides) go; runs of spaces become one; an empty
    result is the default name, so the fish is never nameless.
    """
    if not isinstance(raw, str):
        return DEFAULT_NAME
    kept = "".join(" " if ch.isspace() else ch for ch in raw if ch.isspace() or unicodedata.category(ch)[0] != "C")
    name = " ".join(kept.split())[:MAX_NAME].strip()
    return name or DEFAULT_NAME


def clean_per_day(raw: object) -> int | None:
    """0-8 from an int (or a whole-number string, as a form gives it); None when it is not one."""
    if isinstance(raw, bool):  # True is an int in Python, and not a count
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int):
        return None
    return max(0, min(MAX_PER_DAY, raw))


def to_json(prefs: Prefs) -> str:
    return json.dumps(
        {"version": SCHEMA_VERSION, "name": prefs.name, "notifications_per_day": prefs.notifications_per_day}
    )


def from_json(text: object) -> tuple[Prefs, str | None]:
    """Settings from the stored text, and a sentence for people when something had to be repaired.

    Nothing stored (first visit) is no problem. A field that is wrong falls back alone: a bad count
    does not cost the fish its name.
    """
    if not isinstance(text, str):  # missing: getItem gave JS null
        return Prefs(), None
    try:
        data = json.loads(text)
    except ValueError:
        return Prefs(), "Saved settings were unreadable; using the defaults."
    if not isinstance(data, dict) or data.get("version") != SCHEMA_VERSION:
        return Prefs(), "Saved settings were from another version; using the defaults."
    problems = []
    name = data.get("name", DEFAULT_NAME)
    if not isinstance(name, str):
        problems.append("name")
        name = DEFAULT_NAME
    per_day = clean_per_day(data.get("notifications_per_day", DEFAULT_PER_DAY))
    if per_day is None:
        problems.append("notifications per day")
        per_day = DEFAULT_PER_DAY
    prefs = Prefs(clean_name(name), per_day)
    if problems:
        return prefs, f"Some saved settings were damaged ({', '.join(problems)}); those are back to defaults."
    return prefs, None


class Store:
    """localStorage behind a guard: every failure is a return value, never an exception."""

    BLOCKED = "This browser blocks storage here, so settings last only until the tab closes."

    def __init__(self, get_storage: Callable[[], Any]) -> None:
        # A function, not the object: reading window.localStorage is itself what throws when blocked.
        self.get_storage = get_storage

    def read(self, key: str) -> tuple[Any, str | None]:
        try:
            return self.get_storage().getItem(key), None
        except Exception:  # SecurityError and friends: JsException on Pyodide
            return None, self.BLOCKED

    def write(self, key: str, value: str) -> str | None:
        try:
            self.get_storage().setItem(key, value)
        except Exception:  # blocked, or the quota is full
            return self.BLOCKED
        return None

    def load(self) -> tuple[Prefs, str | None]:
        raw, problem = self.read(SETTINGS_KEY)
        if problem:
            return Prefs(), problem
        return from_json(raw)

    def save(self, prefs: Prefs) -> str | None:
        return self.write(SETTINGS_KEY, to_json(prefs))
