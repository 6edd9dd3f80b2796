"""The conversation corpus: the written files meet the issue's sizes and the rulebook, the checker
catches each kind of problem, and the held-out prompt sets stay out of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.corpus import (
    MIN_PHRASINGS,
    MIN_REPLIES,
    CorpusError,
    Situation,
    check_corpus,
    check_situation,
    corpus_counts,
    load_corpus,
    load_file,
    main,
    replies_for,
)
from trainer.overlap import near_pairs

HELD_OUT_PROMPTS = Path(__file__).parent.parent / "trainer" / "heldout_prompts.txt"


@pytest.fixture(scope="module")
def corpus() -> list[Situation]:
    return load_corpus()


def held_out_prompts() -> list[str]:
    lines = HELD_OUT_PROMPTS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def test_the_written_corpus_is_as_big_as_the_issue_asks(corpus):
    counts = corpus_counts(corpus)
    assert counts["situations"] >= 400
    assert counts["phrasings"] >= 4_800
    assert counts["replies"] >= 8_000
    assert all(len(set(s.phrasings)) >= MIN_PHRASINGS and len(set(s.replies)) >= MIN_REPLIES for s in corpus)
    assert counts["gentle"] >= 40  # distress is covered, and marked for the judge
    for group in ("greetings", "feelings", "life_events", "daily_life", "about_fish", "world", "requests",
                  "meta", "adversarial", "odd"):
        assert counts["groups"][group]["situations"] >= 10, group


def test_the_corpus_passes_its_own_checker(corpus):
    assert check_corpus(corpus) == []
    assert main(["check"]) == 0


def test_the_held_out_prompt_set_is_never_near_a_corpus_phrasing(corpus):
    prompts = held_out_prompts()
    assert len(prompts) >= 100
    assert near_pairs([p for s in corpus for p in s.phrasings], prompts) == []


def _situation(**changes) -> Situation:
    fields = {
        "id": "got_a_pet", "group": "life_events", "source": "test.toml",
        "phrasings": tuple(f"i got a {{pet}} number {i}" for i in range(12)),
        "replies": tuple(f"{i} happy ripples in the water for your new friend." for i in range(20)),
        "slots": {"pet": ("puppy", "kitten")},
    }
    fields.update(changes)
    return Situation(**fields)


def test_a_good_situation_has_no_problems():
    assert check_situation(_situation()) == []


@pytest.mark.parametrize("changes, fragment", [
    ({"phrasings": ("hi",) * 12}, "1 different phrasings"),
    ({"replies": ("the water is warm today, friend.",) * 20}, "written twice"),
    ({"id": "Got A Pet"}, "id must be"),
    ({"tone": "sad"}, "tone"),
    ({"form": "tiny"}, "form"),
    ({"slots": {}}, "no values for pet"),
    ({"slots": {"pet": ()}}, "has no values"),
])
def test_the_checker_names_each_shape_problem(changes, fragment):
    assert any(fragment in problem for problem in check_situation(_situation(**changes)))


@pytest.mark.parametrize("reply, fragment", [
    ("The Water Is Warm and so are you.", "not lowercase"),
    ("the sky is blue and the grass is green today.", "names nothing of the bowl"),
    ("water.", "has 1 words"),
    ("as i said, the water is warm today.", "claims to remember"),
    ("the bowl is my team and the castle is the goal.", "forbidden words"),
    ("the water " + "is very " * 30 + "warm.", "characters"),
])
def test_the_checker_holds_every_reply_to_the_rulebook(reply, fragment):
    situation = _situation(replies=_situation().replies[1:] + (reply,))
    assert any(fragment in problem for problem in check_situation(situation)), check_situation(situation)


def test_short_form_replies_may_be_a_word_and_skip_the_bowl():
    replies = tuple(f"yes{'!' * i}" for i in range(1, 21))
    assert check_situation(_situation(form="short", replies=replies)) == []
    assert any("names nothing" in p for p in check_situation(_situation(replies=replies)))


def test_a_reply_with_a_slot_only_answers_phrasings_that_fill_it():
    situation = _situation(phrasings=_situation().phrasings[:11] + ("my family got a pet",),
                           replies=_situation().replies[:19] + ("a {pet}! is it wiggly like my fins?",))
    assert len(replies_for(situation, "i got a {pet}")) == 20
    assert len(replies_for(situation, "my family got a pet")) == 19
    problems = check_situation(_situation(replies=tuple(f"a {{pet}} in the water {i}" for i in range(20)),
                                          phrasings=("we got a pet",) + _situation().phrasings[1:]))
    assert any("only 0 replies fit the slots of 'we got a pet'" in p for p in problems)


def test_the_same_opening_is_allowed_three_times_per_situation():
    replies = tuple(f"oh wow, the water ripples {i} times." for i in range(4)) + _situation().replies[4:]
    assert any("4 replies begin with 'oh wow'" in p for p in check_situation(_situation(replies=replies)))


def test_ids_replies_and_phrasings_are_unique_across_the_corpus():
    a, b = _situation(), _situation(source="other.toml")
    problems = check_corpus([a, b])
    assert any("used 2 times" in p for p in problems)
    assert any("reply also in test.toml" in p for p in problems)
    assert any("phrasing also in" in p for p in check_corpus([a, _situation(id="other")]))


@pytest.mark.parametrize("text, fragment", [
    ("not = [toml", "not valid TOML"),
    ("[[situation]]\nid = 3\n", "needs a string 'id'"),
    ('[[situation]]\nid = "a"\ngroup = "g"\nphrasings = "hi"\n', "must be a list of strings"),
    ("title = 'nothing here'\n", "has no [[situation]] entries"),
])
def test_a_broken_file_is_one_sentence(tmp_path: Path, text, fragment):
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match=re.escape(fragment)):
        load_file(path)
    assert main(["check", str(path)]) == 1


def test_load_corpus_refuses_a_folder_with_problems(tmp_path: Path):
    (tmp_path / "a.toml").write_text('[[situation]]\nid = "a"\ngroup = "g"\nphrasings = ["hi"]\n'
                                     'replies = ["the water is warm."]\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="different phrasings"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="no corpus files"):
        load_corpus(tmp_path / "empty")


def test_near_duplicates_are_found_by_words_as_people_type_them():
    assert near_pairs(["I feel SO lonely!!"], ["i feel lonely"]) == [("I feel SO lonely!!", "i feel lonely", 0.857)]
    assert near_pairs(["tell me a short story"], ["tell me a story"])
    for typed in ("do u like me", "helloooo", "whats my name", "I'm sad", "im sad"):
        assert near_pairs([typed], ["do you like me", "hello", "what's my name?", "i am sad"]), typed
    unlike = ["how are you", "hello fish", "do you like tea"]
    assert near_pairs(unlike, ["who are you", "hello", "do you like me"]) == []
