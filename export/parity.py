"""Checks that an exported graph computes what the torch model computes."""

from __future__ import annotations

import numpy as np
import torch

from engine_py.chat import build_prompt
from engine_py.sampler import argmax
from export.runtime import OnnxStepModel
from trainer.model import GlubModel

PARITY_TOLERANCE = 1e-4


@torch.no_grad()
def max_logit_difference(
    model: GlubModel, onnx_model: OnnxStepModel, prompts: list[list[int]], steps: int = 8
) -> float:
    """Largest |torch - onnx| logit over each prompt's prefill and ``steps`` cached one-token steps.

    The torch side recomputes the whole sequence each time, so this also checks the cache.
    """
    model.eval()
    worst = 0.0
    for prompt in prompts:
        onnx_model.reset()
        sequence = list(prompt)
        logits = onnx_model.run(sequence)
        for _ in range(steps):
            reference, _, _ = model(torch.tensor([sequence]), last_only=True)
            worst = max(worst, float(np.abs(logits - reference[0].numpy()).max()))
            token = int(reference[0].argmax())
            if len(sequence) + 1 > model.config.max_context:
                break
            sequence.append(token)
            logits = onnx_model.run([token])
    return worst


def greedy_tokens(model, prompt: list[int], new_tokens: int) -> list[int]:
    """Greedy continuation through a ``StepModel`` (its cache) — compared across implementations."""
    model.reset()
    out: list[int] = []
    logits = model.forward(prompt)
    for _ in range(new_tokens):
        token = argmax(logits)
        out.append(token)
        logits = model.forward([token])
    return out


def token_agreement(reference_model, candidate_model, prompts: list[list[int]], new_tokens: int = 16) -> float:
    """Share of greedy steps where the candidate picks the reference's token, given the same prefix.

    The reference decodes greedily; the candidate reads the reference's tokens (teacher forcing), so
    one early difference does not count against every later step.
    """
    same = total = 0
    for prompt in prompts:
        reference = greedy_tokens(reference_model, prompt, new_tokens)
        candidate_model.reset()
        logits = candidate_model.forward(prompt)
        for token in reference:
            same += argmax(logits) == token
            total += 1
            logits = candidate_model.forward([token])
    return same / max(1, total)


def parity_prompts(tokenizer, messages: list[str]) -> list[list[int]]:
    return [build_prompt(tokenizer.encode(message)) for message in messages]
