"""``python -m trainer bench``: our training step against the reference project's plain loop.

The plain loop pads every sample to the full window and computes the head and the loss at every
position. Ours buckets samples by length and runs the head only where there is a target. Both
train the same model from the same weights on the same samples in the same process, in
alternating rounds so that machine noise hits both alike; the figure to quote is the ratio.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

from engine_py.chat import PAD_ID
from trainer.batching import FULL_WINDOW, IGNORE, Encoded, collate, epoch_batches, padding_fraction
from trainer.model import GlubModel, preset
from trainer.train import TrainSettings, encode_file, load_tokenizer, make_optimizer

Step = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def plain_step(model: GlubModel) -> Step:
    def loss(inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        logits, _, _ = model(inputs)
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=IGNORE)

    return loss


def our_step(model: GlubModel) -> Step:
    return lambda inputs, targets: model(inputs, targets=targets)


def timed_steps(model: GlubModel, step: Step, samples: list[Encoded], batches, width: int | None) -> tuple[float, int]:
    """Seconds spent and useful (non-pad) tokens seen over ``batches``."""
    optimizer = make_optimizer(model, TrainSettings())
    seconds, useful = 0.0, 0
    for indices in batches:
        inputs, targets = collate(samples, indices, width)
        started = time.perf_counter()
        loss = step(inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        seconds += time.perf_counter() - started
        useful += int((inputs != PAD_ID).sum())
    return seconds, useful


def run_bench(preset_name: str, data_file: Path, tokenizer_path: Path, steps: int = 30, rounds: int = 3,
              batch_size: int = 64, seed: int = 0, log=print) -> dict:
    torch.manual_seed(seed)
    samples = encode_file(data_file, load_tokenizer(tokenizer_path), "reply")
    lengths = [len(s.inputs) for s in samples]
    ours_batches = epoch_batches(lengths, batch_size, seed, 0)[: steps * rounds]
    # The plain loop sees the same samples, in random (unbucketed) batches padded to the window.
    flat = [i for batch in ours_batches for i in batch]
    random.Random(seed).shuffle(flat)
    plain_batches = [flat[i : i + batch_size] for i in range(0, len(flat), batch_size)]

    base = GlubModel(preset(preset_name))
    plain_model, bucketed_model, our_model = (copy.deepcopy(base).train() for _ in range(3))
    totals = {"plain": [0.0, 0], "bucketed": [0.0, 0], "ours": [0.0, 0]}
    for r in range(rounds):
        part = slice(r * steps, (r + 1) * steps)
        # "bucketed" is ours without the reply-only head: it splits the gain between the two changes.
        for name, model, step, batches, width in (
            ("plain", plain_model, plain_step(plain_model), plain_batches[part], FULL_WINDOW),
            ("bucketed", bucketed_model, plain_step(bucketed_model), ours_batches[part], None),
            ("ours", our_model, our_step(our_model), ours_batches[part], None),
        ):
            seconds, useful = timed_steps(model, step, samples, batches, width)
            totals[name][0] += seconds
            totals[name][1] += useful
            log(f"round {r + 1}/{rounds} {name:8s} {useful / seconds:10,.0f} useful tok/s")
    plain_rate, bucketed_rate, our_rate = (totals[k][1] / totals[k][0] for k in ("plain", "bucketed", "ours"))
    result = {
        "preset": preset_name, "steps": steps * rounds, "batch_size": batch_size, "threads": torch.get_num_threads(),
        "plain_tokens_per_s": plain_rate, "bucketed_tokens_per_s": bucketed_rate,
        "ours_tokens_per_s": our_rate, "ratio": our_rate / plain_rate,
        "plain_padding": padding_fraction(samples, plain_batches, FULL_WINDOW),
        "ours_padding": padding_fraction(samples, ours_batches),
    }
    log(
        f"{preset_name}: ours {our_rate:,.0f} vs plain {plain_rate:,.0f} useful tok/s = {result['ratio']:.2f}x "
        f"(padding {result['ours_padding']:.1%} vs {result['plain_padding']:.1%}); "
        f"bucketing alone {bucketed_rate / plain_rate:.2f}x, the reply-only head {our_rate / bucketed_rate:.2f}x more"
    )
    return result
