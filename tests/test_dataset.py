"""The goldfish dataset: the rulebook's detectors, the validator, the offline generator, the split and
the report. Fast: one 20,000-sample corpus is shared by the module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer import flourishes, persona
from trainer.corpus import load_corpus
from trainer.data import PERSONAS, build_dataset, plan_split, read_jsonl, write_dataset, write_jsonl
from trainer.persona import (
    claims_memory,
    forbidden_concepts,
    has_interjection,
    has_question,
    is_forgetting,
    mentions_world,
    validate_sample,
    word_count,
)
from trainer.report import dataset_report, format_report, report_files


@pytest.fixture(scope="module")
def split():
    return build_dataset(20_000, seed=11)


@pytest.fixture(scope="module")
def samples(split) -> list[dict]:
    return split.train + split.test


@pytest.fixture(scope="module")
def samples_report(samples) -> dict:
    return dataset_report(samples)


def good(**changes) -> dict:
    sample = {
        "input": "hello fish",
        "output": "glub! hello, the water is warm today. do you like bubbles?",
        "category": "greeting",
        "component": "balance",
    }
    sample.update(changes)
    return sample


# --- the rulebook's detectors -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "the castle is... wait, what was i saying?",
    "i forgot what comes next, but the water is warm.",
    "the light on the gravel... hm. where was i?",
    "hello! have we met? the bubbles say hi.",
    "i don't remember you, but welcome to the glass.",
    "the thought swam away. nice bubble, though.",
    "my memory is about one bubble long.",
    "who are you again? i was watching the light.",
])
def test_forgetting_is_detected(text):
    assert is_forgetting(text)


@pytest.mark.parametrize("text", [
    "the water is warm and the light is soft.",
    "don't forget to feed the fish, the flakes are by the bowl.",
    "i like the castle, it has a door.",
    "forgetful? no, i am a fish of the forge... of the glass.",
])
def test_not_forgetting(text):
    assert not is_forgetting(text)


def test_question_and_interjection_detectors():
    assert has_question("do you like the bowl?")
    assert not has_question("i like the bowl.")
    for text in ("glub! the water is nice.", "the water, blub, is nice.", "oh! a flake.", "GLUB. the bowl",
                 "the bowl is nice. glub glub."):
        assert has_interjection(text), text
    for text in ("oh, a flake.", "glubby water", "the bubbles blubber on", "ooh, the castle", "ohio light"):
        assert not has_interjection(text), text


@pytest.mark.parametrize("text", [
    "as i said before, the water is cold.",
    "last time you told me about your cat. the bowl missed you.",
    "i remember you said the bowl is nice.",
    "we talked yesterday about bubbles.",
    "welcome back to my bowl!",
    "nice to see you again, the water is warm.",
    "like i said, the castle is mine.",
    "you always say that when the light is on.",
    "we've chatted before, by the glass.",
])
def test_claims_to_remember(text):
    assert claims_memory(text)


@pytest.mark.parametrize("text", [
    "i don't remember. is the water warm?",
    "did we talk before? the bubbles don't know.",
    "have we talked before? every face is new.",
    "i can't remember what you said before, sorry, glub.",
    "i remember the water. it is wet.",
    "do i remember you? the light says no.",
    "remember? i only remember bubbles... wait, what?",
])
def test_allowed_memory_talk(text):
    assert not claims_memory(text)


def test_forbidden_concepts_match_whole_words_only():
    assert forbidden_concepts("i watched ted lasso") == ["ted lasso", "ted", "lasso"]
    assert forbidden_concepts("coach beard says hi") == ["beard", "coach beard", "coach"]
    assert forbidden_concepts("the goals were great") == ["goal"]
    assert forbidden_concepts("AFC RICHMOND!") == ["richmond", "afc richmond"]
    assert forbidden_concepts("two matches and a penalty") == ["match", "penalty"]
    assert forbidden_concepts("roy  kent") == ["roy kent"]
    assert forbidden_concepts("the team's locker room") == ["team", "locker room"]
    assert forbidden_concepts("biscuits with the boss") == ["biscuits with the boss"]
    assert "soccer" in forbidden_concepts("i love soccer.")
    assert "football" in forbidden_concepts("Football is fun")
    for clean in ("my goldfish glass", "i am so excited", "the kitchen light", "nature is nice", "a matchbox",
                  "pitch-black water", "kites in the sky", "the goldfinch sings", "a bearded dragon",
                  "a teammatee", "the coachella lights", "scoaching"):
        assert forbidden_concepts(clean) == [], clean


def test_world_and_word_count():
    assert mentions_world("the castle is tall")
    assert mentions_world("BUBBLES!")
    assert not mentions_world("i like pizza and sunshine")
    assert not mentions_world("a bowling ball")  # whole words only
    assert word_count("oh! the water... is nice ?") == 5
    assert word_count("glub") == 1
    assert word_count("") == 0


# --- the validator ------------------------------------------------------------------------------------


def test_a_good_sample_is_valid():
    assert validate_sample(good()) == []
    assert validate_sample(good(family="balance/00", extra=1)) == []  # extra keys are fine


@pytest.mark.parametrize("changes, fragment", [
    ({"output": "Glub! Hello, the water is warm."}, "lowercase"),
    ({"output": "the water"}, "words"),
    ({"output": " ".join(["the water"] * 16)}, "words"),
    ({"output": "hello, i like pizza and sunshine a lot"}, "world"),
    ({"output": "as i said before, the water is warm."}, "remember"),
    ({"output": "the bowl is my team and i coach the bubbles"}, "forbidden"),
    ({"input": "   "}, "input is empty"),
    ({"input": "x" * 281}, "281 characters"),
    ({"component": "poetry"}, "component"),
    ({"category": ""}, "category"),
    ({"output": 3}, "'output'"),
])
def test_validator_catches_each_rule(changes, fragment):
    problems = validate_sample(good(**changes))
    assert len(problems) == 1, problems
    assert fragment in problems[0]


def test_validator_lists_every_problem_and_rejects_non_objects():
    problems = validate_sample(good(output="As I Said, Ted!", component="x"))
    for fragment in ("component", "lowercase", "world", "remember", "forbidden concepts: ted"):
        assert sum(fragment in p for p in problems) == 1, (fragment, problems)
    assert len(problems) == 5
    assert validate_sample(["not", "a", "dict"]) == ["a sample must be a JSON object"]
    missing = validate_sample({"input": "hi"})
    assert len(missing) == 3


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["input", "output", "category", "component", "family", "x"]), _json)
       | _json)
def test_validator_never_raises_on_any_json(value):
    """The LLM pipeline hands it whatever a model answered."""
    problems = validate_sample(value)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    if not isinstance(value, dict) or not isinstance(value.get("output"), str):
        assert problems


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_detectors_never_raise_on_any_text(text):
    for detector in (is_forgetting, has_question, has_interjection, claims_memory, mentions_world):
        assert detector(text) in (True, False)
    assert set(forbidden_concepts(text)) <= set(persona.FORBIDDEN)
    assert word_count(text) >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(persona.WORLD_WORDS) + ["the", "a", "little", "goldfish", "glub", "oh!",
                                                                  "excited", "kitchen", "nature", "steam", "matchbox"]),
                min_size=1, max_size=12))
def test_the_fish_world_never_trips_the_forbidden_list(words):
    assert forbidden_concepts(" ".join(words)) == []


# --- the generator ------------------------------------------------------------------------------------


def _pattern(template: str) -> re.Pattern[str]:
    """A written reply with its slots as wildcards."""
    parts = re.split(r"\{[a-z_0-9]+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts))


def test_generation_is_deterministic_for_a_seed_and_persona():
    assert build_dataset(300, seed=7) == build_dataset(300, seed=7)
    assert build_dataset(300, seed=7) != build_dataset(300, seed=8)
    assert build_dataset(300, seed=7, persona="poet") != build_dataset(300, seed=7)


def test_size_and_schema(samples):
    assert abs(len(samples) - 20_000) <= 200
    for sample in samples[:200]:
        assert {"input", "output", "category", "component", "family", "situation", "phrasing", "reply"} <= set(sample)
    with pytest.raises(ValueError, match="at least one sample"):
        build_dataset(0)


def test_every_sample_passes_the_rulebook(samples_report):
    assert samples_report["invalid"] == 0 and samples_report["problems"] == {}


def test_a_reply_is_a_written_reply_whole(samples):
    """Slot values, persona lines and forgetting are the only composed parts: a plain reply is exactly
    its written sentence, and a forgetting one begins with it (or with all but its last sentence)."""
    for sample in samples:
        written = _pattern(sample["reply"])
        if sample["component"] == "conversational_companion":
            assert written.fullmatch(sample["output"]), sample
        else:
            first = re.split(r"(?<=[.!?]) ", sample["reply"])[0]
            assert _pattern(first).match(sample["output"]), sample


def test_forgetting_comes_after_the_answer_on_a_measured_share(samples, samples_report):
    assert 15 <= samples_report["forgetting_pct"] <= 35
    forgot = [s for s in samples if s["component"] == "obligatory_forgetting"]
    assert all(is_forgetting(s["output"]) for s in forgot)
    gentle = {s.id for s in load_corpus() if s.gentle or s.short}
    assert not [s for s in forgot if s["situation"] in gentle]  # a fish may lose the thread, not your pain


def test_replies_pick_up_the_slot_word_of_the_message(samples):
    echoing = [s for s in samples if "{" in s["reply"]]
    with_slot = [s for s in samples if "{" in s["phrasing"]]
    assert len(echoing) > 0.5 * len(with_slot) > 0.03 * len(samples)  # ECHO_PREFERENCE of what can echo
    situations = {s.id: s for s in load_corpus()}
    for sample in [s for s in echoing if s["component"] == "conversational_companion"][:2000]:  # a trail-off may cut it
        situation = situations[sample["situation"]]
        for name in re.findall(r"\{([a-z_0-9]+)\}", sample["reply"]):
            value = next(v for v in situation.slots[name] if v.lower() in sample["output"]
                         and v.lower() in sample["input"].lower())
            assert value, (name, sample)


def test_messages_come_dressed_as_people_type_them(samples):
    texts = [s["input"] for s in samples]
    assert all(0 < len(t.strip()) and len(t) <= 280 for t in texts)
    assert any(t.isupper() and len(t) > 10 for t in texts)  # shouting
    assert any(not t.isascii() for t in texts)  # emoji and other scripts
    assert len(set(texts)) > 0.5 * len(texts)


def test_replies_fit_the_reply_budget(samples):
    pieces = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]+")
    assert max(len(pieces.findall(s["output"])) for s in samples) <= 38
    assert max(word_count(s["output"]) for s in samples) <= 30


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "default"])
def test_personas_are_valid_and_different(name):
    split = build_dataset(3000, seed=2, persona=name)
    report = dataset_report(split.train)
    assert report["invalid"] == 0
    lines = flourishes.PERSONA_LINES[name]["before"] + flourishes.PERSONA_LINES[name]["after"]
    own = sum(any(line in s["output"] for line in lines) for s in split.train)
    assert 0.45 < own / len(split.train) < 0.75  # PERSONA_LINE_RATE, give or take a short reply


def test_unknown_persona_is_refused():
    with pytest.raises(ValueError, match="unknown persona"):
        build_dataset(10, persona="shark")


# --- the split ----------------------------------------------------------------------------------------


def test_no_test_phrasing_or_reply_is_ever_trained_on(split):
    trained_replies = {s["reply"] for s in split.train}
    trained_phrasings = {(s["situation"], s["phrasing"]) for s in split.train}
    assert trained_replies.isdisjoint({s["reply"] for s in split.test})
    assert trained_phrasings.isdisjoint({(s["situation"], s["phrasing"]) for s in split.test})
    assert {s["output"] for s in split.train}.isdisjoint({s["output"] for s in split.test})
    assert 0.08 <= len(split.test) / (len(split.train) + len(split.test)) <= 0.12


def test_every_situation_has_test_phrasings_and_some_are_held_out_whole(split):
    corpus = load_corpus()
    trained = {s["situation"] for s in split.train}
    tested = {s["situation"]: s["held_out"] for s in split.test}
    held_whole = {name for name, kind in tested.items() if kind == "situation"}
    assert held_whole and held_whole.isdisjoint(trained)
    assert {s.id for s in corpus} == trained | held_whole
    assert {name for name, kind in tested.items() if kind == "phrasing"} == trained
    # a few whole situations in every group, never a distress one
    groups = {s.group for s in corpus if s.id in held_whole}
    assert groups == {s.group for s in corpus}
    assert not [s for s in corpus if s.id in held_whole and (s.gentle or s.short)]


def test_split_is_a_property_of_the_corpus_not_the_seed():
    plan = plan_split(load_corpus())
    test_phrasings = {(part.situation.id, phrasing) for part in plan for phrasing in part.test_phrasings}
    test_replies = {reply for part in plan for reply in part.test_replies}
    for seed in (1, 2):
        test = build_dataset(4000, seed=seed).test
        assert {(s["situation"], s["phrasing"]) for s in test} <= test_phrasings
        assert {s["reply"] for s in test} <= test_replies


def test_write_dataset_and_read_back(tmp_path: Path):
    split = write_dataset(tmp_path, target=2000, seed=4, persona="grumpy")
    train, test = read_jsonl(tmp_path / "train.jsonl"), read_jsonl(tmp_path / "test.jsonl")
    assert (train, test) == (split.train, split.test)
    assert abs(len(train) + len(test) - 2000) <= 40


def test_read_jsonl_errors_are_one_line(tmp_path: Path):
    with pytest.raises(ValueError, match="not found"):
        read_jsonl(tmp_path / "missing.jsonl")
    path = tmp_path / "bad.jsonl"
    path.write_text('{"input": "hi", "output": 3}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:1: a sample needs"):
        read_jsonl(path)


# --- the report ---------------------------------------------------------------------------------------


def test_report_on_a_small_file(tmp_path: Path):
    samples = [
        good(),
        good(output="oh! the bowl... wait, what was i saying?", component="obligatory_forgetting"),
        good(output="the light is soft on the gravel.", component="poetic_foundation", category="life"),
        good(output="as i said before, the water is warm", component="balance"),  # claims to remember
    ]
    path = tmp_path / "llm.jsonl"
    write_jsonl(path, samples)
    report = dataset_report(read_jsonl(path))
    assert report["samples"] == 4
    assert report["question_pct"] == 50.0
    assert report["interjection_pct"] == 50.0
    assert report["forgetting_pct"] == 25.0
    assert report["claims_memory"] == 1 and report["invalid"] == 1
    assert report["components"]["balance"] == {"count": 2, "pct": 50.0}
    assert report["categories"]["greeting"]["count"] == 3
    text = format_report(report)
    assert "| contain a question | 50.0% | reported | |" in text
    assert "| express forgetting | 25.0% | 15-35% | yes |" in text
    assert "| balance | 2 | 50.0 |" in text
    assert "written replies" not in text  # these samples name no situation
    assert "output claims to remember an earlier conversation" in text

    other = tmp_path / "other.jsonl"
    write_jsonl(other, samples[:1] + [good(output="glub. the castle is big.")])
    both = report_files([path, other])
    assert both.count("| measure | value |") == 3  # each file and all together
    assert f"| {other} | 2 | 1 | 0 |" in both  # one output shared with the first file


def test_report_counts_the_written_corpus_behind_the_samples(samples_report):
    corpus = load_corpus()
    assert samples_report["situations"] == len(corpus)
    assert samples_report["phrasings"] <= sum(len(set(s.phrasings)) for s in corpus)
    assert samples_report["written_replies"] <= sum(len(set(s.replies)) for s in corpus)
    assert 3 < samples_report["echo_pct"] < 60
    text = format_report(samples_report)
    assert f"| situations | {len(corpus):,} | >= 400 (whole dataset) |" in text


def test_the_same_seed_gives_the_same_file_in_any_process(tmp_path: Path):
    """Python salts string hashes per process: no draw may follow the order of a set of strings."""
    import os
    import subprocess
    import sys

    digests = set()
    for salt in ("1", "2"):
        out = tmp_path / salt
        subprocess.run([sys.executable, "-m", "trainer", "data", "--out", str(out), "--target", "3000"],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": salt})
        digests.add((out / "train.jsonl").read_bytes() + (out / "test.jsonl").read_bytes())
    assert len(digests) == 1
