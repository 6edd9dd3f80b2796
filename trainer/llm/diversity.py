"""Repetition across accepted replies, counted locally (no model call): the diversifier's evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from trainer import persona

# Phrases every goldfish reply may share; steering away from them would fight the persona itself.
_EXEMPT = frozenset({"glub", "blub", "oh"})


class NgramCounter:
    """Counts word n-grams (n = 3 and 4) and two-word openings over replies, one count per reply."""

    def __init__(self, sizes: tuple[int, ...] = (3, 4)) -> None:
        self.sizes = sizes
        self.grams: Counter[str] = Counter()
        self.openings: Counter[str] = Counter()
        self.replies = 0

    def add(self, outputs: Iterable[str]) -> None:
        for text in outputs:
            tokens = persona.words(text)
            self.replies += 1
            seen = {" ".join(tokens[i:i + n]) for n in self.sizes for i in range(len(tokens) - n + 1)}
            self.grams.update(seen)
            opening = [t for t in tokens if t not in _EXEMPT][:2]
            if len(opening) == 2:
                self.openings[" ".join(opening)] += 1

    def repeated(self, limit: int = 20, min_share: float = 0.01) -> list[tuple[str, int]]:
        """The phrases that appear in at least `min_share` of replies (and at least 3), most frequent first.

        A phrase inside an already listed longer one is left out unless it is more frequent on its own."""
        floor = max(3, int(self.replies * min_share))
        found = [(g, c) for g, c in self.grams.items() if c >= floor]
        found += [(f"{g} ... (opening)", c) for g, c in self.openings.items() if c >= floor * 2]
        found.sort(key=lambda item: (-item[1], -len(item[0].split()), item[0]))  # longer first at equal count
        kept: list[tuple[str, int]] = []
        for gram, count in found:
            if any(gram in longer and count <= c for longer, c in kept):
                continue
            kept.append((gram, count))
            if len(kept) == limit:
                break
        return kept
