"""Test perplexity of an exported graph, measured on the file itself, reply tokens only."""

from __future__ import annotations

import math

import numpy as np

from engine_py.chat import build_training_sample
from engine_py.tokenizer import Tokenizer
from export.runtime import OnnxStepModel


def log_softmax_at(logits: np.ndarray, index: int) -> float:
    top = float(logits.max())
    return float(logits[index]) - top - math.log(float(np.exp(logits - top).sum()))


def onnx_test_loss(model: OnnxStepModel, tokenizer: Tokenizer, samples: list[dict]) -> float:
    """Mean cross-entropy of the reply tokens and <eos>, fed through the KV cache one token at a time.

    The graph only returns the last position's logits, so each reply token costs one step —
    exactly the path the page takes.
    """
    total, count = 0.0, 0
    for sample in samples:
        ids, reply_start = build_training_sample(tokenizer.encode(sample["input"]), tokenizer.encode(sample["output"]))
        model.reset()
        logits = model.run(ids[:reply_start])
        for position in range(reply_start, len(ids)):
            total -= log_softmax_at(logits, ids[position])
            count += 1
            if position + 1 < len(ids):
                logits = model.run([ids[position]])
    return total / max(1, count)
