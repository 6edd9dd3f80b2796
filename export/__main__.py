"""``python -m export``: a checkpoint to a shipped model (KV-cache ONNX, INT8, manifest), verified."""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

DEFAULT_MESSAGES = [
    "hello", "how are you", "what is your name", "do you remember me", "i had a long day",
    "HELLO FISH", "banana telephone", "hola pez", "🐟", "what do you eat",
]


def cmd_export(args: argparse.Namespace) -> None:
    from engine_py.tokenizer import Tokenizer
    from export.evaluate import onnx_test_loss
    from export.manifest import build_manifest, write_manifest
    from export.onnx_export import export_onnx, quantize_int8
    from export.parity import (
        PARITY_TOLERANCE,
        greedy_tokens,
        max_logit_difference,
        parity_prompts,
        token_agreement,
    )
    from export.runtime import OnnxStepModel
    from trainer.checkpoint import TOKENIZER, load_checkpoint
    from trainer.data import read_jsonl

    model, info = load_checkpoint(args.checkpoint)
    tokenizer_path = args.checkpoint / TOKENIZER
    tokenizer = Tokenizer.from_file(tokenizer_path)
    work = args.checkpoint / "onnx"
    fp32_path = export_onnx(model, work / "glub.fp32.onnx")
    prompts = parity_prompts(tokenizer, DEFAULT_MESSAGES)

    fp32 = OnnxStepModel(fp32_path)
    difference = max_logit_difference(model, fp32, prompts)
    print(f"fp32 ONNX vs torch: max logit difference {difference:.2e} (limit {PARITY_TOLERANCE:.0e})")
    if not difference < PARITY_TOLERANCE:
        raise ValueError("the fp32 graph does not match the torch model; nothing shipped")

    args.out.mkdir(parents=True, exist_ok=True)
    int8_path = quantize_int8(fp32_path, args.out / "glub.int8.onnx")
    int8 = OnnxStepModel(int8_path)
    reference = [greedy_tokens(fp32, p, 16) for p in prompts]
    agreement = token_agreement(reference, [greedy_tokens(int8, p, 16) for p in prompts])
    print(f"INT8 greedy agreement with fp32: {agreement:.1%}")

    perplexity = None
    if args.data is not None:
        samples = read_jsonl(args.data / "test.jsonl")[: args.eval_samples]
        fp32_ppl = math.exp(onnx_test_loss(fp32, tokenizer, samples))
        perplexity = math.exp(onnx_test_loss(int8, tokenizer, samples))
        print(f"test perplexity on {len(samples)} samples: fp32 {fp32_ppl:.3f}, INT8 {perplexity:.3f}")

    shutil.copyfile(tokenizer_path, args.out / TOKENIZER)
    manifest = build_manifest(
        name=args.name,
        preset=info.get("preset", "custom"),
        parameters=model.num_parameters(),
        config=model.config,
        quantization="int8",
        model_path=int8_path,
        tokenizer_path=args.out / TOKENIZER,
        test_perplexity=perplexity,
        parity={"fp32_max_logit_difference": difference, "int8_greedy_agreement": agreement},
    )
    path = write_manifest(args.out, manifest)
    size = int8_path.stat().st_size
    print(f"wrote {int8_path} ({size / 1e6:.2f} MB) and {path}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True, help="a folder written by `python -m trainer train`")
    parser.add_argument("--out", type=Path, default=Path("public/models"))
    parser.add_argument("--name", default="glub")
    parser.add_argument("--data", type=Path, help="dataset folder: measure test perplexity on its test.jsonl")
    parser.add_argument("--eval-samples", type=int, default=500)
    parser.set_defaults(run=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
