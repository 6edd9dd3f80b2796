"""``python -m export bench --browser`` on a small trained model: the table's shape and the ways' agreement.

Speeds are printed by the benchmark and written in docs/PERFORMANCE.md, never asserted here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from export.bench import NEW_TOKENS, bench_prompt
from export.browser_bench import bench_model, bench_pages, markdown_table, write_bench_site
from export.parity import greedy_tokens
from export.runtime import OnnxStepModel
from trainer.checkpoint import load_checkpoint

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def bench_rows(browser: Any, tiny_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """One round on 1 and 2 threads, fp32 and INT8. A trained model, not random weights: random
    weights repeat the prompt's last token forever, and every way would agree on that for free."""
    model, _ = load_checkpoint(tiny_checkpoint)
    folder = write_bench_site(tmp_path_factory.mktemp("bench"))
    lines: list[str] = []
    with bench_pages(folder, [1, 2], browser, log=lines.append) as pages:
        rows = bench_model(pages, folder, "tiny", model, ["fp32", "int8"], repeats=1, log=lines.append)
    assert len(lines) == len(rows)
    return rows


def test_one_row_per_variant_and_thread_count_with_every_way_timed(bench_rows):
    assert [(r["variant"], r["threads"]) for r in bench_rows] == [("fp32", 1), ("fp32", 2), ("int8", 1), ("int8", 2)]
    for row in bench_rows:
        assert set(row["times"]) == {"kv", "naive", "nocache"}
        assert all(len(times) == 1 and times[0] > 0 for times in row["times"].values())
        assert row["kv_ms_per_token"] == pytest.approx(row["kv_ms"] / NEW_TOKENS)
        assert row["file_mb"] > 0
    table = markdown_table(bench_rows).splitlines()
    assert len(table) == 2 + len(bench_rows)
    assert table[2].startswith("| tiny | fp32 |") and table[2].count("|") == table[0].count("|")


def test_fp32_ways_give_the_greedy_tokens_of_cpython_onnxruntime(bench_rows, tiny_checkpoint, tmp_path):
    from export.onnx_export import export_onnx

    model, _ = load_checkpoint(tiny_checkpoint)
    reference = greedy_tokens(OnnxStepModel(export_onnx(model, tmp_path / "kv.onnx")), bench_prompt(), NEW_TOKENS)
    assert len(set(reference)) > 1  # a check that means something
    for row in bench_rows:
        if row["variant"] == "fp32":
            assert row["same_tokens"]
            assert row["tokens"]["kv"] == reference


def test_int8_replies_in_the_browser_are_whole(bench_rows):
    for row in bench_rows:
        if row["variant"] == "int8":
            assert all(len(tokens) == NEW_TOKENS for tokens in row["tokens"].values())
            assert all(0 <= t < 5120 for t in row["tokens"]["kv"])


def test_the_bench_page_is_not_part_of_the_built_site(site: Path):
    assert not list(site.rglob("bench.js"))
    assert "reply bench" not in (site / "index.html").read_text()
