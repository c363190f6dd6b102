"""Does every test the report runs hold its α on null data that looks like a real model?

A null model that is clean by construction (entities differing in nothing but a behaviour-free
utility) flatters any test. Real models find some entities easier than others for reasons that
have nothing to do with preference, and some items harder. Each suite's descriptor draws null
studies of exactly that kind from the synthetic model's own decision rules
(:meth:`prefgym.tasks.Suite.null_trials`: ``synthetic/null`` with entity and item offsets) as the
trial table the report builds; this module runs the report's own tests on them: the Spearman link
over entities, the trial model (:func:`~prefgym.analysis.trials.entity_model`) and the most- vs
least-preferred contrast (:func:`~prefgym.analysis.analyze.top_bottom`). The share of studies with
p < α is each test's false-positive rate; it should be α.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from prefgym.analysis.analyze import top_bottom
from prefgym.analysis.stats import spearman_test
from prefgym.analysis.trials import entity_model
from prefgym.tasks import get_suite
from prefgym.tasks.suite import NullDesign

__all__ = ["NullDesign", "null_rates", "study_pvalues"]


def study_pvalues(suite: str, frame: pd.DataFrame, *, n_perm: int = 199, seed: int = 0) -> dict[str, float]:
    """The p-value of every test the report runs for ``suite`` on this trial table."""
    descriptor = get_suite(suite)
    prefs = dict(zip(frame.entity, frame.pref))
    if frame.entity_b.notna().any():
        prefs.update(zip(frame.entity_b.dropna(), frame.pref_b.dropna()))
    outcomes = descriptor.entity_outcomes(frame).dropna()
    ids = sorted(outcomes.index)
    out = {"spearman over entities": spearman_test(np.array([prefs[i] for i in ids]), outcomes[ids].to_numpy(),
                                                   n_perm=n_perm, seed=seed)[1]}
    spec = descriptor.trial_model(frame)
    if spec is not None:
        formula, d = spec
        for term, c in (entity_model(formula, d, n_perm=n_perm) or {}).items():
            out[f"trial model: {term}"] = c["p"] if c.get("estimable", True) else math.nan
    contrast = top_bottom(frame, suite, prefs)
    out["top vs bottom"] = contrast["p"] if contrast else math.nan
    return out


def null_rates(suite: str, design: NullDesign, *, studies: int = 200, alpha: float = 0.05, seed: int = 0,
               n_perm: int = 199) -> dict[str, float]:
    """Each test's share of ``studies`` null studies with p < α (a NaN p-value is no rejection)."""
    descriptor = get_suite(suite)
    rng = np.random.default_rng(seed)
    hits: dict[str, int] = {}
    for i in range(studies):
        frame = descriptor.null_trials(design, rng)
        if frame is None:
            raise ValueError(f"suite {suite} has no null simulation")
        frame = frame.assign(model="null", suite=suite, condition="default")
        for test, p in study_pvalues(suite, frame, n_perm=n_perm, seed=seed * 100_003 + i).items():
            hits[test] = hits.get(test, 0) + int(not math.isnan(p) and p < alpha)
    return {test: n / studies for test, n in hits.items()}
