"""Talking to a checkpoint from the terminal, through the page's own template, sampler and tokenizer."""

from __future__ import annotations

from pathlib import Path

import torch

from engine_py.generate import generate_reply
from engine_py.sampler import SamplerSettings
from engine_py.tokenizer import Tokenizer
from trainer.checkpoint import TOKENIZER, load_checkpoint
from trainer.model import GlubModel


class TorchStepModel:
    """``engine_py.generate.StepModel`` over the torch model, with its KV cache."""

    def __init__(self, model: GlubModel) -> None:
        self.model = model.eval()
        self.reset()

    def reset(self) -> None:
        self.keys: torch.Tensor | None = None
        self.values: torch.Tensor | None = None

    @torch.no_grad()
    def forward(self, ids: list[int]) -> list[float]:
        device = self.model.embed.weight.device
        logits, self.keys, self.values = self.model(
            torch.tensor([ids], device=device), self.keys, self.values, last_only=True
        )
        return logits[0].tolist()


def load_chat(checkpoint: Path) -> tuple[TorchStepModel, Tokenizer]:
    model, _ = load_checkpoint(checkpoint)
    tokenizer_path = checkpoint / TOKENIZER
    if not tokenizer_path.is_file():
        raise ValueError(f"checkpoint has no {TOKENIZER}: {checkpoint}")
    return TorchStepModel(model), Tokenizer.from_file(tokenizer_path)


def reply(checkpoint: Path, message: str, settings: SamplerSettings | None = None, seed: int | None = None) -> str:
    model, tokenizer = load_chat(checkpoint)
    return generate_reply(model, tokenizer, message, settings, seed)
