"""Quantized variants: the tied table stored once, the 4-bit graph, and the gates that guard shipping."""

import json

import numpy as np
import onnx
import pytest

from engine_py.tokenizer import Tokenizer
from export.gates import gate_failures
from export.onnx_export import export_onnx
from export.parity import parity_prompts, token_agreement
from export.quantize import quantize_4bit, quantize_int8
from export.runtime import OnnxStepModel
from trainer.checkpoint import load_checkpoint

MESSAGES = ["hello", "how are you", "do you remember me", "HELLO FISH", "what do you eat"]


@pytest.fixture(scope="module")
def fp32_path(tiny_checkpoint, tmp_path_factory):
    model, _ = load_checkpoint(tiny_checkpoint)
    return export_onnx(model, tmp_path_factory.mktemp("q") / "fp32.onnx")


def tables_of_vocab_size(path, vocab=5120):
    model = onnx.load(str(path))
    return [t.name for t in model.graph.initializer if vocab in t.dims]


def agreement_with_fp32(fp32_path, path, tokenizer):
    prompts = parity_prompts(tokenizer, MESSAGES)
    fp32, quantized = OnnxStepModel(fp32_path), OnnxStepModel(path)
    return token_agreement(fp32, quantized, prompts)


def test_int8_stores_the_tied_embedding_once(fp32_path, tmp_path, tiny_checkpoint):
    assert len(tables_of_vocab_size(fp32_path)) == 2  # the exporter writes the head's copy
    path = quantize_int8(fp32_path, tmp_path / "int8.onnx")
    assert len(tables_of_vocab_size(path)) == 1
    tokenizer = Tokenizer.from_file(tiny_checkpoint / "tokenizer.json")
    assert agreement_with_fp32(fp32_path, path, tokenizer) >= 0.9


def test_int8_logits_stay_close_to_fp32(fp32_path, tmp_path):
    reference = OnnxStepModel(fp32_path).run([1, 3, 40, 41, 42, 4])
    quantized = OnnxStepModel(quantize_int8(fp32_path, tmp_path / "int8.onnx")).run([1, 3, 40, 41, 42, 4])
    assert np.corrcoef(reference, quantized)[0, 1] > 0.99


def test_4bit_variant_uses_matmulnbits_and_runs_the_cache_loop(fp32_path, tmp_path, tiny_checkpoint):
    path = quantize_4bit(fp32_path, tmp_path / "q4.onnx")
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    assert "MatMulNBits" in ops
    assert len(tables_of_vocab_size(path)) == 1
    model = OnnxStepModel(path)
    logits = model.run([1, 3, 40, 4])
    assert np.isfinite(logits).all() and model.run([50]).shape == (5120,)
    tokenizer = Tokenizer.from_file(tiny_checkpoint / "tokenizer.json")
    assert agreement_with_fp32(fp32_path, path, tokenizer) > 0.5


def test_gates_refuse_worse_perplexity_or_low_agreement_but_not_better_perplexity():
    assert gate_failures("int8", 0.95, 10.0, 10.2) == []
    assert gate_failures("int8", 0.95, 10.0, 9.0) == []  # better than fp32 is fine
    assert "perplexity" in gate_failures("int8", 0.95, 10.0, 10.4)[0]
    assert "agreement" in gate_failures("int8", 0.85, 10.0, 10.0)[0]
    assert gate_failures("q4", 0.5, 10.0, 10.5) == []
    assert gate_failures("q4", 0.5, 10.0, 10.7)


def test_export_refuses_a_variant_that_fails_its_gate(tiny_checkpoint, dataset_dir, tmp_path, monkeypatch, capsys):
    from export import gates
    from export.__main__ import main

    monkeypatch.setitem(gates.GATES, "q4", gates.Gate(max_perplexity_increase=0.06, min_agreement=1.01))
    out = tmp_path / "models"
    code = main(["--checkpoint", str(tiny_checkpoint), "--out", str(out), "--data", str(dataset_dir),
                 "--eval-samples", "50", "--variants", "int8", "q4"])
    assert code == 2
    assert "q4 refused" in capsys.readouterr().out
    assert not (out / "glub.q4.onnx").exists() and not (out / "manifest.q4.json").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["quantization"] == "int8" and (out / manifest["files"]["model"]["path"]).is_file()


def test_inference_bench_times_kv_cache_against_the_naive_loop():
    from export.bench import bench_preset

    lines = []
    (row,) = bench_preset("tiny", ["fp32"], repeats=1, log=lines.append)
    assert row["kv_ms"] > 0 and row["naive_ms"] > 0 and row["speedup"] == row["naive_ms"] / row["kv_ms"]
    assert row["same_tokens"] is True  # the two graphs hold the same weights
    assert "ms/token" in lines[-1]
