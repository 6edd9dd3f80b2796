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


MANIFEST_NAMES = {"int8": "manifest.json", "q4": "manifest.q4.json"}


def cmd_export(args: argparse.Namespace) -> None:
    from engine_py.tokenizer import Tokenizer
    from export.evaluate import onnx_test_loss
    from export.gates import gate_failures
    from export.manifest import build_manifest, write_manifest
    from export.onnx_export import export_onnx
    from export.parity import PARITY_TOLERANCE, max_logit_difference, parity_prompts, token_agreement
    from export.quantize import quantize_4bit, quantize_int8
    from export.runtime import OnnxStepModel
    from trainer.checkpoint import TOKENIZER, load_checkpoint
    from trainer.data import read_jsonl

    model, info = load_checkpoint(args.checkpoint)
    tokenizer_path = args.checkpoint / TOKENIZER
    tokenizer = Tokenizer.from_file(tokenizer_path)
    fp32_path = export_onnx(model, args.checkpoint / "onnx" / "glub.fp32.onnx")
    prompts = parity_prompts(tokenizer, DEFAULT_MESSAGES)

    fp32 = OnnxStepModel(fp32_path)
    difference = max_logit_difference(model, fp32, prompts)
    print(f"fp32 ONNX vs torch: max logit difference {difference:.2e} (limit {PARITY_TOLERANCE:.0e})")
    if not difference < PARITY_TOLERANCE:
        raise ValueError("the fp32 graph does not match the torch model; nothing shipped")

    samples = read_jsonl(args.data / "test.jsonl")[: args.eval_samples] if args.data is not None else None
    fp32_ppl = math.exp(onnx_test_loss(fp32, tokenizer, samples)) if samples else None
    if fp32_ppl is not None:
        print(f"fp32 test perplexity on {len(samples)} samples: {fp32_ppl:.3f}")
    else:
        print("no --data: test perplexity not measured, only greedy agreement is gated")

    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tokenizer_path, args.out / TOKENIZER)
    quantizers = {"int8": quantize_int8, "q4": quantize_4bit}
    refused = []
    for variant in args.variants:
        path = quantizers[variant](fp32_path, args.out / f"{args.name}.{variant}.onnx")
        quantized = OnnxStepModel(path)
        agreement = token_agreement(fp32, quantized, prompts)
        perplexity = math.exp(onnx_test_loss(quantized, tokenizer, samples)) if samples else None
        shown = f", test perplexity {perplexity:.3f}" if perplexity is not None else ""
        print(f"{variant}: {path.stat().st_size / 1e6:.2f} MB, greedy agreement {agreement:.1%}{shown}")
        failures = gate_failures(variant, agreement, fp32_ppl, perplexity)
        if failures:
            path.unlink()
            refused.append(variant)
            print(f"{variant} refused: {'; '.join(failures)}")
            continue
        manifest = build_manifest(
            name=args.name,
            preset=info.get("preset", "custom"),
            parameters=model.num_parameters(),
            config=model.config,
            quantization=variant,
            model_path=path,
            tokenizer_path=args.out / TOKENIZER,
            test_perplexity=perplexity,
            parity={"fp32_max_logit_difference": difference, "greedy_agreement": agreement,
                    "fp32_test_perplexity": fp32_ppl},
        )
        print(f"wrote {path} and {write_manifest(args.out, manifest, MANIFEST_NAMES[variant])}")
    if refused:
        raise ValueError(f"variants refused by the quality gates: {', '.join(refused)}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True, help="a folder written by `python -m trainer train`")
    parser.add_argument("--out", type=Path, default=Path("public/models"))
    parser.add_argument("--name", default="glub")
    parser.add_argument("--data", type=Path, help="dataset folder: measure test perplexity on its test.jsonl")
    parser.add_argument("--eval-samples", type=int, default=500)
    parser.add_argument("--variants", nargs="+", choices=["int8", "q4"], default=["int8"],
                        help="quantized files to write (q4: 4-bit MatMulNBits)")
    parser.set_defaults(run=cmd_export)
    return parser


def cmd_bench(args: argparse.Namespace) -> None:
    fused = not args.traced
    if args.browser:
        from export.browser_bench import markdown_table, run_browser_bench

        rows = run_browser_bench(args.presets, args.variants, args.repeats, args.threads, fused, python=args.python)
        print(markdown_table(rows))
    else:
        from export.bench import run_bench

        run_bench(args.presets, args.variants, args.repeats, fused=fused)


def build_bench_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m export bench", description="reply latency: KV cache vs naive")
    parser.add_argument("--presets", nargs="+", default=["pet", "glub36m"])
    parser.add_argument("--variants", nargs="+", choices=["fp32", "int8", "q4"], default=["fp32", "int8", "q4"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--traced", action="store_true",
                        help="time the traced KV graph (torch.onnx.export) that the fused export replaced")
    parser.add_argument("--browser", action="store_true",
                        help="in headless Chromium on onnxruntime-web (wasm) instead of CPython onnxruntime")
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2], help="--browser: wasm thread counts")
    parser.add_argument("--python", action="store_true",
                        help="--browser: also time the KV loop driven from Python on Pyodide, as the page does")
    parser.set_defaults(run=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        args = build_bench_parser().parse_args(argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
