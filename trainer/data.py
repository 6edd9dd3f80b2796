"""The offline goldfish corpus: procedural exchanges, written for this project.

Each sample is ``{"input", "output", "category", "component", "family"}``:
- ``input``: what a person types, composed from the pools in ``trainer/templates/inputs.py`` in one of
  the input categories (greetings, questions about the fish, life, feelings, the user's day, nonsense,
  long rambles, all-caps, emoji, other languages, rude messages, attempts to make it remember or break
  character), with surface noise (prefixes, suffixes, a capital first letter, "u" for "you");
- ``output``: the fish's reply, one composition frame of ``trainer/templates/replies.py`` filled from
  shared pools; the frame is the sample's ``family``;
- ``category``: the input category; ``component``: the recipe component of the reply.

The generator decides for each sample whether the reply asks a question, carries an interjection or
(outside the forgetting component) forgets, before it composes the reply, so the measured rates are the
aimed-for rates. Every sample passes ``trainer.persona.validate_sample``; outputs are unique.
The train/test split is by family (DESIGN.md): no test reply shape is ever trained on.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from trainer.persona import COMPONENTS, MAX_INPUT_CHARS, validate_sample
from trainer.templates import inputs as input_data
from trainer.templates import personas as persona_data
from trainer.templates import replies as reply_data

PERSONAS: tuple[str, ...] = ("default", "grumpy", "poet", "philosopher")

# The reference recipe, by component (relative weights; they sum to 0.99, so each share is weight / 0.99).
COMPONENT_WEIGHTS: dict[str, float] = {
    "poetic_foundation": 0.36,
    "balance": 0.27,
    "conversational_companion": 0.09,
    "obligatory_forgetting": 0.27,
}
QUESTION_RATE = 0.60  # replies that end in (or hold) a question
INTERJECTION_RATE = 0.30  # replies that open with or hold glub, blub or oh!
EXTRA_FORGETTING_RATE = 0.05  # replies outside obligatory_forgetting that still lose the thread
OPENER_SHARE = 0.75  # of interjections, how many open the reply (the rest close it)
ECHO_RATE = 0.5  # where the message names a food, a pet, a name..., how often the reaction picks it up
ECHO_CATEGORIES = frozenset(
    {"greeting", "goodbye", "about_fish", "life", "feelings", "user_day", "remember", "rambling"}
)

# Input categories and how often each is drawn.
CATEGORY_WEIGHTS: dict[str, float] = {
    "greeting": 9, "goodbye": 4, "about_fish": 12, "life": 7, "feelings": 10, "user_day": 12, "nonsense": 5,
    "rude": 5, "remember": 8, "break_character": 6, "shouting": 5, "emoji": 5, "other_language": 5, "rambling": 7,
}
# Surface categories wrap a message of one of these.
_BASE_FOR_SURFACE = ["greeting", "about_fish", "feelings", "user_day", "life", "remember", "rude", "goodbye"]

# Replies stay inside the 40-token reply budget: at most this many characters, and this many pieces
# (words and punctuation runs, a lower bound on byte-level BPE tokens).
MAX_REPLY_CHARS = 150
MAX_REPLY_PIECES = 36
_PIECE = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]+")
_SLOT = re.compile(r"\{([^{}]*)\}")
_SPACES = re.compile(r"\s+")
_MAX_TRIES = 40


@dataclass(frozen=True)
class Split:
    train: list[dict]
    test: list[dict]


def family_names() -> list[str]:
    """Every reply family, ``<component>/<frame index>``."""
    return [f"{c}/{i:02d}" for c in COMPONENTS for i in range(len(reply_data.FRAMES[c]))]


class _Composer:
    """Expands ``{slot}`` and ``{a|b}`` notation from a set of pools with one random stream."""

    def __init__(self, pools: dict[str, list[str]], rng: random.Random):
        self.pools = pools
        self.rng = rng
        self.extra: dict[str, list[str]] = {}
        self.picked: dict[str, str] = {}  # the last entry drawn from each named pool

    def _pick(self, match: re.Match[str]) -> str:
        body = match.group(1)
        if "|" in body:
            return self.rng.choice(body.split("|"))
        pool = self.extra.get(body) or self.pools.get(body)
        if pool is None:
            raise KeyError(f"no pool named {body!r}")
        choice = self.rng.choice(pool)
        self.picked[body] = choice
        return choice

    def expand(self, template: str) -> str:
        while "{" in template:
            template = _SLOT.sub(self._pick, template)
        return template


def _pools_for(persona: str) -> dict[str, list[str]]:
    if persona not in PERSONAS:
        raise ValueError(f"unknown persona {persona!r}; choose one of {', '.join(PERSONAS)}")
    pools = {name: list(entries) for name, entries in reply_data.POOLS.items()}
    pools.update(persona_data.OVERRIDES.get(persona, {}))
    pools.update({name: list(entries) for name, entries in input_data.POOLS.items() if name not in pools})
    return pools


# --- inputs -----------------------------------------------------------------------------------------


def _surface(text: str, rng: random.Random) -> str:
    text = rng.choice(input_data.PREFIXES) + text + rng.choice(input_data.SUFFIXES)
    roll = rng.random()
    if roll < 0.3:
        text = text[:1].upper() + text[1:]
    elif roll < 0.36:
        text = text.replace("you", "u").replace("are ", "r ")
    return text


def _make_input(category: str, inputs: _Composer) -> tuple[str, str]:
    """A message of ``category``; returns (message, the base category whose reaction fits it).
    ``inputs.picked`` keeps the words drawn into it (a food, a name...) for the reply to echo."""
    rng = inputs.rng
    inputs.picked = {}
    if category == "rambling":
        count = rng.randint(4, 9)
        parts = [inputs.expand(rng.choice(input_data.RAMBLE_CLAUSES)) for _ in range(count)]
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(input_data.RAMBLE_JOINS) + part
        if len(text) > MAX_INPUT_CHARS:
            text = text[:MAX_INPUT_CHARS].rsplit(" ", 1)[0]
        return _surface(text, rng)[:MAX_INPUT_CHARS].strip(), category
    if category == "other_language":
        text = rng.choice(input_data.FOREIGN)
        if rng.random() < 0.3:
            text += " " + rng.choice(input_data.EMOJI)
        return text, category
    if category in ("shouting", "emoji"):
        base = inputs.expand(rng.choice(input_data.INPUTS[rng.choice(_BASE_FOR_SURFACE)]))
        if category == "shouting":
            return (base.upper() + rng.choice(["", "!", "!!!", "?!", " !!"])), category
        if rng.random() < 0.25:
            return "".join(rng.choice(input_data.EMOJI) for _ in range(rng.randint(1, 4))), category
        emoji = "".join(rng.choice(input_data.EMOJI) for _ in range(rng.randint(1, 3)))
        text = f"{emoji} {base}" if rng.random() < 0.4 else f"{_surface(base, rng)} {emoji}"
        return text, category
    return _surface(inputs.expand(rng.choice(input_data.INPUTS[category])), rng).strip(), category


# --- replies ----------------------------------------------------------------------------------------


def _cut(composer: _Composer) -> str:
    """An image sentence cut off after a few words: the fish forgets mid-sentence."""
    words = composer.expand("{img}").split()
    keep = composer.rng.randint(3, max(3, len(words) - 1))
    return " ".join(words[:keep]).rstrip(",.")


def _compose_reply(
    frame: str, category: str, persona: str, flags: dict, composer: _Composer, heard: dict[str, str]
) -> str:
    rng = composer.rng
    composer.extra = {}
    question, forgets = flags["question"], flags["forgets"]
    reaction_pool = composer.pools[f"r_{category}"]
    echo: dict[str, list[str]] = {}
    if category in ECHO_CATEGORIES and rng.random() < ECHO_RATE:
        # answer a word of the message itself: "i made pancakes" -> "pancakes sound tasty..."
        words = sorted(key for key in heard if f"echo_{key}" in composer.pools)
        if words:
            key = rng.choice(words)
            reaction_pool = composer.pools[f"echo_{key}"]
            echo = {key: [heard[key]]}
    questions = composer.pools["end_q"]
    if category in reply_data.CATEGORY_QUESTIONS and rng.random() < 0.4 and persona == "default":
        questions = reply_data.CATEGORY_QUESTIONS[category]
    forget = composer.pools["forget_q" if question else "forget_s"]
    end = questions if question else composer.pools["end_s"]
    if forgets and "{end}" in frame:
        frame = frame.replace("{end}", "{cut}... {forget}")
    if persona != "default" and rng.random() < persona_data.PERSONA_LINE_RATE:
        line = rng.choice(persona_data.PERSONA_LINES[persona])
        frame = frame.replace("{end}", line + ". {end}").replace("{forget}", "{forget} " + line + ".")
    composer.extra = {"r": reaction_pool, "end": end, "forget": forget, "cut": [_cut(composer)], **echo}
    text = composer.expand(frame)
    if flags["interjection"]:
        if rng.random() < OPENER_SHARE:
            text = rng.choice(reply_data.OPENERS) + text
        else:
            text = text + rng.choice(reply_data.CLOSERS)
    return _SPACES.sub(" ", text.lower()).strip()


def _tidy(text: str) -> str:
    # "..." survives; accidental doubled full stops, ",." or a space before punctuation do not
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text).replace(",.", ".").replace(",...", "...")
    return re.sub(r"\s+([,.!?])", r"\1", text)


def _weighted(rng: random.Random, names: list[str], weights: list[float]) -> str:
    return rng.choices(names, weights=weights, k=1)[0]


def generate_samples(target: int, seed: int = 0, persona: str = "default") -> list[dict]:
    """``target`` valid, distinct exchanges, deterministic for ``seed`` and ``persona``."""
    pools = _pools_for(persona)
    rng = random.Random(f"glub/{seed}/{persona}")
    composer = _Composer(pools, rng)
    inputs = _Composer(input_data.POOLS, rng)
    components = list(COMPONENT_WEIGHTS)
    component_weights = [COMPONENT_WEIGHTS[c] for c in components]
    categories = list(CATEGORY_WEIGHTS)
    category_weights = [CATEGORY_WEIGHTS[c] for c in categories]
    total_weight = sum(component_weights)
    made = dict.fromkeys(components, 0)
    seen: set[str] = set()
    samples: list[dict] = []
    while len(samples) < target:
        # the component furthest behind its share goes next, so the mix is exact at any size
        component = max(components, key=lambda c: COMPONENT_WEIGHTS[c] / total_weight * (len(samples) + 1) - made[c])
        index = rng.randrange(len(reply_data.FRAMES[component]))
        frame = reply_data.FRAMES[component][index]
        category = _weighted(rng, categories, category_weights)
        message, reaction = _make_input(category, inputs)
        flags = {
            "question": rng.random() < QUESTION_RATE,
            "interjection": rng.random() < INTERJECTION_RATE,
            "forgets": component != "obligatory_forgetting" and rng.random() < EXTRA_FORGETTING_RATE,
        }
        for _ in range(_MAX_TRIES):
            output = _tidy(_compose_reply(frame, reaction, persona, flags, composer, inputs.picked))
            sample = {
                "input": message,
                "output": output,
                "category": category,
                "component": component,
                "family": f"{component}/{index:02d}",
            }
            if (
                output not in seen
                and len(output) <= MAX_REPLY_CHARS
                and len(_PIECE.findall(output)) <= MAX_REPLY_PIECES
                and not validate_sample(sample)
            ):
                seen.add(output)
                samples.append(sample)
                made[component] += 1
                break
    rng.shuffle(samples)
    return samples


# --- the split and files ----------------------------------------------------------------------------


def _family_rank(family: str) -> int:
    return int.from_bytes(hashlib.sha256(family.encode()).digest()[:8], "big")


def is_test_family(family: str, test_fraction: float = 0.1) -> bool:
    """A stable, seed-free coin for one family: hash the family name into [0, 1)."""
    return _family_rank(family) / 2**64 < test_fraction


def held_out_families(samples: list[dict], test_fraction: float = 0.1) -> set[str]:
    """Families held out for test: within each component, whole families in a fixed hash order until
    their samples come closest to ``test_fraction`` of that component (at least one family each where
    the component has two or more)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sample in samples:
        counts[sample.get("component", "")][sample["family"]] += 1
    held: set[str] = set()
    for families in counts.values():
        total = sum(families.values())
        goal = test_fraction * total
        taken = 0
        for family in sorted(families, key=_family_rank):
            size = families[family]
            if len(families) < 2:
                break
            if taken == 0 or abs(taken + size - goal) < abs(taken - goal):
                if taken and taken + size > total - min(families.values()):
                    break
                held.add(family)
                taken += size
            if taken >= goal:
                break
    return held


def split_by_family(samples: list[dict], test_fraction: float = 0.1) -> Split:
    """Train and test by family (see ``held_out_families``); a test sample whose output also occurs in
    train is dropped, so no test reply is ever trained on."""
    held = held_out_families(samples, test_fraction)
    train = [s for s in samples if s["family"] not in held]
    seen = {s["output"] for s in train}
    test = [s for s in samples if s["family"] in held and s["output"] not in seen]
    if not train or not test:
        raise ValueError("the split left train or test empty; use more samples or families")
    return Split(train, test)


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


def write_dataset(
    out_dir: Path, target: int, seed: int = 0, persona: str = "default", test_fraction: float = 0.1
) -> Split:
    """``train.jsonl`` and ``test.jsonl`` in ``out_dir``, split by template family."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    split = split_by_family(generate_samples(target, seed, persona), test_fraction)
    write_jsonl(out_dir / "train.jsonl", split.train)
    write_jsonl(out_dir / "test.jsonl", split.test)
    return split
