"""Byte-level BPE in pure Python: reads the trainer's ``tokenizer.json`` and gives the library's ids.

It runs in the page on Pyodide, so it uses the standard library only. Encoding follows the Hugging Face
``tokenizers`` pipeline the trainer sets up, step by step:

1. split the text with the GPT-2 pattern
   ``'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+``
   (Python's ``re`` has no ``\\p{L}``, so a small scanner does it with ``unicodedata``);
2. write each piece's UTF-8 bytes as printable characters (the GPT-2 byte-to-unicode table);
3. merge adjacent symbols by merge rank, lowest first, and look the symbols up in the vocabulary.

Special-token strings are never matched inside text: typing ``<fish>`` gives byte-level pieces,
never id 4. The chat template is built from ids (``engine_py.chat``).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# Character classes of the split pattern.
LETTER, NUMBER, SPACE, OTHER = "L", "N", "S", "P"

# The regex engine behind the library defines \s as the Unicode White_Space property. str.isspace()
# is not the same set: it also takes \x1c-\x1f, which are punctuation to the library.
WHITE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

# Letters and numbers the library already knows (its Unicode 16.0 tables) but Python 3.11's
# unicodedata (Unicode 14.0) calls unassigned. They are only consulted for category "Cn", so a newer
# Python changes nothing. Measured by running every code point through the library's pre-tokenizer.
LATE_LETTERS = (
    (0x1C89, 0x1C8A), (0xA7CB, 0xA7CD), (0xA7DA, 0xA7DC), (0x105C0, 0x105F3), (0x10D4A, 0x10D65),
    (0x10D6F, 0x10D85), (0x10EC2, 0x10EC4), (0x1123F, 0x11240), (0x11380, 0x11389), (0x1138B, 0x1138B),
    (0x1138E, 0x1138E), (0x11390, 0x113B5), (0x113B7, 0x113B7), (0x113D1, 0x113D1), (0x113D3, 0x113D3),
    (0x11BC0, 0x11BE0), (0x11F02, 0x11F02), (0x11F04, 0x11F10), (0x11F12, 0x11F33), (0x1342F, 0x1342F),
    (0x13441, 0x13446), (0x13460, 0x143FA), (0x16100, 0x1611D), (0x16D40, 0x16D6C), (0x18CFF, 0x18CFF),
    (0x1B132, 0x1B132), (0x1B155, 0x1B155), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D), (0x1E4D0, 0x1E4EB),
    (0x1E5D0, 0x1E5ED), (0x1E5F0, 0x1E5F0), (0x2B739, 0x2B739), (0x2EBF0, 0x2EE5D), (0x31350, 0x323AF),
)
LATE_NUMBERS = (
    (0x10D40, 0x10D49), (0x116D0, 0x116E3), (0x11BF0, 0x11BF9), (0x11F50, 0x11F59), (0x16130, 0x16139),
    (0x16D70, 0x16D79), (0x1CCF0, 0x1CCF9), (0x1D2C0, 0x1D2D3), (0x1E4F0, 0x1E4F9), (0x1E5F1, 0x1E5FA),
)

# The English contractions the pattern tries first, after an apostrophe (case-sensitive, as in GPT-2).
_CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")


@functools.lru_cache(maxsize=8192)
def char_class(ch: str) -> str:
    """Which class of the split pattern a character falls in: LETTER, NUMBER, SPACE or OTHER."""
    if ch in WHITE_SPACE:
        return SPACE
    category = unicodedata.category(ch)
    if category[0] == "L":
        return LETTER
    if category[0] == "N":
        return NUMBER
    if category == "Cn":
        code = ord(ch)
        if any(lo <= code <= hi for lo, hi in LATE_LETTERS):
            return LETTER
        if any(lo <= code <= hi for lo, hi in LATE_NUMBERS):
            return NUMBER
    return OTHER


def split_words(text: str) -> list[str]:
    """The GPT-2 split, exactly as the library's regex engine matches it (leftmost alternative wins)."""
    words = []
    n = len(text)
    classes = [char_class(ch) for ch in text]
    i = 0
    while i < n:
        ch = text[i]
        start = i
        if ch == "'" and i + 1 < n:
            rest = text[i + 1 : i + 3]
            hit = next((c for c in _CONTRACTIONS if rest.startswith(c)), None)
            if hit is not None:
                words.append(text[i : i + 1 + len(hit)])
                i += 1 + len(hit)
                continue
        # " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": one optional plain space, then a run of one class.
        first = i + 1 if ch == " " and i + 1 < n and classes[i + 1] != SPACE else i
        cls = classes[first]
        if cls != SPACE:
            i = first + 1
            while i < n and classes[i] == cls:
                i += 1
        else:
            # "\s+(?!\S)" takes a run of white space less its last character, which then leads the
            # next word; a run that reaches the end, or a lone one before a word, is taken whole ("\s+").
            end = i + 1
            while end < n and classes[end] == SPACE:
                end += 1
            i = end - 1 if end < n and end - i >= 2 else end
        words.append(text[start:i])
    return words


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character table.

    Bytes that print as themselves (and are not spaces or controls) keep their own code point; the
    other 68 are moved, in byte order, to code points from 256 up, so every byte is one visible char.
    """
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table = {b: chr(b) for b in keep}
    moved = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + moved)
            moved += 1
    return table


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {ch: b for b, ch in BYTE_TO_CHAR.items()}


def _token_bytes(token: str) -> bytes:
    """The bytes a token stands for. One that is not byte-level text stands for its own UTF-8."""
    if all(ch in CHAR_TO_BYTE for ch in token):
        return bytes(CHAR_TO_BYTE[ch] for ch in token)
    return token.encode("utf-8")


class Tokenizer:
    """Encodes text and decodes ids with the vocabulary and merges of a ``tokenizer.json``."""

    # Words seen, and their ids: chat repeats itself, and the cache keeps the browser's encode cheap.
    CACHE_LIMIT = 20_000

    def __init__(
        self,
        vocab: dict[str, int],
        merges: list[tuple[str, str]],
        special: dict[str, int],
        ignore_merges: bool = False,
    ) -> None:
        self.vocab = dict(vocab)
        self.vocab.update(special)
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.special_ids = frozenset(special.values())
        self.ignore_merges = ignore_merges
        self.id_to_str = {i: token for token, i in self.vocab.items()}
        self.id_to_bytes = {i: _token_bytes(token) for i, token in self.id_to_str.items()}
        missing = [ch for ch in CHAR_TO_BYTE if ch not in self.vocab]
        if missing:
            raise ValueError(f"vocabulary lacks {len(missing)} of the 256 byte tokens; encoding would fail")
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_json(cls, text: str) -> Tokenizer:
        """Read a Hugging Face ``tokenizer.json``; refuse settings this module would not reproduce."""
        data = json.loads(text)
        model = data.get("model") or {}
        if model.get("type") != "BPE":
            raise ValueError(f"expected a BPE model, got {model.get('type')!r}")
        if data.get("normalizer") is not None:
            raise ValueError("expected no normalizer")
        pre = data.get("pre_tokenizer") or {}
        if pre.get("type") != "ByteLevel" or pre.get("add_prefix_space") or not pre.get("use_regex", True):
            raise ValueError(f"expected a ByteLevel pre-tokenizer, regex on, no prefix space; got {pre}")
        if (data.get("decoder") or {}).get("type") != "ByteLevel":
            raise ValueError("expected a ByteLevel decoder")
        for key in ("continuing_subword_prefix", "end_of_word_suffix", "dropout"):
            if model.get(key):
                raise ValueError(f"unsupported BPE setting {key}={model[key]!r}")
        # Merges are pairs in new files and "a b" strings in old ones.
        merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ", 1)) for m in model["merges"]]
        special = {t["content"]: t["id"] for t in data.get("added_tokens", []) if t.get("special")}
        return cls(model["vocab"], merges, special, bool(model.get("ignore_merges")))

    @classmethod
    def from_file(cls, path: str | Path) -> Tokenizer:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    @property
    def vocab_size(self) -> int:
        """The size of the id space (the model's embedding rows needed)."""
        return max(self.id_to_str) + 1

    def token_to_id(self, token: str) -> int | None:
        return self.vocab.get(token)

    def id_to_token(self, token_id: int) -> str | None:
        return self.id_to_str.get(token_id)

    def encode(self, text: str) -> list[int]:
        """The ids of plain text; special-token strings in it are just text."""
        ids: list[int] = []
        cache = self._cache
        for word in split_words(text):
            word_ids = cache.get(word)
            if word_ids is None:
                word_ids = self._encode_word(word)
                if len(cache) >= self.CACHE_LIMIT:
                    cache.clear()
                cache[word] = word_ids
            ids.extend(word_ids)
        return ids

    def _encode_word(self, word: str) -> list[int]:
        mapped = "".join(BYTE_TO_CHAR[b] for b in word.encode("utf-8"))
        if self.ignore_merges and mapped in self.vocab:
            return [self.vocab[mapped]]
        symbols = list(mapped)
        ranks = self.ranks
        while len(symbols) > 1:
            # The lowest-ranked pair present is merged everywhere, left to right. A pair made by a later
            # merge always ranks after the merges that built its parts, so this equals the library's
            # one-pair-at-a-time priority queue.
            best = min(
                (ranks.get(pair, len(ranks)), pair) for pair in zip(symbols, symbols[1:], strict=False)
            )
            if best[0] == len(ranks):
                break
            left, right = best[1]
            merged = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
                    merged.append(left + right)
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        return [self.vocab[s] for s in symbols]

    def decode(self, ids: Iterable[int], skip_special: bool = True) -> str:
        """Text of ``ids``: the bytes as UTF-8, broken sequences as U+FFFD (as the library does).

        Ids outside the vocabulary are dropped, as the library drops them.
        """
        data = bytearray()
        for token_id in ids:
            if skip_special and token_id in self.special_ids:
                continue
            data += self.id_to_bytes.get(token_id, b"")
        return data.decode("utf-8", errors="replace")
