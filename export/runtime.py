"""CPython onnxruntime behind ``engine_py.generate.StepModel``: the page's loop, outside the page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort


class OnnxStepModel:
    """Runs the KV-cache graph one call per ``forward``, keeping the cache between calls."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own exception types for a bad file
            raise ValueError(f"cannot load ONNX model {path}: {error}") from None
        shape = self.session.get_inputs()[1].shape  # [L, 1, H, P, D]
        self.cache_shape = (shape[0], 1, shape[2], 0, shape[4])
        self.reset()

    def reset(self) -> None:
        self.keys = np.zeros(self.cache_shape, dtype=np.float32)
        self.values = np.zeros(self.cache_shape, dtype=np.float32)

    def run(self, ids: list[int]) -> np.ndarray:
        logits, self.keys, self.values = self.session.run(
            None,
            {"input_ids": np.array([ids], dtype=np.int32), "past_keys": self.keys, "past_values": self.values},
        )
        return logits[0]

    def forward(self, ids: list[int]) -> list[float]:
        return self.run(ids).tolist()
