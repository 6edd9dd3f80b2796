"""The goldfish dataset: the rulebook's detectors, the validator, the offline generator, the split and
the report. Fast: one 20,000-sample corpus is shared by the module."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer import persona
from trainer.data import (
    PERSONAS,
    generate_samples,
    read_jsonl,
    split_by_family,
    write_dataset,
    write_jsonl,
)
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
from trainer.templates import inputs as input_data
from trainer.templates import personas as persona_data
from trainer.templates import replies as reply_data


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return generate_samples(20_000, seed=11)


@pytest.fixture(scope="module")
def corpus_report(corpus) -> dict:
    return dataset_report(corpus)


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


def test_generation_is_deterministic_for_a_seed_and_persona():
    assert generate_samples(300, seed=7) == generate_samples(300, seed=7)
    assert generate_samples(300, seed=7) != generate_samples(300, seed=8)
    assert generate_samples(300, seed=7, persona="poet") != generate_samples(300, seed=7)


def test_exact_count_and_schema(corpus):
    assert len(corpus) == 20_000
    assert len(generate_samples(1)) == 1
    assert generate_samples(0) == []
    for sample in corpus[:50]:
        assert set(sample) == {"input", "output", "category", "component", "family"}


def test_every_sample_passes_the_rulebook(corpus_report):
    assert corpus_report["invalid"] == 0 and corpus_report["problems"] == {}


def test_the_recipe_mix_and_persona_rates(corpus, corpus_report):
    report = corpus_report
    targets = {"poetic_foundation": 36, "balance": 27, "conversational_companion": 9, "obligatory_forgetting": 27}
    for component, target in targets.items():
        assert abs(report["components"][component]["pct"] - target) <= 3, component
    assert report["forgetting_pct"] >= 20
    assert 55 <= report["question_pct"] <= 65
    assert 25 <= report["interjection_pct"] <= 35
    # the forgetting component always forgets
    assert all(is_forgetting(s["output"]) for s in corpus if s["component"] == "obligatory_forgetting")


def test_diversity(corpus, corpus_report):
    outputs = [s["output"] for s in corpus]
    assert len(set(outputs)) / len(outputs) >= 0.9
    assert len({s["input"] for s in corpus}) >= 10_000
    assert corpus_report["distinct_2"] > 0.01


def test_inputs_cover_the_kinds_of_message(corpus):
    categories = Counter(s["category"] for s in corpus)
    for category in ("greeting", "about_fish", "life", "feelings", "user_day", "nonsense", "rambling",
                     "shouting", "emoji", "other_language", "rude", "remember", "break_character"):
        assert categories[category] > 200, category
    texts = [s["input"] for s in corpus]
    assert all(0 < len(t.strip()) and len(t) <= 280 for t in texts)
    assert any(len(t) > 200 for t in texts)  # long rambles
    assert any(t.isupper() and len(t) > 10 for t in texts)  # all-caps
    assert any(not t.isascii() for t in texts)  # emoji and other scripts
    assert not [t for t in texts if forbidden_concepts(t)]  # nobody steers the fish toward them here


def test_pools_leave_questions_and_interjections_to_the_generator():
    """Only the {end}/{forget} question pools hold '?', only OPENERS/CLOSERS hold interjections: the
    generator decides both per sample, so the measured rates are the aimed-for ones."""
    lines = sum(persona_data.PERSONA_LINES.values(), [])
    asked = sum(reply_data.CATEGORY_QUESTIONS.values(), [])
    pools = [reply_data.POOLS, *persona_data.OVERRIDES.values(), {"lines": lines}, {"end_q": asked}]
    for group in pools:
        for name, entries in group.items():
            for entry in entries:
                assert not has_interjection(entry), (name, entry)
                if name not in ("end_q", "forget_q"):
                    assert "?" not in entry, (name, entry)
    for frames in reply_data.FRAMES.values():
        for frame in frames:
            assert "?" not in frame and not has_interjection(frame)
    assert all(has_interjection(x) for x in reply_data.OPENERS + reply_data.CLOSERS)


def test_no_template_holds_a_forbidden_concept():
    texts = [entry for group in (reply_data.POOLS, input_data.POOLS, input_data.INPUTS) for e in group.values()
             for entry in e]
    texts += input_data.RAMBLE_CLAUSES + input_data.FOREIGN + sum(reply_data.FRAMES.values(), [])
    texts += [entry for group in persona_data.OVERRIDES.values() for e in group.values() for entry in e]
    assert [t for t in texts if forbidden_concepts(t.replace("{", " ").replace("}", " ").replace("|", " "))] == []


def test_some_replies_pick_up_a_word_of_the_message(corpus):
    food = re.compile(r"\b(?:made|ate|cooking) (?:a )?(\w+)")
    meals = [(s, food.search(s["input"])) for s in corpus if s["category"] == "user_day"]
    meals = [(s, m.group(1)) for s, m in meals if m]
    echoed = [s for s, word in meals if re.search(rf"\b{word}\b", s["output"])]
    assert len(meals) > 100 and len(echoed) > len(meals) * 0.1  # "i made soup" -> "soup sounds tasty, ..."


def test_replies_fit_the_reply_budget(corpus):
    pieces = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]+")
    assert max(len(pieces.findall(s["output"])) for s in corpus) <= 36
    assert max(word_count(s["output"]) for s in corpus) <= 30


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "default"])
def test_personas_are_valid_and_different(name):
    samples = generate_samples(3000, seed=2, persona=name)
    report = dataset_report(samples)
    assert report["invalid"] == 0
    assert 55 <= report["question_pct"] <= 65 and 25 <= report["interjection_pct"] <= 35
    assert report["forgetting_pct"] >= 20
    default = {s["output"] for s in generate_samples(3000, seed=2)}
    mine = {s["output"] for s in samples}
    assert len(mine & default) < 30
    # its own lines show up often
    own = {line for entries in persona_data.OVERRIDES[name].values() for line in entries if "{" not in line}
    assert sum(any(line in s["output"] for line in own) for s in samples) > 1000


def test_unknown_persona_is_refused():
    with pytest.raises(ValueError, match="unknown persona"):
        generate_samples(10, persona="shark")


# --- the split ----------------------------------------------------------------------------------------


def test_split_by_family_holds_out_whole_families_and_every_test_reply(corpus):
    split = split_by_family(corpus)
    train_families = {s["family"] for s in split.train}
    test_families = {s["family"] for s in split.test}
    assert train_families.isdisjoint(test_families)
    assert {s["output"] for s in split.train}.isdisjoint({s["output"] for s in split.test})
    assert 0.08 <= len(split.test) / len(corpus) <= 0.12
    # every component keeps families on both sides, so a held-out shape is learnable in style
    for component in persona.COMPONENTS:
        assert any(f.startswith(component) for f in test_families), component
        assert any(f.startswith(component) for f in train_families), component


def test_split_is_stable_across_seeds():
    a = split_by_family(generate_samples(4000, seed=1))
    b = split_by_family(generate_samples(4000, seed=2))
    assert {s["family"] for s in a.test} == {s["family"] for s in b.test}


def test_split_drops_a_test_reply_that_train_also_has():
    samples = [
        {"input": "hi", "output": f"the water {i}", "category": "c", "component": "balance", "family": f"f{i % 10}"}
        for i in range(100)
    ]
    held = split_by_family(samples).test[0]["family"]
    samples.append({**samples[0], "output": next(s["output"] for s in samples if s["family"] == held)})
    split = split_by_family(samples)
    assert {s["output"] for s in split.train}.isdisjoint({s["output"] for s in split.test})


def test_write_dataset_and_read_back(tmp_path: Path):
    split = write_dataset(tmp_path, target=2000, seed=4, persona="grumpy")
    train, test = read_jsonl(tmp_path / "train.jsonl"), read_jsonl(tmp_path / "test.jsonl")
    assert (train, test) == (split.train, split.test)
    assert len(train) + len(test) == 2000


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
    assert "| contain a question | 50.0% | 55-65% | **no** |" in text
    assert "| balance | 2 | 50.0 | 27 | **no** |" in text
    assert "output claims to remember an earlier conversation" in text

    other = tmp_path / "other.jsonl"
    write_jsonl(other, samples[:1] + [good(output="glub. the castle is big.")])
    both = report_files([path, other])
    assert both.count("| measure | value |") == 3  # each file and all together
    assert f"| {other} | 2 | 1 | 0 |" in both  # one output shared with the first file
