"""``glub``: talk to the fish (``chat``), keep it in a terminal (``pet``) or serve its page (``serve``)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from engine_py.sampler import SamplerSettings


def load_fish(args: argparse.Namespace):
    from glub.fish import Fish

    return Fish(args.model, replace(SamplerSettings(), temperature=args.temperature), seed=args.seed)


def cmd_chat(args: argparse.Namespace) -> int:
    fish = load_fish(args)

    def say(message: str) -> None:
        if not message.strip():
            print("(say something to the fish)")
            return
        for piece in fish.stream(message):
            print(piece, end="", flush=True)
        print()

    if args.prompt is not None:
        say(args.prompt)
        return 0
    print("talk to the fish (ctrl-d to leave); it forgets you between sentences")
    while True:
        try:
            message = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        print("fish> ", end="")
        say(message)


def cmd_pet(args: argparse.Namespace) -> int:
    from glub.terminal import TerminalPet

    return TerminalPet(load_fish(args), seed=args.seed, name=args.name[:16] or "glub").run()


def cmd_serve(args: argparse.Namespace) -> int:
    root = Path(__file__).resolve().parent.parent
    if not (root / "node_modules").is_dir() or not (root / "public" / "index.html").is_file():
        raise ValueError("serving the page needs a checkout of the repository with its npm packages: "
                         "run `bash scripts/serve.sh` there")
    from pet.__main__ import main as pet_main

    return pet_main(["serve", "--port", str(args.port), "--host", args.host])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glub", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, text in (("chat", cmd_chat, "talk to the fish"), ("pet", cmd_pet, "the desk pet in this terminal")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--model", type=Path, help="a model folder (manifest.json + ONNX + tokenizer)")
        command.add_argument("--temperature", type=float, default=SamplerSettings().temperature)
        command.add_argument("--seed", type=int)
        command.set_defaults(run=run)
        if name == "chat":
            command.add_argument("--prompt", help="one message, one reply, then exit")
        else:
            command.add_argument("--name", default="glub", help="the fish's name (at most 16 characters)")
    serve = commands.add_parser("serve", help="serve the page (from a repository checkout)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(run=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:  # ModelError included: a missing or damaged model
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
