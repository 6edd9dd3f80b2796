"""The training toolkit: batching, schedule, exact resume, DDP, feedback, eval and bad input."""

import io
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from trainer.batching import IGNORE, encode_sample, epoch_batches, padding_fraction
from trainer.model import GlubModel, preset
from trainer.progress import Progress
from trainer.train import TrainSettings, encode_file, learning_rate, load_tokenizer, make_optimizer

ROOT = Path(__file__).resolve().parents[1]


def run_trainer(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "trainer", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def test_bucketed_batches_waste_at_most_10_percent_on_padding(dataset_dir, tokenizer_path):
    samples = encode_file(dataset_dir / "train.jsonl", load_tokenizer(tokenizer_path), "reply")
    batches = epoch_batches([len(s.inputs) for s in samples], 64, seed=0, epoch=0)
    assert padding_fraction(samples, batches) <= 0.10
    assert sorted(i for b in batches for i in b) == list(range(len(samples)))  # each sample once


def test_epoch_order_depends_only_on_seed_and_epoch():
    lengths = [5 + i % 30 for i in range(1000)]
    assert epoch_batches(lengths, 64, 1, 2) == epoch_batches(lengths, 64, 1, 2)
    assert epoch_batches(lengths, 64, 1, 2) != epoch_batches(lengths, 64, 1, 3)


def test_loss_is_on_the_reply_by_default_and_on_everything_as_an_option():
    reply = encode_sample([10, 11, 12], [20, 21], "reply")
    everything = encode_sample([10, 11, 12], [20, 21], "all")
    assert [t for t in reply.targets if t != IGNORE] == [20, 21, 2]
    assert everything.targets == everything.inputs[1:] + [2]
    with pytest.raises(ValueError):
        encode_sample([10], [20], "some")


def test_targets_skip_positions_without_loss_in_the_model():
    torch.manual_seed(0)
    model = GlubModel(preset("tiny")).eval()
    inputs = torch.randint(5, 5000, (2, 12))
    targets = torch.full((2, 12), IGNORE)
    targets[:, 6:] = torch.randint(5, 5000, (2, 6))
    logits, _, _ = model(inputs)
    expected = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=IGNORE)
    assert torch.allclose(model(inputs, targets=targets), expected, atol=1e-6)


def test_warmup_then_cosine_schedule():
    settings = TrainSettings(lr=3e-4, warmup_fraction=0.05)
    total = 1000
    assert learning_rate(0, total, settings) == pytest.approx(3e-4 / 50)
    assert learning_rate(49, total, settings) == pytest.approx(3e-4)
    assert learning_rate(525, total, settings) == pytest.approx(1.5e-4, rel=0.01)
    assert learning_rate(999, total, settings) < 1e-7


def test_weight_decay_applies_to_weight_matrices_only():
    optimizer = make_optimizer(GlubModel(preset("tiny")), TrainSettings())
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 0.1 and all(p.dim() == 2 for p in decayed["params"])
    assert plain["weight_decay"] == 0.0 and all(p.dim() == 1 for p in plain["params"])
    assert decayed["betas"] == (0.9, 0.95)


def test_progress_line_shows_loss_rate_and_eta():
    stream = io.StringIO()
    progress = Progress(total=100, stream=stream, every=10)
    for step in range(1, 21):
        progress.update(step, 2.5, tokens=640)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "20/100" in lines[-1] and "loss 2.500" in lines[-1] and "tok/s" in lines[-1] and "eta" in lines[-1]


def test_training_writes_metrics_and_a_loss_curve(tiny_checkpoint):
    records = [json.loads(line) for line in (tiny_checkpoint / "metrics.jsonl").read_text().splitlines()]
    assert any(r["kind"] == "step" for r in records) and any(r["kind"] == "epoch" for r in records)
    png = (tiny_checkpoint / "loss.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def train_args(dataset_dir, tokenizer_path, out, *extra):
    return ["train", "--data", str(dataset_dir), "--tokenizer", str(tokenizer_path), "--out", str(out),
            "--preset", "tiny", "--epochs", "2", "--batch-size", "32", "--max-samples", "1280", *extra]


def final_weights(out: Path) -> bytes:
    states = sorted((out / "state").glob("step-*"))
    return (states[-1] / "model.safetensors").read_bytes()


def test_resume_after_a_kill_mid_epoch_gives_bit_identical_weights(tmp_path, dataset_dir, tokenizer_path):
    whole = run_trainer(*train_args(dataset_dir, tokenizer_path, tmp_path / "whole"))
    assert whole.wait(timeout=300) == 0, whole.stdout.read()

    killed_dir = tmp_path / "killed"
    killed = run_trainer(*train_args(dataset_dir, tokenizer_path, killed_dir, "--save-every", "1"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill it once it is well into the first epoch (40 steps in all)
        steps = [int(p.name[5:]) for p in (killed_dir / "state").glob("step-*") if not p.name.endswith(".tmp")]
        if steps and max(steps) >= 7:
            break
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    assert killed.wait(timeout=30) == -signal.SIGKILL

    resumed = run_trainer("train", "--out", str(killed_dir), "--resume")
    output = resumed.communicate(timeout=300)[0]
    assert resumed.returncode == 0, output
    resumed_from = int(output.split("resuming from step ")[1].split()[0])
    assert 7 <= resumed_from < 40
    assert final_weights(killed_dir) == final_weights(tmp_path / "whole")
    assert (killed_dir / "model.safetensors").read_bytes() == (tmp_path / "whole" / "model.safetensors").read_bytes()
    epochs = [json.loads(x)["epoch"] for x in (killed_dir / "metrics.jsonl").read_text().splitlines()
              if json.loads(x)["kind"] == "epoch"]
    assert epochs == [1, 2]


def test_two_process_ddp_on_cpu_keeps_ranks_in_agreement(tmp_path, dataset_dir, tokenizer_path):
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    args = train_args(dataset_dir, tokenizer_path, out)
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "trainer", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    digests = json.loads((out / "ranks.json").read_text())["digests"]
    assert len(digests) == 2 and digests[0] == digests[1]
    assert "x2" in result.stdout  # both processes joined one job


def test_eval_gives_test_perplexity_of_a_checkpoint_and_of_its_onnx(tiny_checkpoint, exported_model, dataset_dir,
                                                                     capsys):
    from trainer.__main__ import main

    assert main(["eval", "--checkpoint", str(tiny_checkpoint), "--data", str(dataset_dir)]) == 0
    assert main(["eval", "--onnx", str(exported_model / "glub.int8.onnx"), "--data", str(dataset_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    torch_ppl, onnx_ppl = (float(line.split("perplexity ")[1].split()[0]) for line in lines)
    info = json.loads((tiny_checkpoint / "config.json").read_text())
    assert torch_ppl == pytest.approx(info["test_perplexity"], rel=1e-4)
    assert math.isfinite(onnx_ppl) and onnx_ppl == pytest.approx(torch_ppl, rel=0.1)


@pytest.mark.parametrize("case", ["missing data", "malformed data", "malformed tokenizer", "nothing to resume"])
def test_bad_input_is_a_one_line_error_and_writes_nothing(case, tmp_path, dataset_dir, tokenizer_path, capsys):
    from trainer.__main__ import main

    data, tokenizer, out = dataset_dir, tokenizer_path, tmp_path / "out"
    extra = []
    if case == "missing data":
        data = tmp_path / "nowhere"
    elif case == "malformed data":
        data = tmp_path / "bad"
        data.mkdir()
        (data / "train.jsonl").write_text('{"input": "hi", "output": "glub"}\n{"input": 3}\n')
        (data / "test.jsonl").write_text('{"input": "hi", "output": "glub"}\n')
    elif case == "malformed tokenizer":
        tokenizer = tmp_path / "tokenizer.json"
        tokenizer.write_text("{ not json")
    else:
        extra = ["--resume"]
    assert main(train_args(data, tokenizer, out, *extra)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
    assert not out.exists() or not any(out.iterdir())


def test_eval_refuses_a_tokenizer_that_does_not_match_the_checkpoint(tiny_checkpoint, dataset_dir, tmp_path, capsys):
    from trainer.__main__ import main
    from trainer.tokenizer import train_tokenizer

    other = tmp_path / "other.json"
    train_tokenizer(["completely different text"] * 10, vocab_size=300).save(str(other))
    assert main(["eval", "--checkpoint", str(tiny_checkpoint), "--data", str(dataset_dir),
                 "--tokenizer", str(other)]) == 2
    assert "not the tokenizer" in capsys.readouterr().err


def test_chat_repl_answers_each_line_until_end_of_input(tiny_checkpoint):
    chat = run_trainer("chat", "--checkpoint", str(tiny_checkpoint), "--seed", "3", stdin=subprocess.PIPE)
    output = chat.communicate("hello\n\nhow are you\n", timeout=120)[0]
    assert chat.returncode == 0, output
    answers = [line for line in output.splitlines() if "fish> " in line]
    assert len(answers) == 3
    assert "(say something to the fish)" in answers[1]
    assert all(a.split("fish> ", 1)[1].strip() for a in answers)


def test_bench_compares_our_step_with_the_pad_to_96_loop(dataset_dir, tokenizer_path):
    from trainer.bench import run_bench

    lines = []
    result = run_bench("tiny", dataset_dir / "train.jsonl", tokenizer_path, steps=2, rounds=1, log=lines.append)
    assert result["ours_padding"] <= 0.10 < result["plain_padding"]
    assert result["ratio"] == pytest.approx(result["ours_tokens_per_s"] / result["plain_tokens_per_s"])
    assert "useful tok/s" in lines[-1]


def test_max_steps_stops_early_and_still_evaluates(tmp_path, dataset_dir, tokenizer_path):
    from trainer.__main__ import main

    out = tmp_path / "budget"
    assert main(train_args(dataset_dir, tokenizer_path, out, "--max-steps", "5")) == 0
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    epochs = [r for r in records if r["kind"] == "epoch"]
    assert len(epochs) == 1 and epochs[0]["step"] == 5
    assert (out / "model.safetensors").is_file()


def test_vanilla_preset_trains_and_exports_through_the_same_commands(tmp_path, dataset_dir, tokenizer_path):
    from export.__main__ import main as export_main
    from trainer.__main__ import main

    out = tmp_path / "vanilla"
    args = train_args(dataset_dir, tokenizer_path, out, "--max-steps", "3")
    args[args.index("tiny")] = "tiny-vanilla"
    assert main(args) == 0
    assert export_main(["--checkpoint", str(out), "--out", str(tmp_path / "model")]) == 0


def test_compare_trains_both_block_kinds_at_equal_parameters_and_budget(tmp_path, dataset_dir, tokenizer_path):
    from trainer.compare import compare, format_comparison
    from trainer.train import TrainSettings

    settings = TrainSettings(preset="tiny", epochs=1, batch_size=32, lr=3e-3, max_steps=4, save_every=0)
    rows = compare(dataset_dir, tokenizer_path, tmp_path / "compare", settings, seeds=(1,))
    assert [r["architecture"] for r in rows] == ["modern", "vanilla"]
    assert rows[0]["parameters"] == rows[1]["parameters"]
    assert [r["steps"] for r in rows] == [4, 4]
    assert all(math.isfinite(r["test_perplexity"]) and r["test_perplexity"] > 1 for r in rows)
    table = format_comparison(rows).splitlines()
    assert len(table) == 4
    assert table[2].startswith("| modern (tiny)") and table[3].startswith("| vanilla (tiny-vanilla)")
    with pytest.raises(ValueError, match="not empty"):
        compare(dataset_dir, tokenizer_path, tmp_path / "compare", settings)
    with pytest.raises(ValueError, match="no vanilla twin"):
        compare(dataset_dir, tokenizer_path, tmp_path / "other", TrainSettings(preset="glub36m"))


def test_keep_last_keeps_the_final_epoch_whatever_its_test_loss(tmp_path, dataset_dir, tokenizer_path):
    """On the written corpus the later epochs listen better while test perplexity rises (docs/TRAINING.md)."""
    from trainer.__main__ import main

    out = tmp_path / "last"
    assert main(train_args(dataset_dir, tokenizer_path, out, "--keep", "last")) == 0
    assert json.loads((out / "config.json").read_text())["epoch"] == 2
