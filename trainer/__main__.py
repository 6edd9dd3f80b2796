"""``python -m trainer``: make the dataset, the tokenizer and the model, and talk to it."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
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
            max_steps=args.max_steps, keep=args.keep,
        )
        result = train(args.data, args.tokenizer, args.out, settings)
    print(f"best test perplexity {result['best_test_perplexity']:.2f}; checkpoint in {args.out}")


def cmd_eval(args: argparse.Namespace) -> None:
    import math

    from engine_py.tokenizer import Tokenizer
    from trainer.checkpoint import TOKENIZER, load_checkpoint, sha256_file
    from trainer.data import read_jsonl
    from trainer.train import evaluate, load_tokenizer

    test_file = args.data / "test.jsonl"
    test = read_jsonl(test_file)
    if args.onnx is not None:
        from export.evaluate import onnx_test_loss  # the graph runs through onnxruntime, as shipped
        from export.runtime import OnnxStepModel

        tokenizer_path = args.tokenizer or args.onnx.parent / TOKENIZER
        step_model = OnnxStepModel(args.onnx)
        tokenizer = Tokenizer.from_file(tokenizer_path)

        def loss_of(samples: list[dict]) -> float:
            return onnx_test_loss(step_model, tokenizer, samples)

        source = args.onnx
    else:
        from trainer.train import encode_samples

        model, info = load_checkpoint(args.checkpoint)
        tokenizer_path = args.tokenizer or args.checkpoint / TOKENIZER
        if info.get("tokenizer_sha256") and sha256_file(tokenizer_path) != info["tokenizer_sha256"]:
            raise ValueError(f"{tokenizer_path} is not the tokenizer {args.checkpoint} was trained with")
        hf_tokenizer = load_tokenizer(tokenizer_path)

        def loss_of(samples: list[dict]) -> float:
            return evaluate(model, encode_samples(samples, hf_tokenizer, "reply"), "cpu")

        source = args.checkpoint
        from trainer.chat import TorchStepModel

        step_model, tokenizer = TorchStepModel(model), Tokenizer.from_file(tokenizer_path)
    if not args.skip_perplexity:
        loss = loss_of(test)
        print(f"{source}: test loss {loss:.4f}, perplexity {math.exp(loss):.3f} (reply tokens of {test_file})")
    if args.listening:
        from engine_py.generate import generate_reply
        from trainer.corpus import load_corpus
        from trainer.listening import SituationIndex, listening_ratio, pick, situation_accuracy

        settings = sampler_settings(args)
        index = SituationIndex(load_corpus())
        for kind in ("phrasing", "situation"):
            held = [s for s in test if s.get("held_out") == kind]
            if not held:
                print(f"held-out {kind}s: none in {test_file}")
                continue
            ratio = listening_ratio(loss_of, pick(held, args.listening_samples))
            print(f"held-out {kind}s: listening ratio {ratio['ratio']:.3f} (perplexity {ratio['own_perplexity']} "
                  f"after its own message, {ratio['swapped_perplexity']} after another; {ratio['samples']} samples)")
            prompts = pick(list({(s["situation"], s["phrasing"]): s for s in held}.values()), args.listening_samples)
            accuracy = situation_accuracy(
                lambda message, seed: generate_reply(step_model, tokenizer, message, settings, seed), prompts, index
            )
            print(f"held-out {kind}s: situation accuracy {accuracy['top1_pct']}% top-1, {accuracy['top5_pct']}% "
                  f"top-5 (chance {accuracy['chance_pct']}%; {accuracy['replies']} replies)")
    if args.persona:
        from trainer.persona_eval import evaluate_persona, format_persona

        result = evaluate_persona(step_model, tokenizer, settings=sampler_settings(args))
        print(format_persona(result))
        if result["failures"]:
            raise ValueError(f"persona bars not met: {'; '.join(result['failures'])}")
        print("persona bars met")


def cmd_overlap(args: argparse.Namespace) -> None:
    from trainer.corpus import load_corpus
    from trainer.data import read_jsonl
    from trainer.overlap import near_pairs, read_field

    corpus = load_corpus()
    messages = [p for s in corpus for p in s.phrasings]
    replies = [r for s in corpus for r in s.replies]
    for path in args.data_files:
        samples = read_jsonl(path)
        messages += [s["input"] for s in samples]
        replies += [s["output"] for s in samples]
    found = 0
    for path in args.against:
        prompts = read_field(path, ("prompt", "message", "input"))
        outputs = read_field(path, ("output", "reply"))
        for kind, ours, theirs in (("message", messages, prompts), ("reply", replies, outputs)):
            pairs = near_pairs(ours, theirs, args.threshold) if theirs else []
            for text, other, ratio in pairs:
                print(f"{path}: {kind} {text!r} is near {other!r} ({ratio})")
            print(f"{path}: {len(theirs)} {kind} texts against {len(set(ours)):,} of ours: {len(pairs)} near")
            found += len(pairs)
    if found:
        raise ValueError(f"{found} near duplicates")


def cmd_replies(args: argparse.Namespace) -> None:
    from engine_py.generate import generate_reply
    from engine_py.tokenizer import Tokenizer
    from export.runtime import OnnxStepModel
    from trainer.checkpoint import TOKENIZER
    from trainer.data import write_jsonl
    from trainer.judging import read_prompts, replies

    model = OnnxStepModel(args.onnx)
    tokenizer = Tokenizer.from_file(args.onnx.parent / TOKENIZER)
    settings = sampler_settings(args)
    made = replies(lambda message, seed: generate_reply(model, tokenizer, message, settings, seed),
                   read_prompts(args.prompts), args.seeds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out, made)
    print(f"wrote {len(made)} replies to {args.out}")


def cmd_judge_pairs(args: argparse.Namespace) -> None:
    import json

    from trainer.data import write_jsonl
    from trainer.judging import make_pairs, read_replies

    pairs, key = make_pairs(read_replies(args.a), read_replies(args.b), args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "pairs.jsonl", pairs)
    (args.out / "key.json").write_text(json.dumps({"a": str(args.a), "b": str(args.b), "slots": key}, indent=1))
    print(f"wrote {len(pairs)} pairs to {args.out / 'pairs.jsonl'}; the key (keep it from the judge) in key.json")


def cmd_judge_score(args: argparse.Namespace) -> None:
    import json

    from trainer.judging import AXES, score

    key = json.loads((args.folder / "key.json").read_text())
    verdicts = [json.loads(line) for path in sorted(args.folder.glob("verdicts*.jsonl"))
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = score(verdicts, key["slots"])
    print(f"A = {key['a']}\nB = {key['b']}")
    print(f"{result['pairs']} pairs: A preferred {result['a_preferred']} ({result['a_preferred_pct']}%), "
          f"B preferred {result['b_preferred']}, ties {result['ties']}")
    print("| | " + " | ".join(AXES) + " | responds | wrong in distress |")
    for fish in ("a", "b"):
        row = result[fish]
        print(f"| {fish.upper()} | " + " | ".join(f"{row[axis]:.2f}" for axis in AXES)
              + f" | {row['responds_pct']}% | {row['distress_wrong']} |")
    (args.folder / "result.json").write_text(json.dumps(result, indent=1))


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
    settings = replace(SamplerSettings(), temperature=args.temperature)

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


def add_sampler_arguments(parser: argparse.ArgumentParser) -> None:
    """The sampler settings the page, the CLI and the API share; their defaults are engine_py's."""
    defaults = SamplerSettings()
    parser.add_argument("--temperature", type=float, default=defaults.temperature)
    parser.add_argument("--top-k", type=int, default=defaults.top_k)
    parser.add_argument("--top-p", type=float, default=defaults.top_p)
    parser.add_argument("--repetition-penalty", type=float, default=defaults.repetition_penalty)


def sampler_settings(args: argparse.Namespace) -> SamplerSettings:
    return SamplerSettings(temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                           repetition_penalty=args.repetition_penalty)


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
    train.add_argument("--keep", choices=["best", "last"], default="best",
                       help="the checkpoint kept: lowest test loss, or the final epoch")
    train.set_defaults(run=cmd_train)

    evaluate = commands.add_parser("eval", help="test perplexity of a checkpoint or an ONNX model")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path)
    source.add_argument("--onnx", type=Path)
    evaluate.add_argument("--data", type=Path, default=Path("data"))
    evaluate.add_argument("--tokenizer", type=Path)
    evaluate.add_argument("--persona", action="store_true", help="also run the persona evaluation (3 seeds a prompt)")
    evaluate.add_argument("--listening", action="store_true",
                          help="also the listening ratio and situation accuracy on the held-out test samples")
    evaluate.add_argument("--listening-samples", type=int, default=600,
                          help="at most this many samples (and prompts) for each listening measure")
    evaluate.add_argument("--skip-perplexity", action="store_true", help="only the other measures (a sampler sweep)")
    add_sampler_arguments(evaluate)
    evaluate.set_defaults(run=cmd_eval)

    overlap = commands.add_parser("overlap", help="near duplicates between the corpus (and data) and prompt files")
    overlap.add_argument("against", type=Path, nargs="+", help="JSONL files with prompt/input and output/reply fields")
    overlap.add_argument("--data-files", type=Path, nargs="*", default=[], help="generated JSONL files to check too")
    overlap.add_argument("--threshold", type=float, default=0.8)
    overlap.set_defaults(run=cmd_overlap)

    made = commands.add_parser("replies", help="a model's replies to a prompt file, several seeds each")
    made.add_argument("--onnx", type=Path, required=True)
    made.add_argument("--prompts", type=Path, required=True, help="JSONL with a prompt field, or text a line each")
    made.add_argument("--seeds", type=int, default=3)
    made.add_argument("--out", type=Path, required=True)
    add_sampler_arguments(made)
    made.set_defaults(run=cmd_replies)

    pairs = commands.add_parser("judge-pairs", help="anonymous A/B pairs in shuffled order, and their key apart")
    pairs.add_argument("a", type=Path, help="replies of fish A (JSONL: prompt, seed, output)")
    pairs.add_argument("b", type=Path, help="replies of fish B")
    pairs.add_argument("--out", type=Path, required=True)
    pairs.add_argument("--seed", type=int, default=0)
    pairs.set_defaults(run=cmd_judge_pairs)

    scoring = commands.add_parser("judge-score", help="score the verdicts*.jsonl of a judge folder against its key")
    scoring.add_argument("folder", type=Path)
    scoring.set_defaults(run=cmd_judge_score)

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
    chat.add_argument("--temperature", type=float, default=SamplerSettings().temperature)
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
