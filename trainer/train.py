"""Training: batches of chat-template samples, AdamW with warmup + cosine, test perplexity per epoch."""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer as HFTokenizer

from engine_py.chat import PAD_ID, build_training_sample
from trainer.checkpoint import TOKENIZER, pick_device, save_checkpoint, sha256_file
from trainer.data import read_jsonl
from trainer.model import GlubModel, preset
from trainer.tokenizer import encode_text

IGNORE = -100
METRICS = "metrics.jsonl"


@dataclass(frozen=True)
class TrainSettings:
    preset: str = "tiny"
    epochs: int = 15
    batch_size: int = 64
    lr: float = 3e-4
    warmup_fraction: float = 0.05
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    seed: int = 0
    device: str = "auto"
    max_samples: int | None = None


def encode_samples(samples: list[dict], tokenizer) -> list[tuple[list[int], list[int]]]:
    """(inputs, targets) pairs: the loss covers the reply and its <eos>, never the message."""
    encoded = []
    for sample in samples:
        ids, reply_start = build_training_sample(
            encode_text(tokenizer, sample["input"]), encode_text(tokenizer, sample["output"])
        )
        targets = [IGNORE] * (reply_start - 1) + ids[reply_start:]
        encoded.append((ids[:-1], targets))
    return encoded


def make_batches(
    encoded: list[tuple[list[int], list[int]]], batch_size: int, rng: random.Random | None
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Right-padded batches; shuffled when ``rng`` is given. Causal attention never lets a real
    token see the padding after it, and padded targets are ignored."""
    order = list(range(len(encoded)))
    if rng is not None:
        rng.shuffle(order)
    batches = []
    for start in range(0, len(order), batch_size):
        chunk = [encoded[i] for i in order[start : start + batch_size]]
        width = max(len(ids) for ids, _ in chunk)
        inputs = torch.full((len(chunk), width), PAD_ID, dtype=torch.long)
        targets = torch.full((len(chunk), width), IGNORE, dtype=torch.long)
        for row, (ids, labels) in enumerate(chunk):
            inputs[row, : len(ids)] = torch.tensor(ids)
            targets[row, : len(labels)] = torch.tensor(labels)
        batches.append((inputs, targets))
    return batches


def learning_rate(step: int, total: int, settings: TrainSettings) -> float:
    warmup = max(1, int(total * settings.warmup_fraction))
    if step < warmup:
        return settings.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return settings.lr * 0.5 * (1 + math.cos(math.pi * progress))


def make_optimizer(model: GlubModel, settings: TrainSettings) -> torch.optim.AdamW:
    """Weight decay on weight matrices only: norms (1-D) are left alone."""
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": matrices, "weight_decay": settings.weight_decay}, {"params": vectors, "weight_decay": 0.0}],
        lr=settings.lr,
        betas=(0.9, 0.95),
    )


@torch.no_grad()
def evaluate(model: GlubModel, batches, device: str) -> float:
    """Mean cross-entropy per reply token."""
    model.eval()
    total, count = 0.0, 0
    for inputs, targets in batches:
        logits, _, _ = model(inputs.to(device))
        total += F.cross_entropy(
            logits.flatten(0, 1).float(), targets.to(device).flatten(), ignore_index=IGNORE, reduction="sum"
        ).item()
        count += int((targets != IGNORE).sum())
    return total / max(1, count)


def train(data_dir: Path, tokenizer_path: Path, out_dir: Path, settings: TrainSettings, log=print) -> dict:
    """Train a model on ``data_dir/{train,test}.jsonl`` and write a checkpoint to ``out_dir``."""
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    device = pick_device(settings.device)
    config = preset(settings.preset)
    if not tokenizer_path.is_file():
        raise ValueError(f"tokenizer not found: {tokenizer_path}")
    tokenizer = HFTokenizer.from_file(str(tokenizer_path))
    if tokenizer.get_vocab_size() > config.vocab_size:
        raise ValueError(f"tokenizer has {tokenizer.get_vocab_size()} ids, the model only {config.vocab_size}")

    train_samples = read_jsonl(data_dir / "train.jsonl")[: settings.max_samples]
    test_samples = read_jsonl(data_dir / "test.jsonl")
    train_encoded = encode_samples(train_samples, tokenizer)
    test_batches = make_batches(encode_samples(test_samples, tokenizer), settings.batch_size, None)

    model = GlubModel(config).to(device)
    optimizer = make_optimizer(model, settings)
    steps_per_epoch = math.ceil(len(train_encoded) / settings.batch_size)
    total_steps = steps_per_epoch * settings.epochs
    log(
        f"training {settings.preset} ({model.num_parameters():,} parameters) on {device}: "
        f"{len(train_encoded)} samples, {settings.epochs} epochs, {total_steps} steps"
    )
    # bf16 autocast on CUDA only: on this CPU bf16 is ~25x slower than fp32.
    use_bf16 = device == "cuda"
    autocast_device = "cuda" if use_bf16 else "cpu"
    step, best, started = 0, math.inf, time.perf_counter()
    history = []
    for epoch in range(settings.epochs):
        model.train()
        tokens, epoch_started, loss_sum, batches = 0, time.perf_counter(), 0.0, 0
        for inputs, targets in make_batches(train_encoded, settings.batch_size, rng):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, total_steps, settings)
            inputs, targets = inputs.to(device), targets.to(device)
            with torch.autocast(device_type=autocast_device, dtype=torch.bfloat16, enabled=use_bf16):
                logits, _, _ = model(inputs)
            loss = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
            optimizer.step()
            step += 1
            tokens += int((inputs != PAD_ID).sum())
            loss_sum += loss.item()
            batches += 1
        train_loss = loss_sum / batches
        test_loss = evaluate(model, test_batches, device)
        elapsed = time.perf_counter() - started
        record = {"epoch": epoch + 1, "step": step, "train_loss": train_loss, "test_loss": test_loss,
                  "test_perplexity": math.exp(test_loss), "elapsed_s": round(elapsed, 2)}
        history.append(record)
        out_dir.mkdir(parents=True, exist_ok=True)
        with (out_dir / METRICS).open("a", encoding="utf-8") as metrics:
            metrics.write(json.dumps(record) + "\n")
        log(
            f"epoch {epoch + 1}/{settings.epochs}  train loss {train_loss:.3f}  "
            f"test loss {test_loss:.3f}  ppl {math.exp(test_loss):.2f}  "
            f"{tokens / (time.perf_counter() - epoch_started):,.0f} tok/s  {elapsed:.1f}s"
        )
        if test_loss < best:
            best = test_loss
            out_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tokenizer_path, out_dir / TOKENIZER)
            save_checkpoint(
                out_dir,
                model,
                {"preset": settings.preset, "step": step, "epoch": epoch + 1, "test_loss": test_loss,
                 "test_perplexity": math.exp(test_loss), "tokenizer_sha256": sha256_file(tokenizer_path),
                 "settings": asdict(settings), "history": history},
            )
    return {"best_test_loss": best, "best_test_perplexity": math.exp(best), "history": history}
