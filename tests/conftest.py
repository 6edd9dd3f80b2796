"""Shared, session-scoped artifacts: one small dataset, one tokenizer, one tiny trained model."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory) -> Path:
    from trainer.data import write_dataset

    folder = tmp_path_factory.mktemp("data")
    write_dataset(folder, target=3000, seed=1)
    return folder


@pytest.fixture(scope="session")
def tokenizer_path(dataset_dir: Path) -> Path:
    from trainer.tokenizer import train_tokenizer_file

    return train_tokenizer_file([dataset_dir / "train.jsonl"], dataset_dir / "tokenizer.json")


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory, dataset_dir: Path, tokenizer_path: Path) -> Path:
    """A `tiny` model trained for a few epochs through the real CLI."""
    from trainer.__main__ import main

    out = tmp_path_factory.mktemp("runs") / "tiny"
    code = main([
        "train", "--data", str(dataset_dir), "--tokenizer", str(tokenizer_path), "--out", str(out),
        "--preset", "tiny", "--epochs", "3", "--batch-size", "32", "--lr", "3e-3",
    ])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def exported_model(tmp_path_factory, tiny_checkpoint: Path, dataset_dir: Path) -> Path:
    """The tiny checkpoint through `python -m export`: a folder with manifest, INT8 graph, tokenizer."""
    from export.__main__ import main

    out = tmp_path_factory.mktemp("models")
    code = main([
        "--checkpoint", str(tiny_checkpoint), "--out", str(out), "--data", str(dataset_dir),
        "--eval-samples", "100",
    ])
    assert code == 0
    return out
