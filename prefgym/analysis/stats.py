"""The statistics every link gets: Spearman ρ with a bootstrap interval and a p-value, and Holm /
Bonferroni adjustment across the declared primary hypotheses."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def spearman_link(x: dict[str, float], y: dict[str, float], *, n_boot: int = 2000, seed: int = 0) -> dict[str, float]:
    ids = sorted(set(x) & set(y))
    out = {"n": len(ids), "rho": math.nan, "low": math.nan, "high": math.nan, "p": math.nan}
    if len(ids) < 3:
        return out
    a, b = np.array([x[i] for i in ids]), np.array([y[i] for i in ids])
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return {**out, "rho": 0.0, "p": 1.0}
    rho, p = stats.spearmanr(a, b)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(ids), len(ids))
        if np.ptp(a[idx]) and np.ptp(b[idx]):
            boots.append(stats.spearmanr(a[idx], b[idx])[0])
    low, high = (np.percentile(boots, [2.5, 97.5]) if boots else (math.nan, math.nan))
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
