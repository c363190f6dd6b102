"""Active pair sampling: the starting graph, the budget, batch selection, held-out metrics, and the
acceptance target — recovering planted utilities with a fraction of full pairwise's calls."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy import special, stats

from prefgym.prefs.records import Comparison
from prefgym.prefs.sampling import (
    ActiveSampler,
    default_budget,
    held_out_pairs,
    heldout_metrics,
    next_batch,
    random_regular_pairs,
    run_active,
)
from prefgym.prefs.scorers import Score, Scores


@pytest.mark.parametrize("n", [3, 4, 5, 7, 10, 72])
def test_random_regular_graph_has_degree_two(n: int) -> None:
    ids = [f"e{i}" for i in range(n)]
    for seed in range(5):
        pairs = random_regular_pairs(ids, 2, np.random.default_rng(seed))
        keys = {tuple(sorted(p)) for p in pairs}
        assert len(keys) == len(pairs) == n  # a 2-regular graph on n vertices has n edges, none repeated
        assert all(a != b for a, b in pairs)
        degree = Counter(e for p in pairs for e in p)
        assert set(degree) == set(ids) and set(degree.values()) == {2}


def test_regular_graph_small_and_odd_cases() -> None:
    assert random_regular_pairs([], 2, 0) == []
    assert random_regular_pairs(["a"], 2, 0) == []
    assert sorted(map(sorted, random_regular_pairs(["a", "b"], 2, 0))) == [["a", "b"]]  # the only pair
    three = random_regular_pairs([f"e{i}" for i in range(10)], 3, 0)
    assert set(Counter(e for p in three for e in p).values()) == {3}
    with pytest.raises(ValueError):
        random_regular_pairs([f"e{i}" for i in range(5)], 3, 0)


def test_default_budget() -> None:
    assert default_budget(72) == round(2 * 72 * math.log2(72)) == 888
    assert default_budget(10) == 45  # 66 by the formula, capped at all 45 pairs
    assert default_budget(3) == 3  # capped at all pairs
    assert default_budget(1) == 0


def test_held_out_pairs() -> None:
    ids = [f"e{i}" for i in range(10)]
    ex = [("e0", "e1"), ("e3", "e2")]
    held = held_out_pairs(ids, 20, np.random.default_rng(1), exclude=ex)
    assert len(set(held)) == 20
    assert not {tuple(sorted(p)) for p in ex} & set(held)
    with pytest.raises(ValueError):
        held_out_pairs(ids, 45, 0, exclude=ex)


def _bt_scores(values: dict[str, float]) -> Scores:
    return Scores(scorer="bt", scores={k: Score(value=v, low=v - 1, high=v + 1) for k, v in values.items()})


def test_next_batch_prefers_uncertain_pairs_among_least_sampled() -> None:
    vals = {"a": 0.0, "b": 0.1, "c": 3.0, "d": 3.05, "e": 6.0, "f": 9.0}
    scores = _bt_scores(vals)
    ids = list(vals)
    counts = {"a": 0, "b": 0, "c": 50, "d": 50, "e": 50, "f": 50}
    batch = next_batch(scores, counts, ids, 1, rng=0, pool=0.3)
    assert batch == [("a", "b")]  # closest pair among the least-sampled
    counts = {"a": 50, "b": 50, "c": 0, "d": 0, "e": 50, "f": 50}
    assert next_batch(scores, counts, ids, 1, rng=0, pool=0.3) == [("c", "d")]
    # excluded pairs are never chosen; batches are capped at what is left
    every = next_batch(scores, counts, ids, 100, exclude=[("d", "c")], rng=0)
    assert len(every) == 14 and ("c", "d") not in every and len(set(every)) == 14
    assert next_batch(None, {}, ids, 3, rng=0) and next_batch(scores, counts, ids, 0) == []


def test_heldout_metrics() -> None:
    scores = _bt_scores({"a": 2.0, "b": 0.0})
    comps = ([Comparison(first="a", second="b", outcome="first")] * 8
             + [Comparison(first="b", second="a", outcome="first")] * 2
             + [Comparison(first="a", second="b", outcome="refused")] * 5)
    m = heldout_metrics(scores, comps)
    assert m.n == 10 and m.n_decisive == 10 and m.accuracy == pytest.approx(0.8)
    p = special.expit(2.0)
    assert m.log_loss == pytest.approx(-(8 * math.log(p) + 2 * math.log(1 - p)) / 10)
    assert heldout_metrics(scores, comps, policy="tie").n == 15
    assert math.isnan(heldout_metrics(scores, []).accuracy)


# --------------------------------------------------------------------------- the loop

N = 72
K_FULL = 10  # samples per ordered pair in full pairwise
FULL_CALLS = 2 * K_FULL * N * (N - 1) // 2  # 51,120
K_ACTIVE = 5  # samples per ordered pair in active sampling
HELDOUT = 50  # held-out pairs (their calls count too)


def make_ask(u: dict[str, float], rng: np.random.Generator, k: int, *, noise: float = 0.5, bias: float = 0.4):
    """Simulated model: P(first chosen) = σ((u_first − u_second)/noise + bias); both orders, k each."""

    def ask(pairs):
        out = []
        for a, b in pairs:
            for f, s in ((a, b), (b, a)):
                p = special.expit((u[f] - u[s]) / noise + bias)
                wins = rng.random(k) < p
                out += [Comparison(first=f, second=s, outcome="first" if w else "second", sample=j)
                        for j, w in enumerate(wins)]
        return out

    return ask


def test_sampler_bookkeeping() -> None:
    ids = [f"e{i}" for i in range(12)]
    rng = np.random.default_rng(0)
    u = dict(zip(ids, rng.normal(size=12)))
    res = run_active(ids, make_ask(u, rng, 2), budget=30, batch_size=7, heldout=5, seed=3)
    keys = [tuple(sorted(p)) for p in res.pairs]
    assert len(keys) == len(set(keys)) == 30  # the budget, no pair asked twice
    held = {tuple(sorted(p)) for p in res.heldout_pairs}
    assert len(held) == 5 and not held & set(keys)  # held-out pairs never train
    assert all(tuple(sorted((c.first, c.second))) in held for c in res.heldout_comparisons)
    assert res.calls == (30 + 5) * 2 * 2
    assert res.rounds == 1 + math.ceil((30 - 12) / 7)
    assert res.heldout is not None and res.heldout.n == 5 * 2 * 2
    s = ActiveSampler(ids, budget=5)
    assert len(s.next_pairs()) == 5 and s.next_pairs() == []  # the starting graph is cut to the budget


@pytest.mark.parametrize("seed", range(5))
def test_active_sampling_recovers_utilities_cheaply(seed: int) -> None:
    """Acceptance target: Spearman ≥ 0.95 with ≤ 35% of full pairwise's calls (2 orders × all pairs
    × K=10). Active: 2·N·log2 N = 888 pairs, both orders, 5 samples each, plus 50 held-out pairs."""
    rng = np.random.default_rng(1000 + seed)
    ids = [f"e{i:02d}" for i in range(N)]
    u = dict(zip(ids, rng.normal(size=N)))
    res = run_active(ids, make_ask(u, rng, K_ACTIVE), heldout=HELDOUT, seed=seed)
    rho = stats.spearmanr([res.scores[i].value for i in ids], [u[i] for i in ids]).statistic
    fraction = res.calls / FULL_CALLS
    print(f"seed {seed}: spearman {rho:.4f}, calls {res.calls} = {fraction:.1%} of {FULL_CALLS}, "
          f"held-out accuracy {res.heldout.accuracy:.3f}, log-loss {res.heldout.log_loss:.3f}")  # pytest -s shows it
    assert fraction <= 0.35
    assert rho >= 0.95
    # held-out answers are predicted about as well as the planted utilities themselves predict them
    decisive = [c for c in res.heldout_comparisons if c.decisive]
    oracle = np.mean([(u[c.first] > u[c.second]) == (c.outcome == "first") for c in decisive])
    assert res.heldout.accuracy >= oracle - 0.05, (res.heldout.accuracy, oracle)
