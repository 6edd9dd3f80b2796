import random

import pytest

from engine_py.sampler import GREEDY, SamplerSettings, argmax, penalize_repeats, sample_token

LOGITS = [0.1 * ((i * 37) % 101) for i in range(300)]


def draws(settings, seed, n=50):
    rng = random.Random(seed)
    return [sample_token(LOGITS, settings, rng) for _ in range(n)]


def test_same_seed_gives_the_same_tokens():
    assert draws(SamplerSettings(), 7) == draws(SamplerSettings(), 7)


def test_different_seeds_give_different_tokens():
    assert draws(SamplerSettings(temperature=1.5, top_k=0, top_p=1.0), 1) != draws(
        SamplerSettings(temperature=1.5, top_k=0, top_p=1.0), 2
    )


def test_greedy_picks_the_largest_logit():
    assert sample_token(LOGITS, GREEDY, random.Random(0)) == argmax(LOGITS)


def test_top_k_only_picks_among_the_k_best():
    best = set(sorted(range(len(LOGITS)), key=LOGITS.__getitem__, reverse=True)[:3])
    assert set(draws(SamplerSettings(temperature=5.0, top_k=3, top_p=1.0), 3, n=300)) <= best


def test_top_p_keeps_only_the_nucleus():
    logits = [10.0, 9.9, -10.0, -10.0, -10.0]
    picks = set(draws_for(logits, SamplerSettings(temperature=1.0, top_k=0, top_p=0.9)))
    assert picks <= {0, 1}


def draws_for(logits, settings, n=200):
    rng = random.Random(0)
    return [sample_token(logits, settings, rng) for _ in range(n)]


def test_banned_tokens_are_never_picked():
    logits = [5.0, 0.0, 0.0]
    rng = random.Random(0)
    assert all(sample_token(logits, SamplerSettings(), rng, banned=[0]) != 0 for _ in range(100))


def test_repetition_penalty_lowers_seen_tokens_either_sign():
    adjusted = penalize_repeats([2.0, -2.0, 1.0], seen=[0, 1], penalty=2.0)
    assert adjusted == [1.0, -4.0, 1.0]


def test_settings_reject_nonsense():
    with pytest.raises(ValueError):
        SamplerSettings(top_p=0.0)
    with pytest.raises(ValueError):
        SamplerSettings(temperature=-1)
