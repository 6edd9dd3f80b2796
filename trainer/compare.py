"""``python -m trainer compare``: modern blocks against vanilla ones, same data, same budget.

The question the reference project argued about: do RMSNorm + RoPE + SwiGLU beat LayerNorm + learned
positions + a ReLU MLP at this size? Each preset pair has equal parameter counts (``trainer/model.py``);
both runs get the same data, seed, learning rate and number of optimizer steps (the compute budget),
and are scored the same way: test perplexity on reply tokens and the persona evaluation.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path

from engine_py.tokenizer import Tokenizer
from trainer.chat import TorchStepModel
from trainer.checkpoint import TOKENIZER, load_checkpoint
from trainer.persona_eval import evaluate_persona
from trainer.train import TrainSettings, train

PAIRS = {"pet": "pet-vanilla", "tiny": "tiny-vanilla"}


def compare(data_dir: Path, tokenizer_path: Path, out_dir: Path, settings: TrainSettings,
            seeds: tuple[int, ...] = (1, 2, 3)) -> list[dict]:
    """Train ``settings.preset`` and its vanilla twin under ``settings``; one scored row each."""
    if settings.preset not in PAIRS:
        raise ValueError(f"no vanilla twin for preset {settings.preset!r}; choose one of {sorted(PAIRS)}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ValueError(f"output folder {out_dir} is not empty; choose another")
    rows = []
    for name in (settings.preset, PAIRS[settings.preset]):
        run_dir = out_dir / name
        started = time.perf_counter()
        result = train(data_dir, tokenizer_path, run_dir, replace(settings, preset=name))
        minutes = (time.perf_counter() - started) / 60
        model, _ = load_checkpoint(run_dir)
        persona = evaluate_persona(TorchStepModel(model), Tokenizer.from_file(run_dir / TOKENIZER), seeds)
        rows.append({
            "preset": name, "architecture": model.config.architecture, "parameters": model.num_parameters(),
            "steps": result["steps"], "minutes": minutes,
            "test_perplexity": math.exp(result["best_test_loss"]),
            **{key: persona["summary"][key] for key in ("in_length", "world", "forbidden", "claims_memory",
                                                         "loops", "unfinished", "distinct_2")},
            "persona_failures": persona["failures"],
        })
    return rows


def format_comparison(rows: list[dict]) -> str:
    lines = [
        "| blocks | parameters | steps | minutes | test perplexity | 4-30 words | fish vocabulary "
        "| forbidden | claims to remember | loops | unfinished | distinct-2 | persona bars |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bars = "met" if not r["persona_failures"] else "; ".join(r["persona_failures"])
        lines.append(
            f"| {r['architecture']} ({r['preset']}) | {r['parameters']:,} | {r['steps']} | {r['minutes']:.1f} "
            f"| {r['test_perplexity']:.2f} | {r['in_length']:.1%} | {r['world']:.1%} | {r['forbidden']} "
            f"| {r['claims_memory']} | {r['loops']} | {r['unfinished']:.1%} | {r['distinct_2']:.3f} | {bars} |"
        )
    return "\n".join(lines)
