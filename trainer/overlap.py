"""Near-duplicate text between the corpus (or a dataset) and prompts or replies it must not contain:
the reference project's published evaluation, our own held-out prompt set.

Texts are compared as word sequences after a normalisation that undoes how people type the same
thing: lowercase, no apostrophes, runs of one letter collapsed ("hellooo" = "helo" = "hello"), and
a few chat spellings ("u" = "you", "im" = "i am"). Two texts are near when ``difflib``'s ratio of
their word sequences is at least ``NEAR``: "i feel SO lonely!!" is near "I feel lonely", "tell me a
short story" is near "tell me a story", "do u like me" is "do you like me"; "how are you" is not
near "who are you", nor "hello fish" near "hello".
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from trainer.persona import words

NEAR = 0.8
_SPELLINGS = {
    "u": "you", "ya": "you", "ur": "your", "r": "are", "im": "i am", "ive": "i have", "whats": "what is",
    "thats": "that is", "its": "it is", "dont": "do not", "cant": "can not", "cannot": "can not",
    "youre": "you are", "pls": "please", "plz": "please", "wanna": "want to", "gonna": "going to",
}
_RUN = re.compile(r"(.)\1+")


def normal(text: str) -> tuple[str, ...]:
    """The words of ``text`` as compared (see the module docstring)."""
    found: list[str] = []
    for word in words(text):
        word = _RUN.sub(r"\1", word.replace("'", "").replace("\u2019", ""))
        found += _SPELLINGS.get(word, word).split()
    return tuple(found) or (text.strip(),)


def near_pairs(texts: list[str], against: list[str], threshold: float = NEAR) -> list[tuple[str, str, float]]:
    """Every (text, other, ratio) with ``ratio >= threshold``."""
    targets = sorted({normal(t): t for t in against}.items())
    found = []
    seen: set[tuple[str, ...]] = set()
    for text in texts:
        key = normal(text)
        if key in seen:
            continue
        seen.add(key)
        matcher = SequenceMatcher(None, (), key, autojunk=False)  # b is the side difflib caches
        for other_key, other in targets:
            matcher.set_seq1(other_key)
            if (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold
                    and matcher.ratio() >= threshold):
                found.append((text, other, round(matcher.ratio(), 3)))
    return found


def read_field(path: Path, names: tuple[str, ...]) -> list[str]:
    """The first present field of ``names`` from each line of a JSONL file."""
    texts = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        for name in names:
            if isinstance(record.get(name), str):
                texts.append(record[name].strip())
                break
    return texts
