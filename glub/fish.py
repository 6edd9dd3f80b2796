"""The goldfish as a Python object: a verified model folder, a tokenizer and the engine's reply loop."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

from engine_py.chat import clean_message
from engine_py.digest import sha256_file
from engine_py.generate import ReplyGenerator
from engine_py.sampler import SamplerSettings
from engine_py.tokenizer import Tokenizer

MANIFEST = "manifest.json"


class ModelError(ValueError):
    """A model folder that is missing, damaged or not what its manifest says."""


def data_dir() -> Path:
    """The package data: ``public/`` in a checkout, ``glub_data/`` in an installed wheel.

    ``glub_data`` is a namespace package (``public/`` has no ``__init__.py``); an editable install
    adds a path hook beside the real folder, which ``importlib.resources`` cannot read, so take the
    first real directory on its path that holds the model.
    """
    spec = importlib.util.find_spec("glub_data")
    for folder in (Path(p) for p in (spec.submodule_search_locations or [])) if spec else ():
        if (folder / "models" / MANIFEST).is_file():
            return folder
    raise ModelError("the shipped model is missing from this installation (glub_data/models)")


def default_model_dir() -> Path:
    """The model that ships with the package (``public/models`` in a checkout)."""
    return data_dir() / "models"


def _verified(folder: Path, entry: dict) -> Path:
    path = folder / entry["path"]
    if not path.is_file():
        raise ModelError(f"missing model file {path}")
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        raise ModelError(f"{path} does not match its manifest (SHA-256 {digest[:12]}…, "
                         f"expected {entry['sha256'][:12]}…)")
    return path


class Fish:
    """Load a model folder (manifest + ONNX + tokenizer) and talk to it."""

    def __init__(self, model_dir: str | Path | None = None, settings: SamplerSettings | None = None,
                 seed: int | None = None, threads: int = 1) -> None:
        from export.runtime import OnnxStepModel  # onnxruntime: imported only when a fish is made

        folder = Path(model_dir) if model_dir is not None else default_model_dir()
        try:
            self.manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            files = self.manifest["files"]
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise ModelError(f"no readable {MANIFEST} in {folder}: {error}") from None
        self.tokenizer = Tokenizer.from_file(_verified(folder, files["tokenizer"]))
        self.model = OnnxStepModel(_verified(folder, files["model"]), threads=threads)
        self.settings = settings or SamplerSettings()
        self.seed = seed
        self._replies = 0

    def stream(self, message: str) -> Iterator[str]:
        """The reply, piece by piece as the model writes it."""
        text = clean_message(message)
        if not text:
            raise ValueError("say something to the fish: the message is empty")
        # Each reply gets its own seed from the fish's seed, so a seeded fish replays a whole chat.
        seed = None if self.seed is None else self.seed * 1_000_003 + self._replies
        self._replies += 1
        generator = ReplyGenerator(self.tokenizer, text, self.settings, seed)
        self.model.reset()
        while not generator.done:
            piece = generator.feed(self.model.forward(generator.pending))
            if piece:
                yield piece

    def reply(self, message: str) -> str:
        """The whole reply to ``message`` (at most 280 characters are heard; the fish keeps the end)."""
        return "".join(self.stream(message)).strip()
