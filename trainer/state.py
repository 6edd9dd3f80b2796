"""Resumable training state: weights, optimizer moments, RNG states and the place in the data.

Each save is a folder ``state/step-NNNNNNNN`` written under a temporary name and renamed into
place, so a run killed at any moment leaves the previous complete state behind. Tensors go to
safetensors, everything else to JSON: nothing is ever loaded with pickle.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

STATE_DIR = "state"
KEEP = 2


def _optimizer_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], list[dict]]:
    state = optimizer.state_dict()
    tensors = {
        f"state.{index}.{key}": value.detach().contiguous().cpu()
        for index, slots in state["state"].items()
        for key, value in slots.items()
    }
    groups = [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items()} for g in state["param_groups"]]
    return tensors, groups


def _rng_tensors() -> dict[str, torch.Tensor]:
    tensors = {"rng.torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        for index, rng in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{index}"] = rng
    return tensors


def save_training_state(out_dir: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, info: dict) -> Path:
    """Write one complete state folder and drop all but the newest ``KEEP``."""
    root = out_dir / STATE_DIR
    folder = root / f"step-{info['step']:08d}"
    tmp = root / (folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file({k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}, str(tmp / "model.safetensors"))
    tensors, groups = _optimizer_tensors(optimizer)
    save_file({**tensors, **_rng_tensors()}, str(tmp / "optimizer.safetensors"))
    (tmp / "state.json").write_text(json.dumps({**info, "param_groups": groups}, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    for old in sorted(p for p in root.glob("step-*") if not p.name.endswith(".tmp"))[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def latest_training_state(out_dir: Path) -> Path | None:
    """The newest complete state folder, or None."""
    folders = sorted(p for p in (out_dir / STATE_DIR).glob("step-*") if not p.name.endswith(".tmp"))
    return folders[-1] if folders else None


def read_state_info(folder: Path) -> dict:
    try:
        return json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"damaged training state {folder}: {error}") from None


def load_training_state(folder: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    """Restore weights, optimizer and RNG states in place; return the state's info."""
    info = read_state_info(folder)
    try:
        weights = load_file(str(folder / "model.safetensors"))
        tensors = load_file(str(folder / "optimizer.safetensors"))
    except Exception as error:  # safetensors raises several types for a damaged file
        raise ValueError(f"damaged training state {folder}: {error}") from None
    device = next(model.parameters()).device
    model.load_state_dict(weights)
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        if name.startswith("state."):
            _, index, key = name.split(".", 2)
            slots.setdefault(int(index), {})[key] = value if key == "step" else value.to(device)
    optimizer.load_state_dict({"state": slots, "param_groups": info["param_groups"]})
    torch.set_rng_state(tensors["rng.torch"])
    cuda_keys = sorted((k for k in tensors if k.startswith("rng.cuda.")), key=lambda k: int(k.rsplit(".", 1)[1]))
    cuda_states = [tensors[k] for k in cuda_keys]
    if cuda_states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda_states)
    return info
