"""From samples to padded batches: the chat template, the loss mask and length bucketing.

Bucketing keeps padding small: each epoch shuffles the samples, sorts each pool of
``POOL_BATCHES`` batches by length, cuts it into batches of neighbours and shuffles the batch
order. Right padding plus causal attention means no real token ever attends to a pad, and a
batch never mixes tokens across samples.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from engine_py.chat import MAX_CONTEXT, PAD_ID, build_training_sample
from trainer.model import IGNORE_INDEX as IGNORE

POOL_BATCHES = 50


@dataclass(frozen=True)
class Encoded:
    """One sample as model inputs and targets (targets shifted by one, IGNORE where no loss)."""

    inputs: list[int]
    targets: list[int]


def encode_sample(message_ids: list[int], reply_ids: list[int], loss_on: str = "reply") -> Encoded:
    """``loss_on="reply"``: the reply tokens and ``<eos>``; ``"all"``: every token after ``<bos>``."""
    ids, reply_start = build_training_sample(message_ids, reply_ids)
    if loss_on == "reply":
        targets = [IGNORE] * (reply_start - 1) + ids[reply_start:]
    elif loss_on == "all":
        targets = ids[1:]
    else:
        raise ValueError(f"loss_on must be 'reply' or 'all', got {loss_on!r}")
    return Encoded(ids[:-1], targets)


def epoch_batches(lengths: Sequence[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Sample indices for each batch of one epoch; the same (seed, epoch) always gives the same order."""
    rng = random.Random(f"{seed}:{epoch}")
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * POOL_BATCHES
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lengths.__getitem__)
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def plain_batches(count: int, batch_size: int) -> list[list[int]]:
    """Batches in file order (evaluation)."""
    return [list(range(i, min(i + batch_size, count))) for i in range(0, count, batch_size)]


def collate(samples: Sequence[Encoded], indices: Sequence[int], width: int | None = None):
    """Right-padded (inputs, targets) tensors; ``width`` pads every row to a fixed length."""
    chunk = [samples[i] for i in indices]
    width = width or max(len(s.inputs) for s in chunk)
    inputs = torch.full((len(chunk), width), PAD_ID, dtype=torch.long)
    targets = torch.full((len(chunk), width), IGNORE, dtype=torch.long)
    for row, sample in enumerate(chunk):
        inputs[row, : len(sample.inputs)] = torch.tensor(sample.inputs)
        targets[row, : len(sample.targets)] = torch.tensor(sample.targets)
    return inputs, targets


def padding_fraction(samples: Sequence[Encoded], batches: Sequence[Sequence[int]], width: int | None = None) -> float:
    """Share of computed positions that are padding."""
    computed = useful = 0
    for batch in batches:
        lengths = [len(samples[i].inputs) for i in batch]
        computed += len(batch) * (width or max(lengths))
        useful += sum(lengths)
    return 1 - useful / max(1, computed)


FULL_WINDOW = MAX_CONTEXT - 1  # inputs drop the last token of a 96-token sample
