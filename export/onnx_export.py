"""ONNX export with a KV cache: one graph serves the prefill and every one-token step.

Inputs:  input_ids int32 [1, T]; past_keys, past_values float32 [L, 1, H, P, D] (P = 0 for the prefill)
Outputs: logits float32 [1, V] (last position only); present_keys, present_values [L, 1, H, P+T, D]
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import nn

from trainer.model import GlubModel

INPUT_NAMES = ["input_ids", "past_keys", "past_values"]
OUTPUT_NAMES = ["logits", "present_keys", "present_values"]
OPSET = 17


class KVCacheGraph(nn.Module):
    """The model's forward as the exported graph sees it: last-position logits plus the cache."""

    def __init__(self, model: GlubModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, past_keys: torch.Tensor, past_values: torch.Tensor):
        return self.model(input_ids, past_keys, past_values, last_only=True)


def empty_cache(model: GlubModel, past: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    c = model.config
    shape = (c.n_layer, 1, c.n_head, past, c.head_dim)
    return torch.zeros(shape), torch.zeros(shape)


def export_onnx(model: GlubModel, path: Path) -> Path:
    """Write the fp32 KV-cache graph to ``path``."""
    model = model.eval().cpu()
    # Trace with a non-empty cache so no shape is frozen at zero; P and T stay dynamic.
    ids = torch.tensor([[5, 6]], dtype=torch.int32)
    past_keys, past_values = (torch.randn_like(t) for t in empty_cache(model, past=3))
    cache_axes = {3: "past"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about the Python-side window check
        torch.onnx.export(
            KVCacheGraph(model).eval(),
            (ids, past_keys, past_values),
            str(path),
            input_names=INPUT_NAMES,
            output_names=OUTPUT_NAMES,
            dynamic_axes={
                "input_ids": {1: "new"},
                "past_keys": cache_axes,
                "past_values": cache_axes,
                "present_keys": {3: "total"},
                "present_values": {3: "total"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    return path
