"""Model text -> JSON, tolerant of the usual wrapping (prose before, ```json fences) but nothing more."""

from __future__ import annotations

import json
from typing import Any


class Malformed(ValueError):
    """The answer holds no JSON of the expected shape."""


def extract_json(text: str, opener: str) -> Any:
    """The first JSON value in `text` that starts with `opener` ('[' or '{') and parses."""
    start = text.find(opener)
    decoder = json.JSONDecoder()
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
            return value
        except json.JSONDecodeError:
            start = text.find(opener, start + 1)
    raise Malformed(f"no JSON {opener!r} value in the answer ({len(text)} chars)")


def json_list(text: str, key: str | None = None) -> list[Any]:
    """A JSON array, either bare or under `key` of an object, whichever the answer opens first."""
    starts = [i for i in (text.find("["), text.find("{")) if i != -1]
    if not starts:
        raise Malformed("no JSON in the answer")
    if key is not None and text[min(starts)] == "{":
        value = extract_json(text, "{")
        if isinstance(value, dict) and isinstance(value.get(key), list):
            return value[key]
        raise Malformed(f"expected an object with a list under {key!r}")
    value = extract_json(text, "[")
    if not isinstance(value, list):
        raise Malformed("expected a JSON array")
    return value
