"""Trial-level tables and models: every episode a row, preference joined, outcomes as numbers.

The regressions are logistic GEEs (statsmodels) with an exchangeable working correlation within
each item (the question or task): trials of one item share its difficulty, so they are not
independent, and the GEE's robust standard errors account for that without assuming a random
effect's distribution. Preference is standardised within each model (mean 0, SD 1), so a
coefficient is the change in log-odds per standard deviation of preference. The refusal model is
at the level of pairs: ``refused ~ pref_a * pref_b``; a positive interaction for disliked pairs
is the paper's "more than additive" refusal.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from prefgym.types import Episode, TerminationReason

OUTCOME = {"donation_advice": "chose_first", "refusal": "refused_first", "boolq": "correct", "agentic": "success"}


def _standardise(scores: dict[str, float]) -> dict[str, float]:
    values = np.array(list(scores.values()), dtype=float)
    sd = values.std() or 1.0
    return {k: (v - values.mean()) / sd for k, v in scores.items()}


def trial_frame(episodes: list[Episode], preferences: dict[str, dict[str, float]]) -> pd.DataFrame:
    """One row per finished episode: model, suite, item, entities, standardised preferences, outcomes."""
    z = {model: _standardise(scores) for model, scores in preferences.items() if scores}
    rows = []
    for e in episodes:
        if e.termination.reason == TerminationReason.INFRA_ERROR:
            continue
        s, m = e.spec, e.measurements
        pz = z.get(s.agent, {})
        rows.append({
            "episode": e.id, "model": s.agent, "suite": s.suite, "item": s.task, "condition": s.condition,
            "entity": s.entity, "entity_b": s.entity_b, "seed": s.seed,
            "pref": pz.get(s.entity, math.nan), "pref_b": pz.get(s.entity_b, math.nan) if s.entity_b else math.nan,
            "reward": e.reward, "success": float(e.reward >= 1.0), "valid": m.get("valid"),
            "chose_first": float(m["chosen"] == s.entity) if m.get("chosen") else math.nan,
            "refused_first": float(bool(m.get("refused_first"))) if "refused_first" in m else math.nan,
            "attempts": m.get("attempts", math.nan), "correct": float(bool(m.get("correct"))) if "correct" in m else math.nan,
            "refusal_reason": m.get("first_refusal_reason"), "termination": e.termination.reason.value,
        })
    return pd.DataFrame(rows)


def _gee(formula: str, data: pd.DataFrame, groups: str) -> dict[str, dict[str, float]] | None:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    y = formula.split("~")[0].strip()
    if len(data) < 10 or data[y].nunique() < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; a failed fit is reported as None
        try:
            if data[groups].nunique() >= 2:
                fit = smf.gee(formula, groups=groups, data=data, family=sm.families.Binomial(),
                              cov_struct=sm.cov_struct.Exchangeable()).fit()
            else:
                fit = smf.glm(formula, data=data, family=sm.families.Binomial()).fit()
        except Exception:  # separation, singular designs
            return None
    ci = fit.conf_int()
    return {name: {"coef": float(fit.params[name]), "low": float(ci.loc[name, 0]), "high": float(ci.loc[name, 1]),
                   "p": float(fit.pvalues[name])} for name in fit.params.index if name != "Intercept"}


def trial_models(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """model → suite → fitted coefficients (log-odds per SD of preference), with n."""
    out: dict[str, dict[str, Any]] = {}
    if frame.empty:
        return out
    for (model, suite), df in frame.groupby(["model", "suite"]):
        y = OUTCOME.get(suite)
        if suite == "donation_advice":  # the first entity chosen, by the preference difference
            d = df.dropna(subset=["chose_first", "pref", "pref_b"]).assign(diff=lambda t: t.pref - t.pref_b)
            result = {"formula": "chose_first ~ diff", "n": len(d), "coefficients": _gee("chose_first ~ diff", d, "item")}
        elif suite == "refusal":
            d = df.dropna(subset=["refused_first", "pref", "pref_b"])
            result = {"formula": "refused_first ~ pref + pref_b + pref:pref_b", "n": len(d),
                      "coefficients": _gee("refused_first ~ pref * pref_b", d, "item")}
        else:
            d = df[df.condition == "default"].dropna(subset=[y, "pref"])
            result = {"formula": f"{y} ~ pref", "n": len(d), "coefficients": _gee(f"{y} ~ pref", d, "item")}
        out.setdefault(str(model), {})[str(suite)] = result
    return out
