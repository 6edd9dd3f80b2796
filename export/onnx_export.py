"""ONNX export with a KV cache: one graph serves the prefill and every one-token step.

Inputs:  input_ids int32 [1, T]; past_keys, past_values float32 [L, 1, H, P, D] (P = 0 for the prefill)
Outputs: logits float32 [1, V] (last position only); present_keys, present_values [L, 1, H, P+T, D]

The Llama-style ("modern") blocks are written node by node with onnxruntime's fused operators:
one ``GroupQueryAttention`` per layer (RoPE, the cache append, the causal mask and the softmax in one
kernel, over one packed QKV projection), ``SkipSimplifiedLayerNormalization`` for each residual add
plus RMSNorm, and one gate+up projection. That is about 15 nodes a layer where the traced export
keeps about 100 after onnxruntime's own fusions, and in onnxruntime-web every node costs a fixed
few microseconds a step whatever its size: in headless Chromium the fused graph's INT8 reply is
~1.5x faster on pet and ~1.1x on glub36m (docs/PERFORMANCE.md). The export still refuses a graph
whose logits differ from torch's by 1e-4 (``python -m export``), so the torch model stays the
definition. The vanilla blocks of the comparison (LayerNorm, learned positions, ReLU) keep the
traced export: they only need to run.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from trainer.model import GlubModel

INPUT_NAMES = ["input_ids", "past_keys", "past_values"]
OUTPUT_NAMES = ["logits", "present_keys", "present_values"]
OPSET = 17
MS_DOMAIN = "com.microsoft"
# The quantizers find the tied table under this name (export/quantize.py).
EMBEDDING = "model.embed.weight"


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


def export_onnx(model: GlubModel, path: Path, fused: bool = True) -> Path:
    """Write the fp32 KV-cache graph to ``path``: the fused graph for the modern blocks (unless
    ``fused`` is False, for comparisons), the traced one otherwise."""
    model = model.eval().cpu()
    path.parent.mkdir(parents=True, exist_ok=True)
    if fused and model.config.architecture == "modern":
        onnx.save(fused_graph(model), str(path))
        return path
    return export_traced(model, path)


def export_traced(model: GlubModel, path: Path) -> Path:
    """The graph ``torch.onnx.export`` traces from the model's own forward."""
    # Trace with a non-empty cache so no shape is frozen at zero; P and T stay dynamic.
    ids = torch.tensor([[5, 6]], dtype=torch.int32)
    past_keys, past_values = (torch.randn_like(t) for t in empty_cache(model, past=3))
    cache_axes = {3: "past"}
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


class _Graph:
    """Nodes, initializers and the element type of every tensor, for ``helper.make_graph``."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.types: dict[str, int] = {}

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.array(value, order="C"), name))
        return name

    def op(self, op_type: str, inputs: list[str], outputs: list[str], dtype: int = TensorProto.FLOAT,
           domain: str = "", **attributes) -> list[str]:
        """Add a node; its named outputs are of ``dtype``. Returns the output names."""
        name = f"{outputs[0] or op_type}/{op_type}"
        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=name, domain=domain, **attributes))
        self.types.update((output, dtype) for output in outputs if output)
        return outputs


def fused_graph(model: GlubModel) -> onnx.ModelProto:
    """The modern model's KV-cache graph with onnxruntime's fused operators (see the module docstring).

    Weights are copied from the torch module: a ``Linear``'s [out, in] weight becomes a MatMul's
    [in, out]; q, k and v are concatenated into one [hidden, 3 * hidden] projection in the packed
    layout GroupQueryAttention reads, gate and up into one [hidden, 2 * intermediate]."""
    c = model.config
    if c.architecture != "modern":
        raise ValueError("the fused graph is for the modern (RMSNorm, RoPE, SwiGLU) blocks")
    layers, heads, head_dim = c.n_layer, c.n_head, c.head_dim
    weights = {name: t.detach().float().cpu().numpy() for name, t in model.state_dict().items()}
    g = _Graph()
    f32 = np.float32

    g.const(EMBEDDING, weights["embed.weight"])
    # The head's own [hidden, vocab] copy, as the traced export writes it: quantize_int8 quantizes
    # it and then points the embedding lookup at its int8 rows, so the shipped file holds one table.
    head = g.const("lm_head.weight", weights["embed.weight"].T)
    cos = g.const("rope.cos", model.rope_cos.numpy())  # [max_context, head_dim / 2]
    sin = g.const("rope.sin", model.rope_sin.numpy())

    # GroupQueryAttention wants per-sequence lengths: seqlens_k = P + T - 1 and the total P + T.
    (past,) = g.op("Shape", ["past_keys"], ["past_length"], TensorProto.INT64, start=3, end=4)
    (new,) = g.op("Shape", ["input_ids"], ["new_length"], TensorProto.INT64, start=1, end=2)
    (total64,) = g.op("Add", [past, new], ["total_length64"], TensorProto.INT64)
    (total,) = g.op("Cast", [total64], ["total_length"], TensorProto.INT32, to=TensorProto.INT32)
    (seqlens,) = g.op("Sub", [total, g.const("one", np.array([1], np.int32))], ["seqlens_k"], TensorProto.INT32)
    (total_scalar,) = g.op("Squeeze", [total], ["total_sequence_length"], TensorProto.INT32)

    # The stacked [L, 1, H, P, D] caches as L tensors [1, H, P, D] (batch is 1), one per layer.
    per_layer = g.const("cache_per_layer", np.array([layers, heads, -1, head_dim], np.int64))
    past_k, past_v = [], []
    for cache, out in (("past_keys", past_k), ("past_values", past_v)):
        (flat,) = g.op("Reshape", [cache, per_layer], [f"{cache}/layers"])
        names = [f"{cache}/{i}" for i in range(layers)]
        out.extend(g.op("Split", [flat], names, axis=0) if layers > 1 else [flat])

    (x,) = g.op("Gather", [EMBEDDING, "input_ids"], ["embedded"], axis=0)
    # The first RMSNorm in standard ops (SimplifiedLayerNormalization is onnxruntime's own, unknown
    # to onnx's checker); every later one comes fused with the residual add before it.
    (squared,) = g.op("Pow", [x, g.const("two", np.array(2.0, f32))], ["norm0/squared"])
    (mean,) = g.op("ReduceMean", [squared], ["norm0/mean"], axes=[-1], keepdims=1)
    (shifted,) = g.op("Add", [mean, g.const("norm_eps", np.array(c.norm_eps, f32))], ["norm0/shifted"])
    (rms,) = g.op("Sqrt", [shifted], ["norm0/rms"])
    (inverse,) = g.op("Div", [g.const("one_f", np.array(1.0, f32)), rms], ["norm0/inverse"])
    (scaled,) = g.op("Mul", [x, inverse], ["norm0/scaled"])
    (normed,) = g.op("Mul", [scaled, g.const("blocks.0.attn_norm.weight", weights["blocks.0.attn_norm.weight"])],
                     ["blocks.0/attn_in"])
    residual = x
    present_k, present_v = [], []
    split = g.const("gate_up_split", np.array([c.intermediate, c.intermediate], np.int64))
    for i in range(layers):
        p, b = f"blocks.{i}.", f"blocks.{i}/"
        qkv_weight = np.concatenate([weights[p + "attn.q.weight"], weights[p + "attn.k.weight"],
                                     weights[p + "attn.v.weight"]]).T
        (qkv,) = g.op("MatMul", [normed, g.const(p + "attn.qkv.weight", qkv_weight)], [b + "qkv"])
        attended, key, value = g.op(
            "GroupQueryAttention",
            [qkv, "", "", past_k[i], past_v[i], seqlens, total_scalar, cos, sin],
            [b + "attended", b + "present_key", b + "present_value"],
            domain=MS_DOMAIN, num_heads=heads, kv_num_heads=heads, do_rotary=1, rotary_interleaved=0,
            scale=1.0 / math.sqrt(head_dim),
        )
        present_k.append(key)
        present_v.append(value)
        (projected,) = g.op("MatMul", [attended, g.const(p + "attn.out.weight", weights[p + "attn.out.weight"].T)],
                            [b + "attn_out"])
        normed, _, _, residual = g.op(
            "SkipSimplifiedLayerNormalization",
            [projected, residual, g.const(p + "ffn_norm.weight", weights[p + "ffn_norm.weight"])],
            [b + "ffn_in", "", "", b + "after_attn"], domain=MS_DOMAIN, epsilon=c.norm_eps,
        )
        gate_up_weight = np.concatenate([weights[p + "ffn.gate.weight"], weights[p + "ffn.up.weight"]]).T
        (gate_up,) = g.op("MatMul", [normed, g.const(p + "ffn.gate_up.weight", gate_up_weight)], [b + "gate_up"])
        gate, up = g.op("Split", [gate_up, split], [b + "gate", b + "up"], axis=-1)
        (sigmoid,) = g.op("Sigmoid", [gate], [b + "sigmoid"])
        (silu,) = g.op("Mul", [gate, sigmoid], [b + "silu"])  # onnxruntime fuses these two
        (swiglu,) = g.op("Mul", [silu, up], [b + "swiglu"])
        (down,) = g.op("MatMul", [swiglu, g.const(p + "ffn.down.weight", weights[p + "ffn.down.weight"].T)],
                       [b + "ffn_out"])
        # The residual add, then the next block's attention norm (or the final norm after the last).
        norm_weight = f"blocks.{i + 1}.attn_norm.weight" if i + 1 < layers else "norm.weight"
        normed, _, _, residual = g.op(
            "SkipSimplifiedLayerNormalization",
            [down, residual, g.const(norm_weight, weights[norm_weight])],
            [f"blocks.{i + 1}/attn_in" if i + 1 < layers else "final_norm", "", "", b + "out"],
            domain=MS_DOMAIN, epsilon=c.norm_eps,
        )
    # Only the last position's logits leave the graph: the head runs on one row.
    (last,) = g.op("Gather", [normed, g.const("last_position", np.array(-1, np.int64))], ["last_hidden"], axis=1)
    g.op("MatMul", [last, head], ["logits"])
    stacked = g.const("cache_stacked", np.array([layers, 1, heads, -1, head_dim], np.int64))
    for parts, name in ((present_k, "present_keys"), (present_v, "present_values")):
        (joined,) = g.op("Concat", parts, [f"{name}/layers"], axis=0) if layers > 1 else parts
        g.op("Reshape", [joined, stacked], [name])

    # Shapes the runtime and the quantizer rely on. Past and present caches get distinct length
    # symbols: with none, onnxruntime-web 1.30 plans GroupQueryAttention's present cache in the
    # buffer of its past one (the op allows that in place) and fails once the lengths differ.
    shapes: dict[str, list] = {}
    for i in range(layers):
        shapes[past_k[i]] = shapes[past_v[i]] = [1, heads, "past", head_dim]
        shapes[present_k[i]] = shapes[present_v[i]] = [1, heads, "total", head_dim]
    outputs = {"logits": [1, c.vocab_size], "present_keys": [layers, 1, heads, "total", head_dim],
               "present_values": [layers, 1, heads, "total", head_dim]}
    cache = [layers, 1, heads, "past", head_dim]
    graph = helper.make_graph(
        g.nodes,
        "glub",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT32, [1, "new"]),
         helper.make_tensor_value_info("past_keys", TensorProto.FLOAT, cache),
         helper.make_tensor_value_info("past_values", TensorProto.FLOAT, cache)],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape) for name, shape in outputs.items()],
        g.initializers,
        # Every intermediate tensor's type: onnxruntime's quantizer needs them, and onnx's shape
        # inference cannot give them past the com.microsoft operators.
        value_info=[helper.make_tensor_value_info(name, dtype, shapes.get(name))
                    for name, dtype in g.types.items() if name not in outputs],
    )
    model_proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS_DOMAIN, 1)], producer_name="glub"
    )
    model_proto.ir_version = 8  # what onnxruntime-web 1.30 and the CPython runtime both read
    onnx.checker.check_model(model_proto)
    return model_proto
