"""The blind judged comparison: pairs carry nothing that tells the fish apart, scoring undoes the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.judging import AXES, make_pairs, read_prompts, read_replies, score


def _replies(tag: str, n: int = 40) -> dict[tuple[str, int], str]:
    return {(f"prompt {i // 2}", i % 2): f"{tag} says {i}" for i in range(n)}


def test_pairs_are_anonymous_shuffled_and_balanced():
    pairs, key = make_pairs(_replies("fish-a"), _replies("fish-b"), seed=1)
    assert len(pairs) == 40 and set(key) == {p["id"] for p in pairs}
    assert all(set(p) == {"id", "prompt", "reply_1", "reply_2"} for p in pairs)
    assert [p["prompt"] for p in pairs] != sorted(p["prompt"] for p in pairs)  # not in prompt order
    first_is_a = sum(p["reply_1"].startswith("fish-a") for p in pairs)
    assert first_is_a == sum(slot == "1" for slot in key.values())
    assert 10 <= first_is_a <= 30
    with pytest.raises(ValueError, match="share no"):
        make_pairs(_replies("a"), {("other", 0): "x"})


def _marks(value: int, responds: bool = True, distress_wrong: bool = False) -> dict:
    return {axis: value for axis in AXES} | {"responds": responds, "distress_wrong": distress_wrong}


def test_score_undoes_the_key():
    key = {"p1": "1", "p2": "2", "p3": "1"}
    verdicts = [
        {"id": "p1", "preferred": "1", "reply_1": _marks(5), "reply_2": _marks(2, responds=False)},
        {"id": "p2", "preferred": "2", "reply_1": _marks(1, distress_wrong=True), "reply_2": _marks(4)},
        {"id": "p3", "preferred": "tie", "reply_1": _marks(3), "reply_2": _marks(3)},
    ]
    result = score(verdicts, key)
    assert (result["a_preferred"], result["b_preferred"], result["ties"]) == (2, 0, 1)
    assert result["a"]["conversational"] == 4.0 and result["b"]["conversational"] == 2.0
    assert result["a"]["responds_pct"] == 100.0 and result["b"]["responds_pct"] == pytest.approx(66.7)
    assert result["b"]["distress_wrong"] == 1 and result["a"]["distress_wrong"] == 0


@pytest.mark.parametrize("verdicts, fragment", [
    ([], "have no verdict"),
    ([{"id": "p9", "preferred": "1"}], "unknown or repeated"),
    ([{"id": "p1", "preferred": "A", "reply_1": _marks(3), "reply_2": _marks(3)}], "preferred must be"),
    ([{"id": "p1", "preferred": "1", "reply_1": _marks(7), "reply_2": _marks(3)}], "must be 1-5"),
])
def test_a_malformed_verdict_is_one_sentence(verdicts, fragment):
    with pytest.raises(ValueError, match=fragment):
        score(verdicts, {"p1": "1"})


def test_the_cli_writes_pairs_and_scores_verdicts(tmp_path: Path, capsys):
    from trainer.__main__ import main

    for tag in ("a", "b"):
        lines = [json.dumps({"prompt": p, "seed": s, "output": o}) for (p, s), o in _replies(tag, 6).items()]
        (tmp_path / f"{tag}.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "judge"
    assert main(["judge-pairs", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--out", str(out)]) == 0
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    verdicts = [{"id": p["id"], "preferred": "1" if p["reply_1"].startswith("a ") else "2",
                 "reply_1": _marks(4), "reply_2": _marks(4)} for p in pairs]
    (out / "verdicts-1.jsonl").write_text("".join(json.dumps(v) + "\n" for v in verdicts))
    assert main(["judge-score", str(out)]) == 0
    assert "6 pairs: A preferred 6 (100.0%)" in capsys.readouterr().out


def test_prompt_and_reply_files(tmp_path: Path):
    text = tmp_path / "prompts.txt"
    text.write_text("# a comment\nhello\n\nhow are you\n")
    assert read_prompts(text) == ["hello", "how are you"]
    jsonl = tmp_path / "prompts.jsonl"
    jsonl.write_text('{"prompt": "hi"}\n')
    assert read_prompts(jsonl) == ["hi"]
    replies = tmp_path / "r.jsonl"
    replies.write_text('{"prompt": "hi", "seed": 0, "output": " the water. "}\n')
    assert read_replies(replies) == {("hi", 0): "the water."}
