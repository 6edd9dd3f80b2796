"""Weight quantization of the exported graph: INT8 (dynamic) and a 4-bit variant (MatMulNBits).

The LM head is tied to the embedding. The exporter writes the head's weight as its own
(transposed) initializer, and a quantizer would then store the table twice. After quantizing we
rewrite the embedding lookup to read the head's int8 weight instead — ``Gather`` over a
``Transpose`` of it, then ``DequantizeLinear`` of just the gathered rows — so the file holds the
table once. onnxruntime folds the constant ``Transpose`` when it loads the graph, so a step pays
nothing for it.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import onnx
from onnx import helper

EMBEDDING = "model.embed.weight"


def _initializers(model: onnx.ModelProto) -> dict[str, onnx.TensorProto]:
    return {t.name: t for t in model.graph.initializer}


def _lookup_node(model: onnx.ModelProto) -> onnx.NodeProto:
    for node in model.graph.node:
        if node.op_type == "Gather" and node.input[0] == EMBEDDING:
            return node
    raise ValueError("the graph has no embedding lookup to tie")


def _int8_head(model: onnx.ModelProto, vocab: int) -> onnx.NodeProto:
    """The MatMulInteger whose weight is [hidden, vocab]: the quantized LM head."""
    inits = _initializers(model)
    for node in model.graph.node:
        if node.op_type == "MatMulInteger" and node.input[1] in inits:
            dims = list(inits[node.input[1]].dims)
            if len(dims) == 2 and dims[1] == vocab:
                return node
    raise ValueError("the graph has no int8 LM head to tie the embedding to")


def tie_embedding_to_head(model: onnx.ModelProto) -> onnx.ModelProto:
    """Replace the fp32 embedding table with rows gathered from the int8 head weight."""
    inits = _initializers(model)
    vocab, _ = inits[EMBEDDING].dims
    head = _int8_head(model, vocab)
    weight, zero_point = head.input[1], head.input[3]
    # MatMulInteger gives the scales to its caller: find the weight's scale by name.
    scale = weight.removesuffix("_quantized") + "_scale"
    if scale not in inits:
        raise ValueError(f"cannot find the head's scale {scale}")
    lookup = _lookup_node(model)
    ids, rows = lookup.input[1], lookup.output[0]
    new_nodes = [
        helper.make_node("Transpose", [weight], ["tied_embedding_int8"], perm=[1, 0], name="tied_embedding"),
        helper.make_node("Gather", ["tied_embedding_int8", ids], ["tied_rows_int8"], axis=0, name="tied_lookup"),
        helper.make_node("DequantizeLinear", ["tied_rows_int8", scale, zero_point], [rows], name="tied_dequantize"),
    ]
    position = list(model.graph.node).index(lookup)
    model.graph.node.remove(lookup)
    for offset, node in enumerate(new_nodes):
        model.graph.node.insert(position + offset, node)
    model.graph.initializer.remove(inits[EMBEDDING])
    onnx.checker.check_model(model)
    return model


def quantize_int8(fp32_path: Path, int8_path: Path) -> Path:
    """Dynamic INT8: int8 weights for every MatMul (the head included), activations quantized per call;
    the embedding lookup reads the head's int8 table."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as work:
        untied = Path(work) / "int8.onnx"
        quantize_dynamic(str(fp32_path), str(untied), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
        model = tie_embedding_to_head(onnx.load(str(untied)))
    int8_path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(int8_path))
    return int8_path


def quantize_4bit(fp32_path: Path, out_path: Path, block_size: int = 128) -> Path:
    """4-bit block-quantized weights (MatMulNBits) for the blocks' MatMuls; the tied head and the
    embedding stay INT8, since one table serves both and a 4-bit table cannot feed the lookup.

    Blocks of 128 weights share one fp32 scale: glub36m's file is then ~21 MB (block 64: 22.0 MB, 32: 24 MB).
    accuracy_level 4 lets the CPU kernels multiply in int8, about twice as fast as fp32 there."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    model = onnx.load(str(fp32_path))
    inits = _initializers(model)
    vocab = inits[EMBEDDING].dims[0]
    heads = [
        n.name for n in model.graph.node
        if n.op_type == "MatMul" and n.input[1] in inits and list(inits[n.input[1]].dims)[-1] == vocab
    ]
    quantizer = MatMulNBitsQuantizer(
        model, bits=4, block_size=block_size, is_symmetric=True, accuracy_level=4, nodes_to_exclude=heads
    )
    quantizer.process()
    logging.getLogger().setLevel(logging.WARNING)  # the quantizer turns on INFO for every node
    with tempfile.TemporaryDirectory() as work:
        nbits = Path(work) / "nbits.onnx"
        quantizer.model.save_model_to_file(str(nbits))
        untied = Path(work) / "untied.onnx"
        quantize_dynamic(str(nbits), str(untied), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                         nodes_to_quantize=heads)
        model = tie_embedding_to_head(onnx.load(str(untied)))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out_path))
    return out_path
