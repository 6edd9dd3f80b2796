"""`python -m trainer data --source anthropic ...`: the flags and the entry point.

The trainer CLI owns --out, --target and --seed (shared with the offline generator); this module adds
only the pipeline's own flags and reads those three from `args`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from trainer.llm.batch import BatchRunner
from trainer.llm.client import Caller, RetryPolicy, Sleep, make_client
from trainer.llm.cost import PRICES, CostTracker
from trainer.llm.pipeline import Pipeline, PipelineConfig, RunResult
from trainer.llm.roles import Models
from trainer.llm.split import write_split
from trainer.llm.store import read_state

log = logging.getLogger("trainer.llm")

NO_KEY = "ANTHROPIC_API_KEY is not set; use the offline generator (the default) or set the key"


def _price(text: str) -> tuple[str, tuple[float, float]]:
    try:
        model, prices = text.split("=", 1)
        price_in, price_out = (float(p) for p in prices.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--price wants MODEL=INPUT,OUTPUT (USD per MTok), got {text!r}") from error
    return model.strip(), (price_in, price_out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Models()
    group = parser.add_argument_group("anthropic pipeline (--source anthropic)")
    group.add_argument("--batch-api", action="store_true",
                       help="generate through the Message Batches API (half price, slower; for tens of thousands)")
    group.add_argument("--generator-model", default=defaults.generator)
    group.add_argument("--diversifier-model", default=defaults.diversifier)
    group.add_argument("--critic-model", default=defaults.critic)
    group.add_argument("--guardian-model", default=defaults.guardian)
    group.add_argument("--budget-usd", type=float, default=10.0,
                       help="stop cleanly once this much is spent (default 10); in-flight batches still finish")
    group.add_argument("--concurrency", type=int, default=4, help="batches in flight at once")
    group.add_argument("--batch-size", type=int, default=50, help="samples the generator writes per call")
    group.add_argument("--max-malformed", type=int, default=2, help="re-asks after an answer that is not valid JSON")
    group.add_argument("--poll-seconds", type=float, default=60.0, help="--batch-api: seconds between polls")
    group.add_argument("--price", type=_price, action="append", default=[], metavar="MODEL=IN,OUT",
                       help=f"USD per million tokens for a model not in the table ({', '.join(PRICES)})")
    group.add_argument("--effort", default="low", choices=["low", "medium", "high", "none"],
                       help="output_config.effort for every call (thinking is billed as output); "
                            "'none' leaves it out, for models without the parameter")
    group.add_argument("--test-share", type=float, default=0.1, help="share of topics held out for test.jsonl")


def config_from_args(args: argparse.Namespace) -> PipelineConfig:
    models = Models(generator=args.generator_model, diversifier=args.diversifier_model,
                    critic=args.critic_model, guardian=args.guardian_model)
    return PipelineConfig(out_dir=Path(args.out), target=args.target, batch_size=args.batch_size,
                          concurrency=args.concurrency, models=models, max_malformed=args.max_malformed,
                          seed=args.seed)


async def run_async(args: argparse.Namespace, api_key: str, http_client: Any = None,
                    sleep: Sleep = asyncio.sleep) -> RunResult:
    """The whole run; `http_client` and `sleep` are seams for tests (a fake transport, no real waiting)."""
    config = config_from_args(args)
    cost = CostTracker(budget_usd=args.budget_usd, prices={**PRICES, **dict(args.price)})
    cost.check_models(*config.models.all())
    Path(config.out_dir).mkdir(parents=True, exist_ok=True)
    client = make_client(api_key, http_client)
    caller = Caller(client, cost, sleep, RetryPolicy(), effort=None if args.effort == "none" else args.effort)
    try:
        if not args.batch_api and read_state(config.state_path).get("batch_id"):
            log.warning("a Message Batch from an earlier --batch-api run is still uncollected; "
                        "run with --batch-api to collect it")
        runner = BatchRunner(caller, config, poll_s=args.poll_seconds) if args.batch_api else Pipeline(caller, config)
        result = await runner.run()
        # The split is rewritten from the whole append-only file, so a resumed run's split covers every sample.
        split = write_split(runner.store.samples, config.out_dir, config.seed, args.test_share)
    finally:
        await client.close()
    print(f"{result.stop_reason}: {result.total}/{config.target} samples in {config.samples_path} "
          f"(+{result.written} this run); {cost.summary()}")
    print(f"wrote {len(split.train)} train and {len(split.test)} test samples to {config.out_dir} "
          f"(test topics: {', '.join(split.test_topics)})")
    if result.rejections:
        print("dropped: " + ", ".join(f"{reason} {n}" for reason, n in result.rejections.most_common()))
    if result.skipped:
        print(f"{len(result.skipped)} batches skipped; first: {result.skipped[0]}")
    return result


def run(args: argparse.Namespace) -> None:
    api_key = os.environ.get("ANTHROPIC_API_KEY")
    if not api_key:
        raise ValueError(NO_KEY)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("httpx", "httpx2", "anthropic"):  # one line per HTTP request would drown the progress lines
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        asyncio.run(run_async(args, api_key))
    except KeyboardInterrupt:
        # Everything written is durable; the batches in flight are the only loss.
        raise SystemExit(f"interrupted; run the same command again to continue in {args.out}") from None
