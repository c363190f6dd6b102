"""Scorers (Elo, Bradley–Terry, Thurstonian), records helpers and consistency metrics on data with
known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from prefgym.prefs.consistency import agreement_matrix, spearman, spearman_ci
from prefgym.prefs.records import (
    Comparison,
    Pair,
    comparison_score,
    position_bias,
    to_pairs,
)
from prefgym.prefs.scorers import (
    SCORERS,
    Scores,
    fit,
    fit_all,
    pair_data,
    predict_proba,
    predict_proba_many,
)

ALL = list(SCORERS)


def simulate(u: np.ndarray, k: int, rng: np.random.Generator, *, noise: float = 0.5, bias: float = 0.0,
             ids: list[str] | None = None) -> list[Comparison]:
    """Every ordered pair, k samples: P(first chosen) = σ((u_first − u_second)/noise + bias)."""
    ids = ids or [f"e{i:02d}" for i in range(len(u))]
    n = len(u)
    first, second = np.nonzero(~np.eye(n, dtype=bool))
    first, second = np.repeat(first, k), np.repeat(second, k)
    p = special.expit((u[first] - u[second]) / noise + bias)
    won = rng.random(p.size) < p
    return [Comparison(first=ids[a], second=ids[b], outcome="first" if w else "second", sample=s % k)
            for s, (a, b, w) in enumerate(zip(first, second, won))]


def values(scores: Scores, ids: list[str]) -> np.ndarray:
    return np.array([scores[i].value for i in ids])


def widths(scores: Scores, ids: list[str]) -> np.ndarray:
    return np.array([scores[i].high - scores[i].low for i in ids])


# --------------------------------------------------------------------------- scorers


@pytest.mark.parametrize("name", ALL)
def test_strict_total_order_is_recovered_exactly(name: str) -> None:
    ids = [f"e{i}" for i in range(12)]  # e0 is best
    data = []
    for i in range(12):
        for j in range(12):
            if i != j:  # both orders, three samples, the higher always wins
                data += [Comparison(first=ids[i], second=ids[j], outcome="first" if i < j else "second", sample=s)
                         for s in range(3)]
    s = fit(name, data, ids, seed=0)
    assert s.ranking() == ids
    assert all(math.isfinite(s[i].value) for i in ids)


@pytest.mark.parametrize("name", ALL)
def test_logistic_model_recovered(name: str) -> None:
    rng = np.random.default_rng(7)
    u = rng.normal(size=30)
    data = simulate(u, 4, rng, bias=0.3)
    s = fit(name, data, seed=1)
    ids = [f"e{i:02d}" for i in range(30)]
    rho = stats.spearmanr(values(s, ids), u).statistic
    assert rho >= 0.95, rho


@pytest.mark.parametrize("name", ALL)
def test_intervals_contain_estimate_and_shrink_with_data(name: str) -> None:
    rng = np.random.default_rng(3)
    u = rng.normal(size=10)
    ids = [f"e{i:02d}" for i in range(10)]
    small = fit(name, simulate(u, 2, rng), ids, seed=0)
    large = fit(name, simulate(u, 32, rng), ids, seed=0)
    for s in (small, large):
        for i in ids:
            assert s[i].low <= s[i].value <= s[i].high
    # 16x the data: ~1/4 the width for the likelihood scorers; Elo's bootstrap keeps a floor of
    # order noise (see scorers.py), so it narrows less (0.5-0.75 over 20 seeds)
    assert np.median(widths(large, ids)) < 0.85 * np.median(widths(small, ids))


def test_bradley_terry_intervals_cover_the_truth() -> None:
    rng = np.random.default_rng(11)
    hits = []
    for _ in range(15):
        u = rng.normal(size=15)
        theta = u / 0.5 - (u / 0.5).mean()
        s = fit("bt", simulate(u, 3, rng), seed=0)
        hits += [s[f"e{i:02d}"].low <= theta[i] <= s[f"e{i:02d}"].high for i in range(15)]
    assert 0.88 <= np.mean(hits) <= 0.99, np.mean(hits)


@pytest.mark.parametrize("name", ALL)
def test_ties_count_half(name: str) -> None:
    # x beats y 6 times, y beats x 2 times, 4 ties: x scores 8 of 12, odds 2:1
    data = ([Comparison(first="x", second="y", outcome="first")] * 6
            + [Comparison(first="x", second="y", outcome="second")] * 2
            + [Comparison(first="y", second="x", outcome="tie")] * 4)
    s = fit(name, data, seed=0)
    assert s["x"].value > s["y"].value
    assert predict_proba(s, "x", "y") == pytest.approx(predict_proba(s, "x", "y"))
    if name == "bt":
        assert s["x"].value - s["y"].value == pytest.approx(math.log(2), abs=0.05)
    only_ties = fit(name, [Comparison(first="x", second="y", outcome="tie")] * 10, seed=0)
    assert only_ties["x"].value == pytest.approx(only_ties["y"].value, abs=1e-6)


@pytest.mark.parametrize("name", ALL)
def test_refusals_follow_the_policy(name: str) -> None:
    data = [Comparison(first="x", second="y", outcome="first")] * 3 + [
        Comparison(first="x", second="y", outcome="refused")] * 9
    skip = fit(name, data, policy="skip", seed=0)
    tie = fit(name, data, policy="tie", seed=0)
    assert skip.n_comparisons == 3 and tie.n_comparisons == 12
    def gap(s: Scores) -> float:
        return s["x"].value - s["y"].value

    assert gap(tie) < gap(skip)  # refusals as ties pull the two together


@pytest.mark.parametrize("name", ALL)
def test_entity_without_comparisons_is_finite_and_uncertain(name: str) -> None:
    rng = np.random.default_rng(5)
    u = rng.normal(size=8)
    ids = [f"e{i:02d}" for i in range(8)] + ["lonely"]
    s = fit(name, simulate(u, 3, rng), ids, seed=0)
    lonely = s["lonely"]
    assert lonely.n == 0
    assert math.isfinite(lonely.value) and math.isfinite(lonely.low) and math.isfinite(lonely.high)
    assert lonely.high - lonely.low >= widths(s, ids[:-1]).max()


@pytest.mark.parametrize("name", ALL)
def test_predict_proba(name: str) -> None:
    rng = np.random.default_rng(2)
    u = np.array([1.5, 0.0, -1.5])
    s = fit(name, simulate(u, 20, rng), seed=0)
    p = predict_proba(s, "e00", "e02")
    assert 0.5 < p < 1
    assert p + predict_proba(s, "e02", "e00") == pytest.approx(1.0)
    many = predict_proba_many(s, ["e00", "e01"], ["e01", "e02"])
    assert many.shape == (2,) and np.all(many > 0.5)
    if name == "bt":
        assert p == pytest.approx(special.expit(s["e00"].value - s["e02"].value))
    if name == "thurstonian":
        assert all(s[i].sigma > 0 for i in ("e00", "e01", "e02"))


def test_inputs_pairs_and_comparisons_agree() -> None:
    comps = [Comparison(first="a", second="b", outcome="first"), Comparison(first="b", second="c", outcome="second"),
             Comparison(first="c", second="a", outcome="tie"), Comparison(first="a", second="c", outcome="first")]
    from_comps = fit("bt", comps)
    from_pairs = fit("bt", to_pairs(comps))
    plain = fit("bt", [("a", "b"), ("c", "b"), ("a", "c"), ("c", "a", 0.5), ("a", "c", 0.5)])
    for s in (from_pairs, plain):
        for i in "abc":
            assert s[i].value == pytest.approx(from_comps[i].value, abs=1e-6)
    with pytest.raises(ValueError, match="not in ids"):
        fit("bt", comps, ["a", "b"])
    with pytest.raises(ValueError, match="unknown scorer"):
        fit("nope", comps)
    with pytest.raises(ValueError, match="policy"):
        fit("bt", comps, policy="drop")


def test_fit_all_and_registry() -> None:
    rng = np.random.default_rng(9)
    data = simulate(rng.normal(size=6), 2, rng)
    out = fit_all(data, seed=0, options={"elo": {"k": 16, "n_permutations": 20, "n_bootstrap": 20}})
    assert set(out) == {"elo", "bt", "thurstonian"}
    assert out["elo"].params["k"] == 16 and out["elo"].scorer == "elo"
    back = Scores.model_validate_json(out["thurstonian"].model_dump_json())  # a fit survives JSON
    assert back.means() == out["thurstonian"].means()


def test_a_full_pairwise_study_is_recovered_by_every_scorer() -> None:
    """The paper's size, 72 entities × 2556 pairs × 2 orders, at 2 samples each (10,224 comparisons):
    every scorer recovers the utilities. (How fast, at K = 10: benchmarks/prefs_recovery.py.)"""
    rng = np.random.default_rng(0)
    u = rng.normal(size=72)
    data = simulate(u, 2, rng, bias=0.3)
    assert len(data) == 10_224
    pdata = pair_data(data)
    for name in ALL:
        s = fit(name, pdata, seed=0)
        assert stats.spearmanr(values(s, pdata.ids), u).statistic > 0.98


# --------------------------------------------------------------------------- records


def test_to_pairs_and_scores() -> None:
    c = [Comparison(first="a", second="b", outcome=o) for o in ("first", "second", "tie", "refused", "unparseable")]
    assert to_pairs(c, "skip") == [Pair("a", "b"), Pair("b", "a"), Pair("a", "b", 0.5), Pair("b", "a", 0.5)]
    assert len(to_pairs(c, "tie")) == 2 + 2 * 3
    assert [comparison_score(x, "skip") for x in c] == [1.0, 0.0, 0.5, None, None]
    with pytest.raises(ValueError):
        Comparison(first="a", second="a", outcome="first")
    with pytest.raises(ValueError):
        Comparison(first="a", second="b", outcome="first", extra=1)


def test_position_bias() -> None:
    rng = np.random.default_rng(4)
    u = rng.normal(size=10)
    biased = position_bias(simulate(u, 5, rng, noise=2.0, bias=1.0))
    assert biased.rate > 0.6 and biased.p_value < 1e-6 and biased.low <= biased.rate <= biased.high
    fair = position_bias(simulate(u, 5, rng, noise=2.0, bias=0.0))
    assert fair.low < 0.5 < fair.high
    empty = position_bias([Comparison(first="a", second="b", outcome="refused")])
    assert empty.n == 0 and math.isnan(empty.rate)


# --------------------------------------------------------------------------- consistency


def test_spearman_over_common_ids() -> None:
    a = {"x": 1.0, "y": 2.0, "z": 3.0, "w": 4.0, "only_a": 9.0}
    b = {"x": 10.0, "y": 20.0, "z": 30.0, "w": 40.0, "only_b": -1.0}
    assert spearman(a, b) == pytest.approx(1.0)
    assert spearman(a, {k: -v for k, v in b.items()}) == pytest.approx(-1.0)
    assert math.isnan(spearman({"x": 1.0, "y": 2.0}, {"x": 1.0, "y": 2.0}))  # fewer than 3 in common
    ci = spearman_ci(a, b, rng=0)
    assert ci.n == 4 and ci.low <= ci.rho <= ci.high


def test_agreement_matrix_accepts_scores() -> None:
    rng = np.random.default_rng(8)
    data = simulate(rng.normal(size=12), 4, rng)
    fits = fit_all(data, seed=0, options={"elo": {"n_permutations": 30, "n_bootstrap": 10}})
    m = agreement_matrix(fits)
    assert m.names == ["elo", "bt", "thurstonian"]
    assert np.allclose(np.diag(m.rho), 1.0) and np.allclose(m.rho, m.rho.T)
    assert (m.rho > 0.9).all() and (m.n == 12).all()
    assert m.to_dict()["bt"]["elo"] == pytest.approx(m.rho[1, 0])
