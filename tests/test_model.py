import pytest
import torch

from trainer.model import PRESETS, GlubModel, ModelConfig, preset


def test_glub36m_has_exactly_the_reference_parameter_count():
    assert GlubModel(preset("glub36m")).num_parameters() == 36_055_680


def test_every_preset_builds_with_tied_head_and_no_biases():
    for name in PRESETS:
        model = GlubModel(preset(name))
        names = [n for n, _ in model.named_parameters()]
        assert not any(n.endswith("bias") for n in names), name
        assert not any("head" in n for n in names), name  # the LM head is the embedding


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown preset"):
        preset("whale")


def small_model() -> GlubModel:
    torch.manual_seed(0)
    return GlubModel(ModelConfig(vocab_size=300, hidden=32, n_layer=2, n_head=4, intermediate=64)).eval()


def test_more_than_96_positions_is_refused():
    model = small_model()
    with pytest.raises(ValueError, match="96"):
        model(torch.zeros(1, 97, dtype=torch.long))
    _, keys, values = model(torch.zeros(1, 90, dtype=torch.long))
    with pytest.raises(ValueError, match="96"):
        model(torch.zeros(1, 7, dtype=torch.long), keys, values)


def test_a_later_token_never_changes_an_earlier_logit():
    model = small_model()
    ids = torch.randint(5, 300, (1, 20))
    changed = ids.clone()
    changed[0, 15] = (ids[0, 15] + 1) % 300
    with torch.no_grad():
        a, _, _ = model(ids)
        b, _, _ = model(changed)
    assert torch.allclose(a[0, :15], b[0, :15], atol=1e-6)
    assert not torch.allclose(a[0, 15:], b[0, 15:])


def test_cached_steps_match_full_recompute():
    model = small_model()
    ids = torch.randint(5, 300, (1, 30))
    with torch.no_grad():
        full, _, _ = model(ids)
        first, keys, values = model(ids[:, :25])
        rest = []
        for position in range(25, 30):
            logits, keys, values = model(ids[:, position : position + 1], keys, values)
            rest.append(logits)
    assert torch.allclose(torch.cat([first, *rest], dim=1), full, atol=1e-5)


def test_lm_head_is_the_embedding():
    model = small_model()
    ids = torch.randint(5, 300, (1, 8))
    with torch.no_grad():
        before, _, _ = model(ids)
        model.embed.weight[200] += 1.0  # a row no input uses: only the head can see the change
        after, _, _ = model(ids)
    assert not torch.allclose(before[..., 200], after[..., 200])
    assert torch.allclose(before[..., :200], after[..., :200])


def test_rope_scores_depend_only_on_relative_position():
    from trainer.model import apply_rope, rope_tables

    config = ModelConfig(hidden=64, n_head=2)
    cos, sin = rope_tables(config)
    torch.manual_seed(1)
    q, k = torch.randn(config.head_dim), torch.randn(config.head_dim)

    def score(m, n):
        rq = apply_rope(q.view(1, 1, 1, -1), cos[m : m + 1], sin[m : m + 1])
        rk = apply_rope(k.view(1, 1, 1, -1), cos[n : n + 1], sin[n : n + 1])
        return float((rq * rk).sum())

    assert score(10, 3) == pytest.approx(score(50, 43), abs=1e-4)
    assert score(10, 3) == pytest.approx(score(7, 0), abs=1e-4)
    assert score(10, 3) != pytest.approx(score(10, 4), abs=1e-4)


def test_every_preset_has_its_pinned_parameter_count():
    counts = {name: GlubModel(preset(name)).num_parameters() for name in PRESETS}
    assert counts == {"glub36m": 36_055_680, "pet": 4_524_288, "pet-large": 12_587_904, "tiny": 428_352,
                      "pet-vanilla": 4_524_288, "tiny-vanilla": 428_352}  # equal sizes for the comparison


def test_vanilla_blocks_use_layernorm_learned_positions_and_relu_and_still_cache():
    from torch import nn

    model = GlubModel(preset("tiny-vanilla")).eval()
    assert isinstance(model.norm, nn.LayerNorm) and model.positions is not None
    assert not hasattr(model.blocks[0].ffn, "gate")
    ids = torch.randint(5, 5000, (1, 20))
    with torch.no_grad():
        full, _, _ = model(ids)
        first, keys, values = model(ids[:, :12])
        rest, _, _ = model(ids[:, 12:], keys, values)
    assert torch.allclose(torch.cat([first, rest], dim=1), full, atol=1e-5)
