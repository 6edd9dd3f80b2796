"""The tab's title: the fish's name while you look, and that it misses you while you are away.

Pure strings, so the wording is tested on CPython; the page only assigns ``document.title``.
"""

from __future__ import annotations


def page_title(name: str, hidden: bool = False, missed: int = 0) -> str:
    """``glub — your goldfish``; hidden: ``glub misses you``; after taps on the glass: ``(2) glub misses you``."""
    if not hidden:
        return f"{name} — your goldfish"
    return f"({missed}) {name} misses you" if missed else f"{name} misses you"
