"""Training the byte-level BPE tokenizer with Hugging Face ``tokenizers``, and its reference encoding.

The settings are the contract ``engine_py.tokenizer`` reproduces in pure Python: no normalizer, the
ByteLevel pre-tokenizer with the GPT-2 split, all 256 bytes in the alphabet (no unknown token, ever),
the special tokens first (ids 0-4) and no post-processor (the chat template is built from ids).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from engine_py.chat import SPECIAL_TOKENS

VOCAB_SIZE = 5120
# The smallest vocabulary that holds every byte and the special tokens.
MIN_VOCAB_SIZE = 256 + len(SPECIAL_TOKENS)


def train_tokenizer(texts: Iterable[str], vocab_size: int = VOCAB_SIZE) -> Tokenizer:
    """A byte-level BPE tokenizer of at most ``vocab_size`` ids, trained on ``texts``."""
    if vocab_size < MIN_VOCAB_SIZE:
        raise ValueError(f"vocab_size must be at least {MIN_VOCAB_SIZE} (256 bytes + special tokens)")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    # The ids are a contract with the model and the chat template: check them rather than trust them.
    for expected, token in enumerate(SPECIAL_TOKENS):
        if tok.token_to_id(token) != expected:
            raise RuntimeError(f"{token} got id {tok.token_to_id(token)}, expected {expected}")
    return tok


def encode_text(tok: Tokenizer, text: str) -> list[int]:
    """The reference ids of text typed by a person: special-token strings in it are plain text.

    ``add_special_tokens=False`` only turns off the post-processor; the library still matches added
    tokens such as ``<fish>`` inside the text. ``encode_special_tokens`` makes it split them like any
    other text. It is not saved in ``tokenizer.json``, so it is set here, for this call only.
    """
    previous = tok.encode_special_tokens
    tok.encode_special_tokens = True
    try:
        return tok.encode(text, add_special_tokens=False).ids
    finally:
        tok.encode_special_tokens = previous


def read_sample_texts(path: Path) -> Iterator[str]:
    """The input and output texts of a JSONL file of samples, one sample per line (blank lines skipped).

    A missing file or a malformed line raises ValueError naming the file and line.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 ({err.reason} at byte {err.start})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            sample = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from None
        if not isinstance(sample, dict):
            raise ValueError(f"{path}:{number}: expected a JSON object, got {type(sample).__name__}")
        for key in ("input", "output"):
            if not isinstance(sample.get(key), str):
                raise ValueError(f"{path}:{number}: {key!r} must be a string")
        yield sample["input"]
        yield sample["output"]


def train_tokenizer_file(jsonl_paths: list[Path], out_path: Path, vocab_size: int = VOCAB_SIZE) -> Path:
    """Train on every input and output of the JSONL files and write ``tokenizer.json`` atomically."""
    # Read everything first, so a bad line fails before training rather than inside the library.
    texts = [text for path in jsonl_paths for text in read_sample_texts(Path(path))]
    tok = train_tokenizer(texts, vocab_size)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=out_path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(tok.to_str(pretty=True))
        os.replace(tmp, out_path)
    except BaseException:
        os.unlink(tmp)
        raise
    return out_path
