"""The listening measures: swapped messages, the ratio on a real model, situation accuracy."""

from __future__ import annotations

import pytest

from trainer.corpus import load_corpus
from trainer.data import read_jsonl
from trainer.listening import SituationIndex, listening_ratio, pick, situation_accuracy, swap_messages


def _samples(n: int = 40) -> list[dict]:
    return [{"input": f"message {i}", "output": f"reply {i}", "situation": f"s{i % 4}"} for i in range(n)]


def test_a_swapped_message_always_comes_from_another_situation():
    samples = _samples()
    swapped = swap_messages(samples, seed=3)
    by_input = {s["input"]: s["situation"] for s in samples}
    assert [s["output"] for s in swapped] == [s["output"] for s in samples]
    assert all(by_input[new["input"]] != old["situation"] for old, new in zip(samples, swapped, strict=True))
    assert swap_messages(samples, seed=3) == swapped != swap_messages(samples, seed=4)
    with pytest.raises(ValueError, match="two situations"):
        swap_messages([{**s, "situation": "one"} for s in samples])


def test_pick_is_a_seeded_subset_in_file_order():
    samples = _samples()
    chosen = pick(samples, 10, seed=1)
    assert len(chosen) == 10 and chosen == sorted(chosen, key=samples.index) == pick(samples, 10, seed=1)
    assert pick(samples, 100) == samples


def test_the_index_finds_the_situation_of_a_written_reply():
    corpus = load_corpus()
    index = SituationIndex(corpus)
    replies = [(s.id, r) for s in corpus for r in s.replies[::7]]
    top1 = sum(index.nearest(reply) == name for name, reply in replies) / len(replies)
    assert top1 > 0.8  # the measure can tell situations apart from one reply


def test_situation_accuracy_counts_top1_and_top5():
    corpus = load_corpus()
    index = SituationIndex(corpus)
    target = corpus[0]
    samples = [{"input": "x", "situation": target.id}, {"input": "y", "situation": corpus[1].id}]
    result = situation_accuracy(lambda message, seed: target.replies[0], samples, index, seeds=2)
    assert result["replies"] == 4
    assert result["top1_pct"] == 50.0
    assert result["chance_pct"] == round(100 / len(corpus), 2)


def test_listening_ratio_and_accuracy_on_the_tiny_model(tiny_checkpoint, dataset_dir, capsys):
    """Through the CLI on a real trained model: the ratio is the two perplexities' quotient."""
    from trainer.__main__ import main

    code = main(["eval", "--checkpoint", str(tiny_checkpoint), "--data", str(dataset_dir), "--listening",
                 "--listening-samples", "60"])
    assert code == 0
    out = capsys.readouterr().out
    for kind in ("phrasings", "situations"):
        assert f"held-out {kind}: listening ratio" in out
        assert f"held-out {kind}: situation accuracy" in out
    test = read_jsonl(dataset_dir / "test.jsonl")
    held = [s for s in test if s["held_out"] == "phrasing"][:60]

    from trainer.checkpoint import load_checkpoint
    from trainer.train import encode_samples, evaluate, load_tokenizer

    model, _ = load_checkpoint(tiny_checkpoint)
    hf = load_tokenizer(tiny_checkpoint / "tokenizer.json")

    def loss(samples: list[dict]) -> float:
        return evaluate(model, encode_samples(samples, hf, "reply"), "cpu")

    ratio = listening_ratio(loss, held)
    assert ratio["ratio"] == pytest.approx(ratio["swapped_perplexity"] / ratio["own_perplexity"], rel=1e-2)
    assert ratio["ratio"] > 1.0  # even the tiny model's replies depend a little on the message
