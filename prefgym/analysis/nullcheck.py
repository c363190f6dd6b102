"""Does every test the report runs hold its α on null data that looks like a real model?

A null model that is clean by construction (entities differing in nothing but a behaviour-free
utility) flatters any test. Real models find some entities easier than others for reasons that
have nothing to do with preference, and some items harder. Each suite's descriptor draws null
studies of exactly that kind from the synthetic model's own decision rules
(:meth:`prefgym.tasks.Suite.null_trials`: ``synthetic/null`` with entity and item offsets) as the
trial table the report builds; this module runs the report's own tests on them: the Spearman link
over entities, the trial model (:func:`~prefgym.analysis.trials.entity_model`), the same model
adjusted for an entity covariate, the most- vs least-preferred contrast
(:func:`~prefgym.analysis.analyze.top_bottom`), the suite's own tests of preference
(:meth:`~prefgym.tasks.Suite.tests` whose unit is the entity), and, where the null study has a
control condition, the framing effect and its interaction with preference
(:mod:`~prefgym.analysis.controls`). The share of studies with p < α is each test's
false-positive rate; it should be α.

The covariate is drawn per entity from the entities' own offsets plus noise: entities whose
covariate is high are treated differently for reasons unrelated to preference, the case the
adjustment exists for. The position-bias test of the donation advice is not here: its null is
no position bias, not no preference (the null model has a position bias of its own).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from prefgym.analysis.analyze import top_bottom
from prefgym.analysis.controls import control_contrasts
from prefgym.analysis.stats import spearman_test
from prefgym.analysis.trials import entity_model, trial_models
from prefgym.tasks import get_suite
from prefgym.tasks.suite import NullDesign

__all__ = ["NullDesign", "null_rates", "study_pvalues"]


def study_pvalues(suite: str, frame: pd.DataFrame, *, n_perm: int = 199, seed: int = 0,
                  covariate: dict[str, float] | None = None) -> dict[str, float]:
    """The p-value of every test the report runs for ``suite`` on this trial table (``covariate``:
    entity → value, for the adjusted trial model)."""
    descriptor = get_suite(suite)
    framed = frame[frame.condition == "default"]
    prefs = dict(zip(framed.entity, framed.pref))
    if framed.entity_b.notna().any():
        prefs.update(zip(framed.entity_b.dropna(), framed.pref_b.dropna()))
    outcomes = descriptor.entity_outcomes(framed).dropna()
    ids = sorted(outcomes.index)
    out = {"spearman over entities": spearman_test(np.array([prefs[i] for i in ids]), outcomes[ids].to_numpy(),
                                                   n_perm=n_perm, seed=seed)[1]}
    fits = trial_models(framed, n_perm=n_perm, covariates={"cov": covariate} if covariate else None)
    fitted = fits.get("null", {}).get(suite) or {}
    for label, coefficients in (("trial model", fitted.get("coefficients")),
                                ("adjusted trial model", (fitted.get("adjusted") or {}).get("coefficients"))):
        for term, c in (coefficients or {}).items():
            if not term.startswith("cov"):  # the covariate's own p is not reported (preference alone is shuffled)
                out[f"{label}: {term}"] = c["p"] if c.get("estimable", True) else math.nan
    contrast = top_bottom(framed, suite, prefs)
    out["top vs bottom"] = contrast["p"] if contrast else math.nan
    for name, t in descriptor.tests(framed).items():
        if t.get("unit") == "entity":
            out[name] = t["p"]
    for condition, c in control_contrasts(frame, suite, prefs).items():
        out[f"framing effect ({condition})"] = c["framing_effect"]["p"]
        out[f"framing × preference ({condition})"] = c["interaction"]["p"]
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
        frame = frame.assign(model="null", suite=suite)
        if "condition" not in frame:
            frame = frame.assign(condition="default")
        covariate = _covariate(frame, descriptor, rng)
        for test, p in study_pvalues(suite, frame, n_perm=n_perm, seed=seed * 100_003 + i, covariate=covariate).items():
            hits[test] = hits.get(test, 0) + int(not math.isnan(p) and p < alpha)
    return {test: n / studies for test, n in hits.items()}


def _covariate(frame: pd.DataFrame, descriptor, rng: np.random.Generator) -> dict[str, float]:
    """An entity covariate that tracks how the entities fare for reasons other than preference:
    each entity's mean outcome (which carries its offset), plus as much noise again."""
    means = descriptor.entity_outcomes(frame[frame.condition == "default"]).dropna()
    z = (means - means.mean()) / (means.std() or 1.0)
    return {e: float(v + rng.normal()) for e, v in z.items()}
