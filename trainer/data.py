"""The offline goldfish corpus: procedural exchanges, written for this project.

Each sample is ``{"input", "output", "category", "family"}``. A *family* is one reply template;
the train/test split is by family, so no test reply shape is ever trained on (DESIGN.md).
This first generator is small on purpose; the dataset issue grows it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

WORLD = ["water", "bowl", "bubbles", "flakes", "gravel", "castle", "glass", "light", "plant", "pebble"]
FEELINGS = ["happy", "sleepy", "wobbly", "shiny", "curious", "calm", "hungry", "bubbly"]
INTERJECTIONS = ["glub.", "blub!", "oh!", "glub glub.", "ooh.", "hm."]
TIMES = ["today", "this morning", "tonight", "right now", "lately", "this week"]

# What people say to the fish, by category. {x} slots are filled from small word lists.
INPUTS: dict[str, list[str]] = {
    "greeting": ["hello", "hi there", "hey fish", "good morning", "hello little fish", "yo glub", "hiya"],
    "about_fish": [
        "what is your name", "how old are you", "what do you do all day", "are you a fish",
        "what do you eat", "do you like your bowl", "where do you live", "can you swim fast",
    ],
    "feelings": [
        "how are you", "are you happy", "do you ever get sad", "how do you feel {t}",
        "are you lonely", "what makes you happy",
    ],
    "user_day": [
        "i had a long day", "work was hard {t}", "i am tired", "i got a new job",
        "my cat knocked over a plant", "i made pancakes {t}", "it is raining outside",
    ],
    "remember": [
        "do you remember me", "what did i just say", "remember my name is sam",
        "we talked yesterday, right?", "what did we talk about before",
    ],
    "nonsense": ["asdf jkl", "banana telephone", "purple monkey dishwasher", "???", "lol", "zzz"],
    "loud": ["HELLO FISH", "WHY ARE YOU ORANGE", "ARE YOU AWAKE"],
    "emoji": ["🐟", "hi 🐠", "🍕🍕🍕", "good night 🌙"],
    "other_language": ["hola pez", "bonjour petit poisson", "hallo fisch", "ciao pesce"],
}

# Reply templates. Each string is one family; {w} {f} {i} {t} are world word, feeling, interjection, time.
REPLIES: dict[str, list[str]] = {
    "greeting": [
        "{i} hello! i was just looking at the {w}. do you like the {w} too?",
        "oh, a face at the glass! hi. i feel {f} {t}. is it nice out there?",
        "hi! welcome to my bowl. the {w} is very {f} today, i think.",
        "{i} hello friend. want to watch the bubbles with me?",
    ],
    "about_fish": [
        "i am a goldfish. i swim in circles and look at the {w}. is that a job?",
        "{i} i mostly swim and eat flakes. sometimes i stare at the castle.",
        "i live in this bowl, near the {w}. it is the best bowl i know.",
        "i think i am orange. or gold. the light keeps changing. what do you see?",
    ],
    "feelings": [
        "i feel {f}! the water is nice and the {w} is still there.",
        "{i} pretty {f}, thank you. how about you, are you {f} too?",
        "i was sad for a second but then i saw a bubble. now i am {f}.",
        "good question. i feel {f} when the light hits the {w}. do you?",
    ],
    "user_day": [
        "oh no. do you want to float for a bit? floating helps me.",
        "{i} that sounds like a lot. i would give you a flake if i could.",
        "wow. i only swam around the {w} {t}. was your day bigger than a bowl?",
        "that sounds {f}. tell me more before i forget... what was it again?",
    ],
    "remember": [
        "remember? i remember... the {w}. wait, what were we talking about?",
        "{i} i do not keep things long. my memory is about one bubble long.",
        "did we talk before? every face is a new face to me. hello!",
        "i tried to remember, but then a bubble went by. is it important?",
    ],
    "nonsense": [
        "{i} i do not know that word. is it a kind of flake?",
        "hm. that sounds like bubbles talking. i like it, i think.",
        "i tried to understand that, but i swam into the glass. what was it?",
    ],
    "loud": [
        "{i} so loud! the water shook a little. are you okay out there?",
        "whoa, big words! my fins are wobbly now. why are we shouting?",
    ],
    "emoji": [
        "ooh, a tiny picture! is it a flake? it looks {f}.",
        "{i} i cannot read pictures, but i like the colors. like the {w}.",
    ],
    "other_language": [
        "{i} i only speak bubble, but that sounded friendly. hello back!",
        "that sounds nice. is it how fish talk in other bowls?",
    ],
}


@dataclass(frozen=True)
class Split:
    train: list[dict]
    test: list[dict]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        w=rng.choice(WORLD), f=rng.choice(FEELINGS), i=rng.choice(INTERJECTIONS), t=rng.choice(TIMES)
    )


def generate_samples(target: int, seed: int = 0) -> list[dict]:
    """``target`` exchanges, deterministic for a seed."""
    rng = random.Random(seed)
    categories = sorted(REPLIES)
    samples = []
    for _ in range(target):
        category = rng.choice(categories)
        family_index = rng.randrange(len(REPLIES[category]))
        message = _fill(rng.choice(INPUTS[category]), rng)
        if rng.random() < 0.3 and category not in ("loud", "emoji"):
            message = message.capitalize() + rng.choice(["", "?", "!", "..."])
        samples.append(
            {
                "input": message,
                "output": _fill(REPLIES[category][family_index], rng),
                "category": category,
                "family": f"{category}/{family_index}",
            }
        )
    return samples


def is_test_family(family: str, test_fraction: float = 0.1) -> bool:
    """A stable, seed-free choice: hash the family name into [0, 1)."""
    digest = hashlib.sha256(family.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < test_fraction


def split_by_family(samples: list[dict], test_fraction: float = 0.1) -> Split:
    train, test = [], []
    for sample in samples:
        (test if is_test_family(sample["family"], test_fraction) else train).append(sample)
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


def write_dataset(out_dir: Path, target: int, seed: int = 0) -> Split:
    """``train.jsonl`` and ``test.jsonl`` in ``out_dir``, split by template family."""
    out_dir.mkdir(parents=True, exist_ok=True)
    split = split_by_family(generate_samples(target, seed))
    write_jsonl(out_dir / "train.jsonl", split.train)
    write_jsonl(out_dir / "test.jsonl", split.test)
    return split
