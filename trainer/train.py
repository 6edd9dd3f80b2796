"""Training: bucketed chat batches, AdamW with warmup + cosine, test perplexity every epoch,
exact resume from any saved step, and DistributedDataParallel under ``torchrun``."""

from __future__ import annotations

import gc
import hashlib
import json
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
import torch.distributed as dist
from tokenizers import Tokenizer as HFTokenizer

from trainer.batching import IGNORE, Encoded, collate, encode_sample, epoch_batches, padding_fraction, plain_batches
from trainer.checkpoint import TOKENIZER, pick_device, save_checkpoint, sha256_file
from trainer.data import read_jsonl
from trainer.model import GlubModel, preset
from trainer.plot import plot_losses, read_metrics
from trainer.progress import Progress
from trainer.state import latest_training_state, load_training_state, read_state_info, save_training_state
from trainer.tokenizer import encode_text

METRICS = "metrics.jsonl"
LOSS_CURVE = "loss.png"


@dataclass(frozen=True)
class TrainSettings:
    preset: str = "pet"
    epochs: int = 15
    batch_size: int = 64
    lr: float = 3e-4
    warmup_fraction: float = 0.05
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    seed: int = 0
    device: str = "auto"
    loss_on: str = "reply"
    save_every: int = 200
    log_every: int = 10
    max_samples: int | None = None
    max_steps: int | None = None  # stop early (a fixed compute budget, e.g. for comparisons)
    keep: str = "best"  # the checkpoint kept: "best" (lowest test loss) or "last" (the final epoch)

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Cluster:
    """Where this process sits in a ``torchrun`` job (rank 0 of 1 when run plainly)."""

    rank: int = 0
    world: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def join_cluster(device: str) -> tuple[Cluster, str]:
    """Join the process group that torchrun describes in the environment, if any."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return Cluster(), device
    if device.startswith("cuda"):
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local_rank)
        device = f"cuda:{local_rank}"
    dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    return Cluster(dist.get_rank(), dist.get_world_size()), device


def learning_rate(step: int, total: int, settings: TrainSettings) -> float:
    """Linear warmup over the first ``warmup_fraction`` of the steps, then cosine to zero."""
    warmup = max(1, int(total * settings.warmup_fraction))
    if step < warmup:
        return settings.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return settings.lr * 0.5 * (1 + math.cos(math.pi * progress))


def make_optimizer(model: GlubModel, settings: TrainSettings) -> torch.optim.AdamW:
    """Weight decay on weight matrices only: norms (1-D) are left alone."""
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": matrices, "weight_decay": settings.weight_decay}, {"params": vectors, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=settings.lr, betas=(0.9, 0.95))


def load_tokenizer(path: Path) -> HFTokenizer:
    if not path.is_file():
        raise ValueError(f"tokenizer not found: {path}")
    try:
        return HFTokenizer.from_file(str(path))
    except Exception as error:  # the library raises a bare Exception for a malformed file
        raise ValueError(f"malformed tokenizer {path}: {error}") from None


def encode_samples(samples: list[dict], tokenizer: HFTokenizer, loss_on: str) -> list[Encoded]:
    return [encode_sample(encode_text(tokenizer, s["input"]), encode_text(tokenizer, s["output"]), loss_on)
            for s in samples]


def encode_file(path: Path, tokenizer: HFTokenizer, loss_on: str, limit: int | None = None) -> list[Encoded]:
    return encode_samples(read_jsonl(path)[:limit], tokenizer, loss_on)


@torch.no_grad()
def evaluate(model: GlubModel, samples: list[Encoded], device: str, batch_size: int = 64) -> float:
    """Mean cross-entropy per target token (the reply tokens and <eos> by default)."""
    model.eval()
    total, count = 0.0, 0
    for indices in plain_batches(len(samples), batch_size):
        inputs, targets = collate(samples, indices)
        logits, _, _ = model(inputs.to(device))
        total += torch.nn.functional.cross_entropy(
            logits.flatten(0, 1).float(), targets.to(device).flatten(), ignore_index=IGNORE, reduction="sum"
        ).item()
        count += int((targets != IGNORE).sum())
    model.train()
    return total / max(1, count)


def parameters_digest(model: torch.nn.Module) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def append_metric(out_dir: Path, record: dict) -> None:
    with (out_dir / METRICS).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def trim_metrics(out_dir: Path, step: int, epochs_done: int) -> None:
    """On resume, forget what was logged after the state we resume from."""
    path = out_dir / METRICS
    if not path.is_file():
        return
    kept = [
        r for r in read_metrics(path)
        if r["step"] <= step and not (r["kind"] == "epoch" and r["epoch"] > epochs_done)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")


def train(
    data_dir: Path | None,
    tokenizer_path: Path | None,
    out_dir: Path,
    settings: TrainSettings | None = None,
    resume: bool = False,
    log: Callable[[str], None] = print,
) -> dict:
    """Train on ``data_dir/{train,test}.jsonl``; the best checkpoint (by test loss) goes to ``out_dir``.

    With ``resume``, the settings, data and tokenizer come from the newest state in ``out_dir``,
    and the run continues from exactly where that state was saved.
    """
    state_folder = latest_training_state(out_dir) if resume else None
    if resume:
        if state_folder is None:
            raise ValueError(f"nothing to resume in {out_dir}")
        saved = read_state_info(state_folder)
        settings = TrainSettings.from_dict(saved["settings"])
        data_dir, tokenizer_path = Path(saved["data_dir"]), Path(saved["tokenizer_path"])
        if sha256_file(tokenizer_path) != saved["tokenizer_sha256"]:
            raise ValueError(f"{tokenizer_path} changed since this run started; cannot resume")
    assert settings is not None and data_dir is not None and tokenizer_path is not None

    cluster, device = join_cluster(pick_device(settings.device))
    torch.manual_seed(settings.seed)
    config = preset(settings.preset)
    tokenizer = load_tokenizer(tokenizer_path)
    if tokenizer.get_vocab_size() > config.vocab_size:
        raise ValueError(f"tokenizer has {tokenizer.get_vocab_size()} ids, the model only {config.vocab_size}")
    train_set = encode_file(data_dir / "train.jsonl", tokenizer, settings.loss_on, settings.max_samples)
    test_set = encode_file(data_dir / "test.jsonl", tokenizer, "reply")
    lengths = [len(s.inputs) for s in train_set]

    model = GlubModel(config).to(device)
    optimizer = make_optimizer(model, settings)
    ddp = torch.nn.parallel.DistributedDataParallel(model) if cluster.world > 1 else None
    steps_per_epoch = len(epoch_batches(lengths, settings.batch_size, settings.seed, 0)) // cluster.world
    if steps_per_epoch == 0:
        raise ValueError("not enough training samples for one batch per process")
    total_steps = steps_per_epoch * settings.epochs
    if settings.max_steps is not None:
        total_steps = min(total_steps, settings.max_steps)

    info = {
        "preset": settings.preset,
        "settings": asdict(settings),
        "data_dir": str(data_dir.resolve()),
        "tokenizer_path": str(tokenizer_path.resolve()),
        "tokenizer_sha256": sha256_file(tokenizer_path),
        "train_sha256": sha256_file(data_dir / "train.jsonl"),
    }
    epoch, next_batch, step, best = 0, 0, 0, math.inf
    loss_sum, loss_count = 0.0, 0
    if state_folder is not None:
        saved = load_training_state(state_folder, model, optimizer)
        if saved["train_sha256"] != info["train_sha256"]:
            raise ValueError(f"{data_dir / 'train.jsonl'} changed since this run started; cannot resume")
        epoch, next_batch, step, best = saved["epoch"], saved["next_batch"], saved["step"], saved["best_test_loss"]
        loss_sum, loss_count = saved["epoch_loss_sum"], saved["epoch_loss_count"]
        if cluster.is_main:
            trim_metrics(out_dir, step, epoch)
        log(f"resuming from step {step} (epoch {epoch + 1}, batch {next_batch})")

    if cluster.is_main:
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tokenizer_path, out_dir / TOKENIZER)
        padding = padding_fraction(train_set, epoch_batches(lengths, settings.batch_size, settings.seed, 0))
        log(
            f"training {settings.preset} ({model.num_parameters():,} parameters) on {device} x{cluster.world}: "
            f"{len(train_set)} samples, {settings.epochs} epochs, {total_steps} steps, padding {padding:.1%}"
        )

    def save_state() -> None:
        if cluster.is_main:
            save_training_state(out_dir, model, optimizer, {
                **info, "step": step, "epoch": epoch, "next_batch": next_batch, "best_test_loss": best,
                "epoch_loss_sum": loss_sum, "epoch_loss_count": loss_count,
                "data_order": {"seed": settings.seed, "epoch": epoch, "next_batch": next_batch,
                               "world": cluster.world},
            })

    use_bf16 = device.startswith("cuda")  # bf16 on this CPU is ~25x slower than fp32
    progress = Progress(total_steps, start=step, every=settings.log_every * 10) if cluster.is_main else None
    forward = ddp or model
    model.train()
    try:
        while epoch < settings.epochs and step < total_steps:
            batches = epoch_batches(lengths, settings.batch_size, settings.seed, epoch)
            mine = batches[cluster.rank : steps_per_epoch * cluster.world : cluster.world]
            while next_batch < len(mine) and step < total_steps:
                inputs, targets = collate(train_set, mine[next_batch])
                inputs, targets = inputs.to(device), targets.to(device)
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate(step, total_steps, settings)
                with torch.autocast(device_type="cuda" if use_bf16 else "cpu", dtype=torch.bfloat16, enabled=use_bf16):
                    loss = forward(inputs, targets=targets)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
                optimizer.step()
                step, next_batch = step + 1, next_batch + 1
                loss_sum, loss_count = loss_sum + loss.item(), loss_count + 1
                if progress is not None:
                    progress.update(step, loss.item(), int((targets != IGNORE).sum()) * cluster.world)
                    if step % settings.log_every == 0:
                        append_metric(out_dir, {"kind": "step", "step": step, "epoch": epoch + 1,
                                                "loss": loss.item(), "lr": optimizer.param_groups[0]["lr"]})
                if settings.save_every and step % settings.save_every == 0:
                    save_state()

            test_loss = evaluate(model, test_set, device)
            if cluster.is_main:
                record = {"kind": "epoch", "epoch": epoch + 1, "step": step, "train_loss": loss_sum / loss_count,
                          "test_loss": test_loss, "test_perplexity": math.exp(test_loss)}
                append_metric(out_dir, record)
                if progress is not None:
                    progress.close()
                log(f"epoch {epoch + 1}/{settings.epochs}  train loss {record['train_loss']:.3f}  "
                    f"test loss {test_loss:.3f}  ppl {record['test_perplexity']:.2f}")
                if test_loss < best or settings.keep == "last":
                    save_checkpoint(out_dir, model, {**info, "step": step, "epoch": epoch + 1,
                                                     "test_loss": test_loss, "test_perplexity": math.exp(test_loss)})
            best = min(best, test_loss)
            epoch, next_batch, loss_sum, loss_count = epoch + 1, 0, 0.0, 0
            save_state()
    except KeyboardInterrupt:
        save_state()
        raise

    result = {"best_test_loss": best, "best_test_perplexity": math.exp(best), "steps": step,
              "digest": parameters_digest(model)}
    if cluster.world > 1:
        digests: list[str | None] = [None] * cluster.world
        dist.all_gather_object(digests, result["digest"])
        result["ranks_agree"] = len(set(digests)) == 1
        if cluster.is_main:
            (out_dir / "ranks.json").write_text(json.dumps({"digests": digests}, indent=2) + "\n")
        # The DDP wrapper holds the process group through reference cycles; left to the interpreter's
        # shutdown, gloo's threads were torn down after Python and a rank aborted ("terminate called
        # without an active exception") about once in ten runs. Free it now, and let every rank
        # finish its last exchange before any of them destroys the group.
        ddp = forward = None
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()
    if cluster.is_main:
        plot_losses(read_metrics(out_dir / METRICS), out_dir / LOSS_CURVE)
    return result

