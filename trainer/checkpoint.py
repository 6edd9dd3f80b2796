"""Checkpoints on disk: safetensors weights + a JSON config, each written atomically.

Nothing is ever loaded with pickle.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from engine_py.digest import sha256_file
from trainer.model import GlubModel, ModelConfig

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
TOKENIZER = "tokenizer.json"


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def save_checkpoint(out_dir: Path, model: GlubModel, info: dict) -> None:
    """Weights then config; the config is written last, so its presence marks a whole checkpoint."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # The LM head is tied to the embedding, so the weights hold it once.
    tensors = {name: t.detach().contiguous().cpu() for name, t in model.state_dict().items()}
    tmp = out_dir / (WEIGHTS + ".tmp")
    save_file(tensors, str(tmp))
    os.replace(tmp, out_dir / WEIGHTS)
    write_json_atomic(out_dir / CONFIG, {"model": model.config.to_dict(), **info})


def load_checkpoint(path: Path, device: str = "cpu") -> tuple[GlubModel, dict]:
    """A model and its info from a checkpoint folder; a clear ValueError when something is off."""
    config_path, weights_path = path / CONFIG, path / WEIGHTS
    if not config_path.is_file() or not weights_path.is_file():
        raise ValueError(f"not a checkpoint folder (needs {CONFIG} and {WEIGHTS}): {path}")
    try:
        info = json.loads(config_path.read_text(encoding="utf-8"))
        config = ModelConfig(**info["model"])
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"malformed checkpoint config {config_path}: {error}") from None
    model = GlubModel(config)
    try:
        model.load_state_dict(load_file(str(weights_path), device=device))
    except Exception as error:  # safetensors raises several types for a damaged file
        raise ValueError(f"cannot load weights {weights_path}: {error}") from None
    tokenizer_path = path / TOKENIZER
    expected = info.get("tokenizer_sha256")
    if expected and tokenizer_path.is_file() and sha256_file(tokenizer_path) != expected:
        raise ValueError(f"{tokenizer_path} does not match the tokenizer this checkpoint was trained with")
    return model.to(device).eval(), info


def pick_device(requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"
