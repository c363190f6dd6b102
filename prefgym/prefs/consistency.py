"""Do two sets of scores agree? Spearman's ρ over the entities both cover.

Inputs are anything that maps entity id → number: a plain dict, a
:class:`~prefgym.prefs.scorers.Scores` (its point estimates), or a dict of
:class:`~prefgym.prefs.scorers.Score` records. Higher must mean more preferred in both; turn mean
ranks into such scores with :func:`prefgym.prefs.matching.ranking_scores` first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from prefgym.prefs.scorers import Score, Scores


def as_values(x: Scores | Mapping[str, Any]) -> dict[str, float]:
    """id → float from a Scores, a {id: Score} or a {id: number} mapping."""
    if isinstance(x, Scores):
        return x.means()
    return {k: float(v.value) if isinstance(v, Score) else float(v) for k, v in x.items()}


@dataclass(frozen=True)
class Correlation:
    rho: float
    p_value: float
    n: int  # common ids
    low: float = math.nan  # bootstrap interval, when asked for
    high: float = math.nan


def _common(a, b) -> tuple[np.ndarray, np.ndarray]:
    va, vb = as_values(a), as_values(b)
    common = [k for k in va if k in vb and np.isfinite(va[k]) and np.isfinite(vb[k])]
    return np.array([va[k] for k in common]), np.array([vb[k] for k in common])


def spearman_test(a, b) -> Correlation:
    """ρ, its p-value and n over the ids both cover (NaN with fewer than 3, or a constant side)."""
    x, y = _common(a, b)
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return Correlation(math.nan, math.nan, int(x.size))
    res = stats.spearmanr(x, y)
    return Correlation(float(res.statistic), float(res.pvalue), int(x.size))


def spearman(a, b) -> float:
    """Spearman's ρ over the ids both ``a`` and ``b`` cover."""
    return spearman_test(a, b).rho


def spearman_ci(a, b, *, n_boot: int = 2000, confidence: float = 0.95,
                rng: np.random.Generator | int | None = None) -> Correlation:
    """:func:`spearman_test` plus a percentile bootstrap interval (entities resampled)."""
    base = spearman_test(a, b)
    x, y = _common(a, b)
    if math.isnan(base.rho):
        return base
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    idx = gen.integers(0, x.size, size=(n_boot, x.size))
    rx = stats.rankdata(x[idx], axis=1)
    ry = stats.rankdata(y[idx], axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rhos = (rx * ry).sum(axis=1) / den
    rhos = rhos[np.isfinite(rhos)]
    alpha = 1 - confidence
    low, high = np.quantile(rhos, [alpha / 2, 1 - alpha / 2]) if rhos.size else (math.nan, math.nan)
    return Correlation(base.rho, base.p_value, base.n, float(low), float(high))


@dataclass(frozen=True)
class AgreementMatrix:
    names: list[str]
    rho: np.ndarray  # rho[i, j] = spearman(names[i], names[j]); diagonal 1
    n: np.ndarray  # common ids per pair

    def to_dict(self) -> dict[str, dict[str, float]]:
        return {a: {b: float(self.rho[i, j]) for j, b in enumerate(self.names)} for i, a in enumerate(self.names)}


def agreement_matrix(named_scores: Mapping[str, Scores | Mapping[str, Any]]) -> AgreementMatrix:
    """Pairwise Spearman ρ between named score sets (methods of one model, or several models)."""
    names = list(named_scores)
    k = len(names)
    rho = np.eye(k)
    n = np.zeros((k, k), dtype=int)
    for i in range(k):
        n[i, i] = len(as_values(named_scores[names[i]]))
        for j in range(i + 1, k):
            c = spearman_test(named_scores[names[i]], named_scores[names[j]])
            rho[i, j] = rho[j, i] = c.rho
            n[i, j] = n[j, i] = c.n
    return AgreementMatrix(names, rho, n)
