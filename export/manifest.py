"""The manifest beside each shipped model: what it is, its files' sizes and SHA-256, how well it does."""

from __future__ import annotations

from pathlib import Path

from engine_py.chat import SPECIAL_TOKENS
from trainer.checkpoint import sha256_file, write_json_atomic
from trainer.model import ModelConfig

MANIFEST = "manifest.json"
FORMAT = 1


def file_entry(path: Path, folder: Path) -> dict:
    return {"path": path.relative_to(folder).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def build_manifest(
    *,
    name: str,
    preset: str,
    parameters: int,
    config: ModelConfig,
    quantization: str,
    model_path: Path,
    tokenizer_path: Path,
    test_perplexity: float | None,
    parity: dict,
) -> dict:
    folder = model_path.parent
    return {
        "format": FORMAT,
        "name": name,
        "preset": preset,
        "parameters": parameters,
        "config": {
            "vocab_size": config.vocab_size,
            "hidden": config.hidden,
            "n_layer": config.n_layer,
            "n_head": config.n_head,
            "head_dim": config.head_dim,
            "intermediate": config.intermediate,
            "max_context": config.max_context,
        },
        "special_tokens": {token: index for index, token in enumerate(SPECIAL_TOKENS)},
        "quantization": quantization,
        "io": {
            "inputs": {
                "input_ids": "int32 [1, T]",
                "past_keys": "float32 [L, 1, H, P, D]",
                "past_values": "float32 [L, 1, H, P, D]",
            },
            "outputs": {
                "logits": "float32 [1, V] (last position)",
                "present_keys": "float32 [L, 1, H, P+T, D]",
                "present_values": "float32 [L, 1, H, P+T, D]",
            },
        },
        "files": {"model": file_entry(model_path, folder), "tokenizer": file_entry(tokenizer_path, folder)},
        "test_perplexity": test_perplexity,
        "parity": parity,
    }


def write_manifest(folder: Path, manifest: dict, name: str = MANIFEST) -> Path:
    path = folder / name
    write_json_atomic(path, manifest)
    return path
