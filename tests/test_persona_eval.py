from engine_py.tokenizer import Tokenizer
from export.runtime import OnnxStepModel
from trainer.persona_eval import PROMPTS, bar_failures, distinct_2, evaluate_persona, has_loop, is_unfinished


def test_prompt_set_covers_the_ten_kinds_of_conversation_with_at_least_60_prompts():
    assert len(PROMPTS) == 10
    prompts = [p for group in PROMPTS.values() for p in group]
    assert len(prompts) >= 60 and len(set(prompts)) == len(prompts)


def test_loop_and_unfinished_detectors():
    assert has_loop("glub glub glub glub")
    assert has_loop("the water is the water is the water is nice")
    assert not has_loop("glub glub, hello there")
    assert not has_loop("my favourite song is the bubbles. pop, pop, pop.")  # a written device, said three times


def test_no_written_reply_of_the_corpus_is_a_loop():
    from trainer.corpus import load_corpus

    assert [r for s in load_corpus() for r in s.replies if has_loop(r)] == []
    assert is_unfinished("i was going to say that the")
    assert not is_unfinished("i was going to say something!")
    assert not is_unfinished("hello 🐟")


def test_distinct_2_is_the_share_of_unique_bigrams():
    assert distinct_2(["a b c", "a b d"]) == 3 / 4


def test_bars_name_what_fails():
    summary = {"non_empty": 1.0, "in_length": 0.95, "world": 0.5, "forbidden": 0, "claims_memory": 1, "loops": 0}
    failures = bar_failures(summary)
    assert any("vocabulary" in f for f in failures) and any("claims memory" in f for f in failures)
    assert len(failures) == 2


def test_persona_eval_runs_the_shipped_loop_on_an_exported_model(exported_model):
    model = OnnxStepModel(exported_model / "glub.int8.onnx")
    tokenizer = Tokenizer.from_file(exported_model / "tokenizer.json")
    result = evaluate_persona(model, tokenizer, seeds=(1,))
    summary = result["summary"]
    assert summary["replies"] == summary["prompts"] == len(result["rows"])
    assert 0 <= summary["world"] <= 1 and summary["non_empty"] > 0
