"""The offline goldfish dataset, expanded from the conversation corpus the team writes.

The corpus (``trainer/conversations/*.toml``, read by ``trainer.corpus``) holds situations, each with
many phrasings of a message and many written replies that answer it. A sample pairs one phrasing with
one reply of the same situation, the slots filled with the same values on both sides ("i got a
{pet}" / "a {pet}! is it wiggly?"), the message dressed in surface noise and, on a measured share of
replies, a forgetting tail or trail-off after the reply has answered (``trainer.flourishes``).

Each sample is ``{"input", "output", "category", "component", "family", "situation", "phrasing",
"reply"}``: ``category`` is the situation's group, ``family`` and ``situation`` its id, ``phrasing``
and ``reply`` the written templates (the report counts them), ``component`` says whether the fish
forgot (``obligatory_forgetting``) or not (``conversational_companion``). Short-form situations ("say
one word") add ``"form": "short"``; test samples add ``"held_out"``: ``"phrasing"`` or ``"situation"``.

The split is a property of the corpus, not of the seed: in every situation some phrasings and some
replies are test-only, and some whole situations (a few in every group) are test-only, so no test
reply and no test phrasing is ever trained on.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

from trainer import flourishes
from trainer.corpus import Situation, fill, load_corpus, replies_for, slots_in
from trainer.persona import MAX_INPUT_CHARS, validate_sample

PERSONAS: tuple[str, ...] = ("default", "grumpy", "poet", "philosopher")
FORGET_RATE = 0.24  # of replies outside gentle and short situations
ECHO_PREFERENCE = 0.6  # where a phrasing has a slot word, how often the reply is one that picks it up
TRAIL_OFF_SHARE = 0.35  # of forgetting replies with two sentences or more, how many trail off mid-sentence
HELD_OUT_SITUATIONS = 0.08  # of each group's situations (not gentle, not short), test-only as a whole
HELD_OUT_PHRASINGS = 0.15  # of each other situation's phrasings (at least 2)
HELD_OUT_REPLIES = 0.15  # of each other situation's replies (at least 3)
TEST_FRACTION = 0.1  # of the samples

# Replies stay inside the 40-token reply budget: at most this many characters, and this many pieces
# (words and punctuation runs, a lower bound on byte-level BPE tokens).
MAX_REPLY_CHARS = 160
MAX_REPLY_PIECES = 38
_PIECE = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MAX_TRIES = 30


@dataclass(frozen=True)
class Split:
    train: list[dict]
    test: list[dict]


@dataclass(frozen=True)
class Part:
    """What of one situation goes where."""

    situation: Situation
    train_phrasings: tuple[str, ...]
    train_replies: tuple[str, ...]
    test_phrasings: tuple[str, ...]
    test_replies: tuple[str, ...]

    @property
    def held_out(self) -> bool:
        return not self.train_phrasings


def _rank(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _held(items: tuple[str, ...], share: float, least: int, salt: str) -> set[str]:
    count = max(least, math.ceil(share * len(items)))
    return set(sorted(items, key=lambda item: _rank(f"{salt}/{item}"))[:count])


def plan_split(situations: list[Situation]) -> list[Part]:
    """Which situations, phrasings and replies are test-only: a stable hash order, no seed."""
    by_group: dict[str, list[Situation]] = {}
    for situation in situations:
        by_group.setdefault(situation.group, []).append(situation)
    held_situations = set()
    for group in by_group.values():
        # distress and the form requests are always trained on: the fish must have seen them to meet them
        group = [s for s in group if not s.gentle and not s.short]
        if len(group) >= 4:
            count = max(1, round(HELD_OUT_SITUATIONS * len(group)))
            held_situations |= {s.id for s in sorted(group, key=lambda s: _rank(s.id))[:count]}
    parts = []
    for s in situations:
        phrasings, replies = tuple(dict.fromkeys(s.phrasings)), tuple(dict.fromkeys(s.replies))
        if s.id in held_situations:
            parts.append(Part(s, (), (), phrasings, replies))
            continue
        test_replies = _held(replies, HELD_OUT_REPLIES, 3, s.id)
        test_phrasings = _held(phrasings, HELD_OUT_PHRASINGS, 2, s.id)
        train_replies = tuple(r for r in replies if r not in test_replies)
        # a test phrasing needs a test reply its slots can fill; one without stays in train
        test_phrasings = {p for p in test_phrasings if replies_for(s, p, tuple(test_replies))}
        parts.append(Part(
            s,
            tuple(p for p in phrasings if p not in test_phrasings),
            train_replies,
            tuple(p for p in phrasings if p in test_phrasings),
            tuple(r for r in replies if r in test_replies),
        ))
    return parts


# --- one sample ---------------------------------------------------------------------------------------


def _surface(text: str, rng: random.Random) -> str:
    """The message as people type it: sometimes a greeting in front, a "lol" behind, capitals, emoji."""
    if rng.random() < 0.15:
        text = rng.choice(flourishes.MESSAGE_PREFIXES) + text[:1].lower() + text[1:]
    if rng.random() < 0.15 and text[-1:].isalnum():
        text += rng.choice(flourishes.MESSAGE_SUFFIXES)
    roll = rng.random()
    if roll < 0.05:
        text = text.upper() + rng.choice(["", "!", "!!!"])
    elif roll < 0.25:
        text = text[:1].upper() + text[1:]
    elif roll < 0.40:
        text = text.lower()
    elif roll < 0.44:
        text = re.sub(r"\byou\b", "u", text)
    if rng.random() < 0.05:
        emoji = rng.choice(flourishes.EMOJI)
        text = f"{emoji} {text}" if rng.random() < 0.3 else f"{text} {emoji}"
    return text[:MAX_INPUT_CHARS].strip()


def _forget(reply: str, rng: random.Random) -> str:
    """The reply, then the thread lost: a tail, or a trail-off into its last sentence."""
    sentences = _SENTENCE.split(reply)
    if len(sentences) >= 2 and rng.random() < TRAIL_OFF_SHARE:
        last = sentences[-1].split()
        keep = rng.randint(1, max(1, min(4, len(last) - 2)))
        begun = " ".join(last[:keep]).rstrip(",.!?;")
        return " ".join(sentences[:-1] + [begun + rng.choice(flourishes.TRAIL_OFFS)])
    return f"{reply} {rng.choice(flourishes.FORGET_TAILS)}".replace(". ...", "...").replace("! ...", "!...")


def _persona_line(reply: str, persona: str, rng: random.Random) -> str:
    lines = flourishes.PERSONA_LINES[persona]
    if rng.random() < 0.5:
        return f"{rng.choice(lines['before'])} {reply}"
    return f"{reply} {rng.choice(lines['after'])}"


def _fits(output: str) -> bool:
    return len(output) <= MAX_REPLY_CHARS and len(_PIECE.findall(output)) <= MAX_REPLY_PIECES


def make_sample(
    situation: Situation, phrasing: str, reply: str, persona: str, forgets: bool, rng: random.Random
) -> dict | None:
    """One exchange, or None when the composed reply breaks a rule (the caller draws again)."""
    # sorted: a set of strings iterates in a per-process hash order, and the draws must not depend on it
    values = {name: rng.choice(situation.slots[name]) for name in sorted(slots_in(phrasing) | slots_in(reply))}
    output = fill(reply, {name: value.lower() for name, value in values.items()})
    if persona != "default" and rng.random() < flourishes.PERSONA_LINE_RATE:
        output = _persona_line(output, persona, rng)
    forgot = forgets and not situation.gentle and not situation.short
    if forgot:
        output = _forget(output, rng)
    sample = {
        "input": _surface(fill(phrasing, values), rng),
        "output": output,
        "category": situation.group,
        "component": "obligatory_forgetting" if forgot else "conversational_companion",
        "family": situation.id,
        "situation": situation.id,
        "phrasing": phrasing,
        "reply": reply,
    }
    if situation.short:
        sample["form"] = "short"
    if not _fits(output) or validate_sample(sample):
        return None
    return sample


def _expand(part_phrasings: tuple[str, ...], part_replies: tuple[str, ...], situation: Situation, count: int,
            persona: str, rng: random.Random, seen: set[tuple[str, str]]) -> list[dict]:
    """``count`` distinct exchanges of one situation from the given phrasings and replies, cycling
    through the phrasings so each is used about equally."""
    pairs = [(p, replies_for(situation, p, part_replies)) for p in part_phrasings]
    pairs = [(p, fitting) for p, fitting in pairs if fitting]
    samples: list[dict] = []
    if not pairs:
        return samples
    order = list(range(len(pairs)))
    misses = 0
    while len(samples) < count and misses < _MAX_TRIES * count:
        if len(samples) % len(order) == 0:
            rng.shuffle(order)
        phrasing, fitting = pairs[order[len(samples) % len(order)]]
        echoing = [reply for reply in fitting if slots_in(reply)]
        if echoing and rng.random() < ECHO_PREFERENCE:
            fitting = echoing
        sample = make_sample(situation, phrasing, rng.choice(fitting), persona, rng.random() < FORGET_RATE, rng)
        if sample is None or (sample["input"], sample["output"]) in seen:
            misses += 1
            continue
        seen.add((sample["input"], sample["output"]))
        samples.append(sample)
    return samples


def build_dataset(
    target: int, seed: int = 0, persona: str = "default", situations: list[Situation] | None = None
) -> Split:
    """About ``target`` samples (``TEST_FRACTION`` of them test), deterministic for ``seed`` and
    ``persona``; train samples spread evenly over the trained situations, test samples over the test
    parts (held-out situations get three times a situation's share, so they are measured well)."""
    if persona not in PERSONAS:
        raise ValueError(f"unknown persona {persona!r}; choose one of {', '.join(PERSONAS)}")
    if target < 1:
        raise ValueError("the dataset needs at least one sample")
    parts = plan_split(load_corpus() if situations is None else situations)
    rng = random.Random(f"glub/{seed}/{persona}")
    trained = [p for p in parts if not p.held_out]
    train_goal = target - round(TEST_FRACTION * target)
    weights = [3 if p.held_out else 1 for p in parts]
    test_unit = round(TEST_FRACTION * target) / sum(weights)
    seen: set[tuple[str, str]] = set()
    train: list[dict] = []
    for index, part in enumerate(trained):
        share = train_goal * (index + 1) // len(trained) - train_goal * index // len(trained)
        train += _expand(part.train_phrasings, part.train_replies, part.situation, share, persona, rng, seen)
    test: list[dict] = []
    made = 0.0
    for part, weight in zip(parts, weights, strict=True):
        made += weight * test_unit
        share = round(made) - len(test)
        for sample in _expand(part.test_phrasings, part.test_replies, part.situation, max(share, 0), persona,
                              rng, seen):
            sample["held_out"] = "situation" if part.held_out else "phrasing"
            test.append(sample)
    trained_outputs = {s["output"] for s in train}
    test = [s for s in test if s["output"] not in trained_outputs]
    if not train or not test:
        raise ValueError("the split left train or test empty; ask for more samples")
    rng.shuffle(train)
    rng.shuffle(test)
    return Split(train, test)


# --- files ----------------------------------------------------------------------------------------


def write_jsonl(path: Path, samples: list[dict]) -> None:
    """Atomic write: a killed run never leaves half a file behind."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for sample in samples:
            handle.write(json.dumps(sample, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def read_jsonl(path: Path) -> list[dict]:
    """Samples from a JSONL file; a missing file or malformed line is a one-line ValueError."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"data file not found: {path}")
    samples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                sample = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON ({error.msg})") from None
            if not isinstance(sample, dict) or not all(
                isinstance(sample.get(key), str) for key in ("input", "output")
            ):
                raise ValueError(f"{path}:{number}: a sample needs string 'input' and 'output' fields")
            samples.append(sample)
    if not samples:
        raise ValueError(f"data file is empty: {path}")
    return samples


def write_dataset(out_dir: Path, target: int, seed: int = 0, persona: str = "default") -> Split:
    """``train.jsonl`` and ``test.jsonl`` in ``out_dir`` (see ``build_dataset``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    split = build_dataset(target, seed, persona)
    write_jsonl(out_dir / "train.jsonl", split.train)
    write_jsonl(out_dir / "test.jsonl", split.test)
    return split
