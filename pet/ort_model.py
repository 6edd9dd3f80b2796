"""The language model on onnxruntime-web, driven from Python through Pyodide's JS FFI. Browser only.

One ONNX graph serves the prefill and every later step: ``input_ids`` [1, T] plus the past keys and
values [L, 1, H, P, D] in, the last position's ``logits`` [1, V] and the ``present_*`` caches
[L, 1, H, P+T, D] out. The caches stay JS tensors between steps — they go back into the next ``run``
as they came out and never cross into Python; only the logits do, once per step.
"""

from __future__ import annotations

from typing import Any

import js
from pyodide.ffi import to_js

# ort-web's defaults, spelled out: the wasm backend (the build ships no other), all graph rewrites.
SESSION_OPTIONS = {"executionProviders": ["wasm"], "graphOptimizationLevel": "all"}


def _js_object(values: dict[str, Any]) -> Any:
    """A plain JS object (ort reads feeds and options by property, not as a Map)."""
    return to_js(values, dict_converter=js.Object.fromEntries)


class OrtModel:
    """A KV-cached step model: ``reset()`` starts a sequence, ``await forward(ids)`` reads more of it."""

    def __init__(self, ort: Any, session: Any, n_layer: int, n_head: int, head_dim: int, max_context: int) -> None:
        self._ort = ort
        self._session = session
        self._cache_dims = (n_layer, 1, n_head, head_dim)
        self.max_context = max_context
        self.position = 0
        self._keys: Any = None
        self._values: Any = None
        # Milliseconds spent in ort's run and in copying logits into Python since ``reset``.
        self.run_ms = 0.0
        self.convert_ms = 0.0
        self.reset()

    @classmethod
    async def create(cls, ort: Any, model_bytes: Any, config: dict[str, Any]) -> OrtModel:
        """A session over ``model_bytes`` (a JS Uint8Array, already verified) with the manifest's shapes."""
        session = await ort.InferenceSession.create(model_bytes, _js_object(SESSION_OPTIONS))
        return cls(
            ort,
            session,
            n_layer=int(config["n_layer"]),
            n_head=int(config["n_head"]),
            head_dim=int(config["head_dim"]),
            max_context=int(config["max_context"]),
        )

    def _cache_tensor(self, length: int) -> Any:
        n_layer, batch, n_head, head_dim = self._cache_dims
        data = js.Float32Array.new(n_layer * batch * n_head * length * head_dim)
        return self._ort.Tensor.new("float32", data, to_js([n_layer, batch, n_head, length, head_dim]))

    def reset(self) -> None:
        """Forget the sequence: the next ``forward`` is a prefill over an empty (P = 0) cache."""
        self._keys = self._cache_tensor(0)
        self._values = self._cache_tensor(0)
        self.position = 0
        self.run_ms = self.convert_ms = 0.0

    async def forward(self, ids: list[int]) -> memoryview:
        """Read ``ids`` after what was read since ``reset``; the next token's logits (float32 memoryview)."""
        if not ids:
            raise ValueError("forward needs at least one id")
        if self.position + len(ids) > self.max_context:
            raise ValueError(f"{self.position} + {len(ids)} tokens exceed the model's {self.max_context}-token window")
        input_ids = self._ort.Tensor.new("int32", js.Int32Array.new(to_js(ids)), to_js([1, len(ids)]))
        feeds = _js_object({"input_ids": input_ids, "past_keys": self._keys, "past_values": self._values})
        started = js.performance.now()
        results = await self._session.run(feeds)
        ran = js.performance.now()
        self._keys = results.present_keys
        self._values = results.present_values
        self.position += len(ids)
        # One copy of V floats into Python (~3 us for 5,120; to_py() ~7 us); the sampler indexes it like a list.
        logits = results.logits.data.to_memoryview()
        self.run_ms += ran - started
        self.convert_ms += js.performance.now() - ran
        return logits

    async def release(self) -> None:
        await self._session.release()
