"""``python -m trainer``: make the dataset, the tokenizer and the model, and talk to it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine_py.chat import MAX_MESSAGE_CHARS, clean_message
from engine_py.sampler import SamplerSettings


def cmd_data(args: argparse.Namespace) -> None:
    if args.source == "anthropic":
        from trainer.llm.cli import run

        run(args)
        return
    from trainer.data import write_dataset

    split = write_dataset(args.out, args.target, args.seed, persona=args.persona)
    print(f"wrote {len(split.train)} train and {len(split.test)} test samples to {args.out}")


def cmd_data_report(args: argparse.Namespace) -> None:
    from trainer.report import report_files

    print(report_files(args.files))


def cmd_tokenizer(args: argparse.Namespace) -> None:
    from trainer.tokenizer import train_tokenizer_file

    path = train_tokenizer_file([args.data / "train.jsonl"], args.out, args.vocab_size)
    print(f"wrote {path}")


def cmd_train(args: argparse.Namespace) -> None:
    from trainer.train import TrainSettings, train

    if args.resume:
        result = train(None, None, args.out, resume=True)
    else:
        if args.out.exists() and any(args.out.iterdir()):
            raise ValueError(f"output folder {args.out} is not empty; use --resume or choose another")
        settings = TrainSettings(
            preset=args.preset, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
            device=args.device, loss_on=args.loss_on, save_every=args.save_every, max_samples=args.max_samples,
            max_steps=args.max_steps,
        )
        result = train(args.data, args.tokenizer, args.out, settings)
    print(f"best test perplexity {result['best_test_perplexity']:.2f}; checkpoint in {args.out}")


def cmd_eval(args: argparse.Namespace) -> None:
    import math

    from engine_py.tokenizer import Tokenizer
    from trainer.checkpoint import TOKENIZER, load_checkpoint, sha256_file
    from trainer.data import read_jsonl
    from trainer.train import encode_file, evaluate, load_tokenizer

    test_file = args.data / "test.jsonl"
    if args.onnx is not None:
        from export.evaluate import onnx_test_loss  # the graph runs through onnxruntime, as shipped
        from export.runtime import OnnxStepModel

        tokenizer_path = args.tokenizer or args.onnx.parent / TOKENIZER
        step_model = OnnxStepModel(args.onnx)
        tokenizer = Tokenizer.from_file(tokenizer_path)
        loss = onnx_test_loss(step_model, tokenizer, read_jsonl(test_file))
        source = args.onnx
    else:
        model, info = load_checkpoint(args.checkpoint)
        tokenizer_path = args.tokenizer or args.checkpoint / TOKENIZER
        if info.get("tokenizer_sha256") and sha256_file(tokenizer_path) != info["tokenizer_sha256"]:
            raise ValueError(f"{tokenizer_path} is not the tokenizer {args.checkpoint} was trained with")
        loss = evaluate(model, encode_file(test_file, load_tokenizer(tokenizer_path), "reply"), "cpu")
        source = args.checkpoint
        from trainer.chat import TorchStepModel

        step_model, tokenizer = TorchStepModel(model), Tokenizer.from_file(tokenizer_path)
    print(f"{source}: test loss {loss:.4f}, perplexity {math.exp(loss):.3f} (reply tokens of {test_file})")
    if args.persona:
        from trainer.persona_eval import evaluate_persona, format_persona

        result = evaluate_persona(step_model, tokenizer)
        print(format_persona(result))
        if result["failures"]:
            raise ValueError(f"persona bars not met: {'; '.join(result['failures'])}")
        print("persona bars met")


def cmd_compare(args: argparse.Namespace) -> None:
    from trainer.compare import compare, format_comparison
    from trainer.train import TrainSettings

    settings = TrainSettings(preset=args.preset, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                             seed=args.seed, max_steps=args.max_steps, save_every=0)
    print(format_comparison(compare(args.data, args.tokenizer, args.out, settings)))


def cmd_bench(args: argparse.Namespace) -> None:
    from trainer.bench import run_bench

    run_bench(args.preset, args.data, args.tokenizer, steps=args.steps, rounds=args.rounds,
              batch_size=args.batch_size)


def cmd_chat(args: argparse.Namespace) -> None:
    from engine_py.generate import generate_reply
    from trainer.chat import load_chat

    model, tokenizer = load_chat(args.checkpoint)
    settings = SamplerSettings(temperature=args.temperature)

    def answer(text: str) -> str:
        message = clean_message(text)
        if not message:
            return "(say something to the fish)"
        return generate_reply(model, tokenizer, message, settings, args.seed)

    if args.prompt is not None:
        print(answer(args.prompt))
        return
    print(f"talk to the fish (at most {MAX_MESSAGE_CHARS} characters; ctrl-d to leave)")
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        print(f"fish> {answer(line)}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m trainer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="generate the offline goldfish dataset")
    data.add_argument("--out", type=Path, default=Path("data"))
    data.add_argument("--target", type=int, default=55000)
    data.add_argument("--seed", type=int, default=0)
    data.add_argument("--source", choices=["offline", "anthropic"], default="offline",
                      help="the procedural generator (default) or the Anthropic pipeline (needs ANTHROPIC_API_KEY)")
    from trainer.data import PERSONAS
    from trainer.llm.cli import add_arguments as add_llm_arguments

    data.add_argument("--persona", choices=PERSONAS, default="default", help="the offline generator's fish")

    add_llm_arguments(data)
    data.set_defaults(run=cmd_data)

    report = commands.add_parser("data-report", help="mix, persona rules and diversity of dataset files")
    report.add_argument("files", type=Path, nargs="+")
    report.set_defaults(run=cmd_data_report)

    tok = commands.add_parser("tokenizer", help="train the byte-level BPE tokenizer")
    tok.add_argument("--data", type=Path, default=Path("data"))
    tok.add_argument("--out", type=Path, default=Path("data/tokenizer.json"))
    tok.add_argument("--vocab-size", type=int, default=5120)
    tok.set_defaults(run=cmd_tokenizer)

    train = commands.add_parser("train", help="train a model")
    train.add_argument("--data", type=Path, default=Path("data"))
    train.add_argument("--tokenizer", type=Path, default=Path("data/tokenizer.json"))
    train.add_argument("--out", type=Path, required=True)
    train.add_argument("--resume", action="store_true", help="continue the run saved in --out exactly")
    train.add_argument("--preset", default="pet")
    train.add_argument("--epochs", type=int, default=15)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--lr", type=float, default=3e-4)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto")
    train.add_argument("--max-samples", type=int)
    train.add_argument("--max-steps", type=int, help="stop after this many optimizer steps (a compute budget)")
    train.add_argument("--loss-on", choices=["reply", "all"], default="reply")
    train.add_argument("--save-every", type=int, default=200, help="steps between resumable states")
    train.set_defaults(run=cmd_train)

    evaluate = commands.add_parser("eval", help="test perplexity of a checkpoint or an ONNX model")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path)
    source.add_argument("--onnx", type=Path)
    evaluate.add_argument("--data", type=Path, default=Path("data"))
    evaluate.add_argument("--tokenizer", type=Path)
    evaluate.add_argument("--persona", action="store_true", help="also run the persona evaluation (3 seeds a prompt)")
    evaluate.set_defaults(run=cmd_eval)

    comparison = commands.add_parser("compare", help="modern against vanilla blocks at equal parameters and budget")
    comparison.add_argument("--data", type=Path, default=Path("data"))
    comparison.add_argument("--tokenizer", type=Path, default=Path("data/tokenizer.json"))
    comparison.add_argument("--out", type=Path, required=True)
    comparison.add_argument("--preset", default="pet", help="the modern preset; its vanilla twin runs beside it")
    comparison.add_argument("--epochs", type=int, default=15)
    comparison.add_argument("--batch-size", type=int, default=64)
    comparison.add_argument("--lr", type=float, default=1e-3)
    comparison.add_argument("--seed", type=int, default=0)
    comparison.add_argument("--max-steps", type=int, required=True, help="optimizer steps for each run (the budget)")
    comparison.set_defaults(run=cmd_compare)

    bench = commands.add_parser("bench", help="training throughput: ours against a pad-to-96 loop")
    bench.add_argument("--preset", default="pet")
    bench.add_argument("--data", type=Path, default=Path("data/train.jsonl"))
    bench.add_argument("--tokenizer", type=Path, default=Path("data/tokenizer.json"))
    bench.add_argument("--steps", type=int, default=20)
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--batch-size", type=int, default=64)
    bench.set_defaults(run=cmd_bench)

    chat = commands.add_parser("chat", help="talk to a checkpoint")
    chat.add_argument("--checkpoint", type=Path, required=True)
    chat.add_argument("--prompt")
    chat.add_argument("--temperature", type=float, default=0.8)
    chat.add_argument("--seed", type=int)
    chat.set_defaults(run=cmd_chat)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; a training run saved its state: continue it with --resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
