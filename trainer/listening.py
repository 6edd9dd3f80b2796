"""Does the fish listen? Two automatic measures on held-out data (the blind judge is the final one).

- The listening ratio: PPL(reply | another sample's message) / PPL(reply | its own message). A model
  that ignores the message scores about 1; one whose replies depend on what was said scores higher.
  The other message always comes from another situation, so the swap really changes the topic.
- Situation accuracy: generate a reply to a held-out phrasing, find the corpus situation whose replies
  are most like it (TF-IDF cosine over words), and count how often that is the phrasing's own.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable

from trainer.corpus import Situation
from trainer.persona import words

LossFn = Callable[[list[dict]], float]  # mean reply-token cross-entropy of samples


def _situation(sample: dict) -> str:
    return sample.get("situation", sample.get("family", ""))


def swap_messages(samples: list[dict], seed: int = 0) -> list[dict]:
    """Each sample with the message of another sample from a different situation (a seeded draw)."""
    rng = random.Random(f"swap/{seed}")
    if len({_situation(s) for s in samples}) < 2:
        raise ValueError("swapping messages needs samples from at least two situations")
    swapped = []
    for sample in samples:
        while True:
            other = samples[rng.randrange(len(samples))]
            if _situation(other) != _situation(sample):
                break
        swapped.append({**sample, "input": other["input"]})
    return swapped


def listening_ratio(loss: LossFn, samples: list[dict], seed: int = 0) -> dict:
    """Perplexity of the replies after their own messages and after swapped ones, and their ratio."""
    own = loss(samples)
    other = loss(swap_messages(samples, seed))
    return {
        "samples": len(samples),
        "own_perplexity": round(math.exp(own), 3),
        "swapped_perplexity": round(math.exp(other), 3),
        "ratio": round(math.exp(other - own), 3),
    }


def pick(samples: list[dict], limit: int, seed: int = 0) -> list[dict]:
    """At most ``limit`` samples, a seeded draw that keeps the file's order."""
    if len(samples) <= limit:
        return list(samples)
    chosen = sorted(random.Random(f"pick/{seed}").sample(range(len(samples)), limit))
    return [samples[i] for i in chosen]


class SituationIndex:
    """TF-IDF vectors of each situation's written replies (slots left as their names)."""

    def __init__(self, situations: list[Situation]):
        bags = {s.id: Counter(words(" ".join(s.replies))) for s in situations}
        documents = Counter(word for bag in bags.values() for word in bag)
        self.idf = {word: math.log(len(bags) / count) for word, count in documents.items()}
        self.vectors = {name: self._normalise(bag) for name, bag in bags.items()}

    def _normalise(self, bag: Counter) -> dict[str, float]:
        vector = {w: (1 + math.log(c)) * self.idf.get(w, 0.0) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    def ranked(self, text: str) -> list[tuple[float, str]]:
        """Situations by similarity to ``text``, best first."""
        vector = self._normalise(Counter(words(text)))
        scores = [(sum(vector[w] * other.get(w, 0.0) for w in vector), name) for name, other in self.vectors.items()]
        return sorted(scores, reverse=True)

    def nearest(self, text: str) -> str:
        return self.ranked(text)[0][1]


def situation_accuracy(
    reply_to: Callable[[str, int], str], samples: list[dict], index: SituationIndex, seeds: int = 1
) -> dict:
    """Share of generated replies whose nearest situation is their message's own (top 1 and top 5).
    ``reply_to(message, seed)`` is the generation loop the page uses."""
    top1 = top5 = total = 0
    for sample in samples:
        for seed in range(seeds):
            ranked = [name for _, name in index.ranked(reply_to(sample["input"], seed))[:5]]
            top1 += ranked[0] == sample["situation"]
            top5 += sample["situation"] in ranked
            total += 1
    return {
        "replies": total,
        "top1_pct": round(100 * top1 / max(1, total), 1),
        "top5_pct": round(100 * top5 / max(1, total), 1),
        "chance_pct": round(100 / max(1, len(index.vectors)), 2),
    }
