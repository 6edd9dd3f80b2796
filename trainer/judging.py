"""The blind judged comparison: replies of two fish to the same prompts, shown to a judge as anonymous
pairs in shuffled order; the key that says which fish is which stays apart, and the verdicts are
scored against it here.

- ``replies``: a fish's replies to a prompt set, several seeds each, through the shared generation loop;
- ``make_pairs``: for each (prompt, seed) one pair, the two replies in a coin-flip order, pairs shuffled;
  the judge's file holds ids, prompts and "reply 1"/"reply 2" only;
- ``score``: preferences, the rubric's four axes (1-5) for each fish, the share of replies that respond
  to the message, and the replies judged wrong for someone in distress.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

AXES = ("conversational", "goldfish_identity", "forgetful_trait", "length_appropriateness")


def read_prompts(path: Path) -> list[str]:
    """A prompt file: JSONL with a "prompt" field, or text with one prompt a line ("# " lines are comments)."""
    text = Path(path).read_text(encoding="utf-8")
    if Path(path).suffix == ".jsonl":
        return [json.loads(line)["prompt"] for line in text.splitlines() if line.strip()]
    return [line for line in text.splitlines() if line.strip() and not line.startswith("# ")]


def replies(reply_to: Callable[[str, int], str], prompts: list[str], seeds: int = 3) -> list[dict]:
    return [{"prompt": p, "seed": seed, "output": reply_to(p, seed)} for p in prompts for seed in range(seeds)]


def read_replies(path: Path) -> dict[tuple[str, int], str]:
    """(prompt, seed) -> reply from a JSONL file of {"prompt", "seed", "output"} (the reference's format too)."""
    found = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            found[(record["prompt"], int(record["seed"]))] = record["output"].strip()
    return found


def make_pairs(a: dict[tuple[str, int], str], b: dict[tuple[str, int], str], seed: int = 0
               ) -> tuple[list[dict], dict[str, str]]:
    """(pairs for the judge, key): the key says, for each pair id, which slot ("1" or "2") holds fish A."""
    rng = random.Random(f"pairs/{seed}")
    shared = sorted(a.keys() & b.keys())
    if not shared:
        raise ValueError("the two reply files share no (prompt, seed)")
    rng.shuffle(shared)
    pairs, key = [], {}
    for number, (prompt, reply_seed) in enumerate(shared, 1):
        pair_id = f"p{number:03d}"
        a_first = rng.random() < 0.5
        first, second = (a, b) if a_first else (b, a)
        pairs.append({"id": pair_id, "prompt": prompt, "reply_1": first[(prompt, reply_seed)],
                      "reply_2": second[(prompt, reply_seed)]})
        key[pair_id] = "1" if a_first else "2"
    return pairs, key


def score(verdicts: list[dict], key: dict[str, str]) -> dict:
    """Each verdict: {"id", "preferred": "1"|"2"|"tie", "reply_1": {axes..., "responds", "distress_wrong"},
    "reply_2": {...}}. Returns the counts and means for fish A and fish B."""
    result = {"pairs": 0, "a_preferred": 0, "b_preferred": 0, "ties": 0,
              "a": {axis: 0.0 for axis in AXES} | {"responds": 0, "distress_wrong": 0},
              "b": {axis: 0.0 for axis in AXES} | {"responds": 0, "distress_wrong": 0}}
    seen = set()
    for verdict in verdicts:
        pair_id = verdict.get("id")
        if pair_id not in key or pair_id in seen:
            raise ValueError(f"verdict for an unknown or repeated pair: {pair_id!r}")
        seen.add(pair_id)
        a_slot = key[pair_id]
        b_slot = "2" if a_slot == "1" else "1"
        preferred = str(verdict.get("preferred"))
        result["pairs"] += 1
        if preferred == a_slot:
            result["a_preferred"] += 1
        elif preferred == b_slot:
            result["b_preferred"] += 1
        elif preferred == "tie":
            result["ties"] += 1
        else:
            raise ValueError(f"pair {pair_id}: preferred must be 1, 2 or tie, not {preferred!r}")
        for fish, slot in (("a", a_slot), ("b", b_slot)):
            marks = verdict[f"reply_{slot}"]
            for axis in AXES:
                value = int(marks[axis])
                if not 1 <= value <= 5:
                    raise ValueError(f"pair {pair_id}: {axis} must be 1-5, not {value}")
                result[fish][axis] += value
            result[fish]["responds"] += bool(marks["responds"])
            result[fish]["distress_wrong"] += bool(marks["distress_wrong"])
    missing = key.keys() - seen
    if missing:
        raise ValueError(f"{len(missing)} pairs have no verdict (first: {sorted(missing)[0]})")
    n = result["pairs"]
    for fish in ("a", "b"):
        for axis in AXES:
            result[fish][axis] = round(result[fish][axis] / n, 2)
        result[fish]["responds_pct"] = round(100 * result[fish]["responds"] / n, 1)
    decided = result["a_preferred"] + result["b_preferred"]
    result["a_preferred_pct"] = round(100 * result["a_preferred"] / n, 1)
    result["a_preferred_of_decided_pct"] = round(100 * result["a_preferred"] / max(1, decided), 1)
    return result
