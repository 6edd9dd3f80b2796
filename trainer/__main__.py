"""``python -m trainer``: make the dataset, the tokenizer and the model, and talk to it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine_py.chat import MAX_MESSAGE_CHARS, clean_message
from engine_py.sampler import SamplerSettings


def cmd_data(args: argparse.Namespace) -> None:
    from trainer.data import write_dataset

    split = write_dataset(args.out, args.target, args.seed)
    print(f"wrote {len(split.train)} train and {len(split.test)} test samples to {args.out}")


def cmd_tokenizer(args: argparse.Namespace) -> None:
    from trainer.tokenizer import train_tokenizer_file

    path = train_tokenizer_file([args.data / "train.jsonl"], args.out, args.vocab_size)
    print(f"wrote {path}")


def cmd_train(args: argparse.Namespace) -> None:
    from trainer.train import TrainSettings, train

    if args.out.exists() and any(args.out.iterdir()):
        raise ValueError(f"output folder {args.out} is not empty; choose another")
    settings = TrainSettings(
        preset=args.preset, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        seed=args.seed, device=args.device, max_samples=args.max_samples,
    )
    result = train(args.data, args.tokenizer, args.out, settings)
    print(f"best test perplexity {result['best_test_perplexity']:.2f}; checkpoint in {args.out}")


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
    data.add_argument("--target", type=int, default=5000)
    data.add_argument("--seed", type=int, default=0)
    data.set_defaults(run=cmd_data)

    tok = commands.add_parser("tokenizer", help="train the byte-level BPE tokenizer")
    tok.add_argument("--data", type=Path, default=Path("data"))
    tok.add_argument("--out", type=Path, default=Path("data/tokenizer.json"))
    tok.add_argument("--vocab-size", type=int, default=5120)
    tok.set_defaults(run=cmd_tokenizer)

    train = commands.add_parser("train", help="train a model")
    train.add_argument("--data", type=Path, default=Path("data"))
    train.add_argument("--tokenizer", type=Path, default=Path("data/tokenizer.json"))
    train.add_argument("--out", type=Path, required=True)
    train.add_argument("--preset", default="pet")
    train.add_argument("--epochs", type=int, default=15)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--lr", type=float, default=3e-4)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto")
    train.add_argument("--max-samples", type=int)
    train.set_defaults(run=cmd_train)

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
