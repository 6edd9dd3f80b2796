"""``python -m export bench``: reply latency of our KV-cache graph against the reference project's way.

The reference way feeds the whole growing sequence to a cache-less graph for every new token.
Both graphs hold the same (random, seeded) weights and are quantized the same way; each reply is a
20-token prompt plus 40 greedy tokens, timed in the same process, alternating, one thread.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from torch import nn

from export.onnx_export import OPSET, export_onnx
from export.quantize import quantize_4bit, quantize_int8
from export.runtime import OnnxStepModel
from trainer.model import GlubModel, preset

PROMPT_TOKENS = 20
NEW_TOKENS = 40


class FullWindowGraph(nn.Module):
    """No cache: every call reads the whole sequence and returns the last position's logits."""

    def __init__(self, model: GlubModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        logits, _, _ = self.model(input_ids, last_only=True)
        return logits


def export_full_window(model: GlubModel, path: Path) -> Path:
    with torch.no_grad():
        torch.onnx.export(
            FullWindowGraph(model).eval(), (torch.tensor([[5, 6, 7]], dtype=torch.int32),), str(path),
            input_names=["input_ids"], output_names=["logits"], dynamic_axes={"input_ids": {1: "time"}},
            opset_version=OPSET, dynamo=False,
        )
    return path


def session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def kv_reply(model: OnnxStepModel, prompt: list[int]) -> list[int]:
    model.reset()
    out, logits = [], model.run(prompt)
    for _ in range(NEW_TOKENS):
        out.append(int(logits.argmax()))
        if len(out) < NEW_TOKENS:
            logits = model.run([out[-1]])
    return out


def naive_reply(graph: ort.InferenceSession, prompt: list[int]) -> list[int]:
    sequence = list(prompt)
    for _ in range(NEW_TOKENS):
        (logits,) = graph.run(None, {"input_ids": np.array([sequence], dtype=np.int32)})
        sequence.append(int(logits[0].argmax()))
    return sequence[len(prompt):]


def timed_ms(reply, graph, prompt: list[int]) -> float:
    started = time.perf_counter()
    reply(graph, prompt)
    return (time.perf_counter() - started) * 1000


QUANTIZERS = {"fp32": None, "int8": quantize_int8, "q4": quantize_4bit}


def seeded_model(preset_name: str) -> GlubModel:
    """The preset with random weights, the same every run (benchmarks need no trained model)."""
    torch.manual_seed(0)
    return GlubModel(preset(preset_name)).eval()


def bench_prompt() -> list[int]:
    """A chat-shaped prompt of PROMPT_TOKENS ids: ``<bos> <user> ... <fish>``."""
    return [1, 3, *range(100, 100 + PROMPT_TOKENS - 3), 4]


def export_pairs(
    model: GlubModel, variants: list[str], folder: Path, fused: bool = True
) -> Iterator[tuple[str, Path, Path]]:
    """(variant, KV-cache graph, cache-less graph) for each variant, both quantized the same way.

    The KV graph is the shipped export (``fused=False``: the traced graph it replaced); the
    cache-less one is the reference project's way, traced from the same forward without a cache.
    A generator, so each variant's files are written just before they are timed."""
    kv_fp32 = export_onnx(model, folder / "kv.fp32.onnx", fused=fused)
    naive_fp32 = export_full_window(model, folder / "naive.fp32.onnx")
    for variant in variants:
        quantize = QUANTIZERS[variant]
        if quantize is None:
            yield variant, kv_fp32, naive_fp32
        else:
            yield (variant, quantize(kv_fp32, folder / f"kv.{variant}.onnx"),
                   quantize(naive_fp32, folder / f"naive.{variant}.onnx"))


def bench_preset(preset_name: str, variants: list[str], repeats: int, log=print, fused: bool = True) -> list[dict]:
    model = seeded_model(preset_name)
    prompt = bench_prompt()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for variant, kv_path, naive_path in export_pairs(model, variants, Path(work), fused=fused):
            kv, naive = OnnxStepModel(kv_path), session(naive_path)
            same = kv_reply(kv, prompt) == naive_reply(naive, prompt)  # warm-up, and a check
            kv_times, naive_times = [], []
            for _ in range(repeats):  # alternate so noise hits both alike
                kv_times.append(timed_ms(kv_reply, kv, prompt))
                naive_times.append(timed_ms(naive_reply, naive, prompt))
            kv_ms, naive_ms = statistics.median(kv_times), statistics.median(naive_times)
            row = {
                "preset": preset_name, "variant": variant, "parameters": model.num_parameters(),
                "file_mb": kv_path.stat().st_size / 1e6, "kv_ms": kv_ms, "naive_ms": naive_ms,
                "kv_ms_per_token": kv_ms / NEW_TOKENS, "speedup": naive_ms / kv_ms, "same_tokens": same,
            }
            rows.append(row)
            log(
                f"{preset_name:8s} {variant:5s} {row['file_mb']:7.2f} MB  KV {kv_ms:8.1f} ms "
                f"({row['kv_ms_per_token']:.2f} ms/token)  naive {naive_ms:8.1f} ms  {row['speedup']:.2f}x"
                f"{'' if same else '  (greedy tokens differ between the graphs)'}"
            )
    return rows


def run_bench(presets: list[str], variants: list[str], repeats: int = 5, log=print, fused: bool = True) -> list[dict]:
    log(f"reply = {PROMPT_TOKENS}-token prompt + {NEW_TOKENS} greedy tokens, onnxruntime "
        f"{ort.__version__} CPU, 1 thread, median of {repeats}, {'fused' if fused else 'traced'} KV graph")
    return [row for name in presets for row in bench_preset(name, variants, repeats, log, fused)]
