"""The statistics every link gets: Spearman ρ with a bootstrap interval and a p-value, and Holm /
Bonferroni adjustment across the declared primary hypotheses."""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats


def spearman_test(a: np.ndarray, b: np.ndarray, *, n_perm: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Spearman ρ and its two-sided permutation p-value. With few entities and tied behaviour values
    (a success rate over four tasks takes five values) the usual t approximation rejects too often;
    permuting ranks keeps the false-positive rate at α."""
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan, math.nan
    ra, rb = stats.rankdata(a), stats.rankdata(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = math.sqrt((ra ** 2).sum() * (rb ** 2).sum())
    rho = float((ra * rb).sum() / denom)
    rng = np.random.default_rng(seed)
    perms = rb[np.argsort(rng.random((n_perm, len(rb))), axis=1)]
    null = perms @ ra / denom
    p = (1 + np.sum(np.abs(null) >= abs(rho) - 1e-12)) / (n_perm + 1)
    return rho, float(p)


def spearman_link(x: dict[str, float], y: dict[str, float], *, n_boot: int = 2000, seed: int = 0) -> dict[str, float]:
    ids = sorted(set(x) & set(y))
    out = {"n": len(ids), "rho": math.nan, "low": math.nan, "high": math.nan, "p": math.nan}
    if len(ids) < 3:
        return out
    a, b = np.array([x[i] for i in ids]), np.array([y[i] for i in ids])
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return {**out, "rho": 0.0, "p": 1.0}
    rho, p = spearman_test(a, b, seed=seed)
    idx = np.random.default_rng(seed).integers(0, len(ids), (n_boot, len(ids)))  # all resamples at once
    ba, bb = a[idx], b[idx]
    keep = (np.ptp(ba, axis=1) > 0) & (np.ptp(bb, axis=1) > 0)
    ra, rb = stats.rankdata(ba[keep], axis=1), stats.rankdata(bb[keep], axis=1)  # Spearman: Pearson on ranks
    ra, rb = ra - ra.mean(axis=1, keepdims=True), rb - rb.mean(axis=1, keepdims=True)
    boots = (ra * rb).sum(axis=1) / np.sqrt((ra ** 2).sum(axis=1) * (rb ** 2).sum(axis=1))
    low, high = (np.percentile(boots, [2.5, 97.5]) if len(boots) else (math.nan, math.nan))
    return {"n": len(ids), "rho": float(rho), "low": float(low), "high": float(high), "p": float(p)}


def adjust(pvalues: list[float], method: str = "holm") -> list[float]:
    """Family-wise adjusted p-values (NaN stays NaN)."""
    idx = [i for i, p in enumerate(pvalues) if not math.isnan(p)]
    m = len(idx)
    adjusted = [math.nan] * len(pvalues)
    if method == "bonferroni":
        for i in idx:
            adjusted[i] = min(1.0, pvalues[i] * m)
        return adjusted
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda i: pvalues[i])):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def contrast(high: list[float], low: list[float], *, alpha: float = 0.05, power: float = 0.8) -> dict[str, float]:
    """Most- minus least-preferred entities' trials: the difference, its interval (normal, Welch
    standard error), Cohen's d, a Welch p-value, and the minimum detectable difference at this
    sample size (two-sided α, the given power) — a null result smaller than that says little."""
    h, lo = np.asarray(high, float), np.asarray(low, float)
    out = {"n_high": len(h), "n_low": len(lo), "diff": math.nan, "low": math.nan, "high": math.nan,
           "d": math.nan, "p": math.nan, "mde": math.nan}
    if len(h) < 2 or len(lo) < 2:
        return out
    diff = float(h.mean() - lo.mean())
    se = math.sqrt(h.var(ddof=1) / len(h) + lo.var(ddof=1) / len(lo))
    pooled = math.sqrt(((len(h) - 1) * h.var(ddof=1) + (len(lo) - 1) * lo.var(ddof=1)) / (len(h) + len(lo) - 2))
    z = stats.norm.ppf(1 - alpha / 2)
    with warnings.catch_warnings():  # near-constant groups (all successes) make scipy warn; the p stays usable
        warnings.simplefilter("ignore", RuntimeWarning)
        p = float(stats.ttest_ind(h, lo, equal_var=False).pvalue) if se > 0 else (1.0 if diff == 0 else 0.0)
    se_null = pooled * math.sqrt(1 / len(h) + 1 / len(lo))
    return {**out, "diff": diff, "low": diff - z * se, "high": diff + z * se, "d": diff / pooled if pooled else math.nan,
            "p": p, "mde": (z + stats.norm.ppf(power)) * se_null}
