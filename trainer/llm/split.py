"""train.jsonl / test.jsonl from the LLM samples, split by topic (DESIGN.md): whole topics are held out,
so the test set asks about things the model never saw, and no test reply appears in train."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trainer.llm.store import normalize


@dataclass
class Split:
    train: list[dict]
    test: list[dict]
    test_topics: list[str]


def split_by_topic(samples: Sequence[dict], seed: int, test_share: float = 0.1) -> Split:
    topics = sorted({s.get("topic", "") for s in samples})
    n_test = max(1, round(len(topics) * test_share)) if len(topics) > 1 else 0
    held = set(random.Random(seed).sample(topics, n_test))
    train = [s for s in samples if s.get("topic", "") not in held]
    seen = {normalize(s["output"]) for s in train}
    test = [s for s in samples if s.get("topic", "") in held and normalize(s["output"]) not in seen]
    return Split(train, test, sorted(held))


def write_jsonl(path: Path, samples: Sequence[dict]) -> None:
    """Whole file or nothing: written beside the target, then renamed over it."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for sample in samples:
            f.write(json.dumps(sample, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_split(samples: Sequence[dict], out_dir: Path, seed: int, test_share: float = 0.1) -> Split:
    split = split_by_topic(samples, seed, test_share)
    write_jsonl(Path(out_dir) / "train.jsonl", split.train)
    write_jsonl(Path(out_dir) / "test.jsonl", split.test)
    return split
