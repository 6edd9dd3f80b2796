import json
import math

import numpy as np
import pytest
import torch

from engine_py.chat import MAX_CONTEXT
from engine_py.generate import generate_reply
from engine_py.sampler import GREEDY
from engine_py.tokenizer import Tokenizer
from export.onnx_export import export_onnx
from export.parity import greedy_tokens, max_logit_difference, parity_prompts
from export.runtime import OnnxStepModel
from trainer.chat import TorchStepModel
from trainer.checkpoint import load_checkpoint, sha256_file
from trainer.data import build_dataset, read_jsonl


def test_dataset_split_shares_no_reply_between_train_and_test():
    split = build_dataset(3000, seed=3)
    assert {s["reply"] for s in split.train}.isdisjoint({s["reply"] for s in split.test})
    assert {s["output"] for s in split.train}.isdisjoint({s["output"] for s in split.test})


def test_dataset_is_deterministic_for_a_seed():
    assert build_dataset(200, seed=5) == build_dataset(200, seed=5)
    assert build_dataset(200, seed=5) != build_dataset(200, seed=6)


def test_malformed_data_file_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"input": "hi", "output": "glub"}\n{not json\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        read_jsonl(path)


def test_tiny_training_run_writes_safetensors_and_json_config(tiny_checkpoint):
    assert (tiny_checkpoint / "model.safetensors").is_file()
    info = json.loads((tiny_checkpoint / "config.json").read_text())
    assert info["preset"] == "tiny"
    assert info["tokenizer_sha256"] == sha256_file(tiny_checkpoint / "tokenizer.json")
    records = [json.loads(line) for line in (tiny_checkpoint / "metrics.jsonl").read_text().splitlines()]
    history = [r for r in records if r["kind"] == "epoch"]
    assert [r["epoch"] for r in history] == [1, 2, 3]
    assert history[-1]["train_loss"] < history[0]["train_loss"]  # it learned something
    assert info["test_loss"] < math.log(5120)  # and beats guessing on replies it never saw
    assert math.isfinite(info["test_perplexity"])


def test_train_refuses_a_non_empty_output_folder(tiny_checkpoint, dataset_dir, tokenizer_path, capsys):
    from trainer.__main__ import main

    before = (tiny_checkpoint / "model.safetensors").read_bytes()
    code = main(["train", "--data", str(dataset_dir), "--tokenizer", str(tokenizer_path),
                 "--out", str(tiny_checkpoint), "--preset", "tiny"])
    assert code == 2
    assert "not empty" in capsys.readouterr().err
    assert (tiny_checkpoint / "model.safetensors").read_bytes() == before


def test_unknown_preset_exits_with_one_line_error(tmp_path, dataset_dir, tokenizer_path, capsys):
    from trainer.__main__ import main

    code = main(["train", "--data", str(dataset_dir), "--tokenizer", str(tokenizer_path),
                 "--out", str(tmp_path / "x"), "--preset", "whale"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "unknown preset" in err and "\n" not in err


def test_chat_prompt_replies_through_the_engine(tiny_checkpoint, capsys):
    from trainer.__main__ import main

    assert main(["chat", "--checkpoint", str(tiny_checkpoint), "--prompt", "hello", "--seed", "1"]) == 0
    assert capsys.readouterr().out.strip()


def test_fp32_onnx_logits_match_torch_within_1e_4(tiny_checkpoint, tmp_path):
    model, _ = load_checkpoint(tiny_checkpoint)
    onnx_model = OnnxStepModel(export_onnx(model, tmp_path / "fp32.onnx"))
    tokenizer = Tokenizer.from_file(tiny_checkpoint / "tokenizer.json")
    prompts = parity_prompts(tokenizer, ["hello", "how are you", "x" * 300])
    assert max_logit_difference(model, onnx_model, prompts, steps=10) < 1e-4


def test_kv_cache_greedy_generation_equals_full_recompute(tiny_checkpoint, tmp_path):
    model, _ = load_checkpoint(tiny_checkpoint)
    onnx_model = OnnxStepModel(export_onnx(model, tmp_path / "fp32.onnx"))
    tokenizer = Tokenizer.from_file(tiny_checkpoint / "tokenizer.json")
    for prompt in parity_prompts(tokenizer, ["hello", "do you remember me"]):
        new = MAX_CONTEXT - len(prompt)
        sequence = list(prompt)
        with torch.no_grad():
            for _ in range(new):  # the reference way: the whole window again for every token
                logits, _, _ = model(torch.tensor([sequence]), last_only=True)
                sequence.append(int(logits[0].argmax()))
        assert greedy_tokens(onnx_model, prompt, new) == sequence[len(prompt):]
        assert greedy_tokens(TorchStepModel(model), prompt, new) == sequence[len(prompt):]


def test_greedy_reply_is_identical_through_torch_and_onnx(tiny_checkpoint, exported_model):
    tokenizer = Tokenizer.from_file(exported_model / "tokenizer.json")
    model, _ = load_checkpoint(tiny_checkpoint)
    fp32 = OnnxStepModel(tiny_checkpoint / "onnx" / "glub.fp32.onnx")
    torch_reply = generate_reply(TorchStepModel(model), tokenizer, "hello", GREEDY)
    assert torch_reply == generate_reply(fp32, tokenizer, "hello", GREEDY)


def test_export_writes_an_int8_model_and_a_manifest_with_sha256(exported_model):
    manifest = json.loads((exported_model / "manifest.json").read_text())
    model_file = exported_model / manifest["files"]["model"]["path"]
    assert manifest["quantization"] == "int8"
    assert manifest["files"]["model"]["sha256"] == sha256_file(model_file)
    assert manifest["files"]["model"]["bytes"] == model_file.stat().st_size
    assert manifest["files"]["tokenizer"]["sha256"] == sha256_file(exported_model / "tokenizer.json")
    assert manifest["special_tokens"] == {"<pad>": 0, "<bos>": 1, "<eos>": 2, "<user>": 3, "<fish>": 4}
    assert manifest["config"]["max_context"] == MAX_CONTEXT
    assert manifest["parity"]["fp32_max_logit_difference"] < 1e-4
    assert math.isfinite(manifest["test_perplexity"])
    assert model_file.stat().st_size < 10_000_000


def test_int8_model_runs_the_kv_cache_loop(exported_model):
    onnx_model = OnnxStepModel(exported_model / "glub.int8.onnx")
    logits = onnx_model.run([1, 3, 50, 4])
    assert logits.shape == (5120,) and np.isfinite(logits).all()
    assert onnx_model.keys.shape[3] == 4


def test_a_corrupted_model_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not an onnx graph")
    with pytest.raises(ValueError, match="cannot load ONNX model"):
        OnnxStepModel(bad)
