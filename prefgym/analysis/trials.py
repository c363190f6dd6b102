"""Trial-level tables and models: every episode a row, preference joined, outcomes as numbers.

The common columns (model, suite, item, entities, condition, standardised preferences, reward,
success, validity, termination) are the same for every suite; each suite's descriptor adds its own
outcome columns (:meth:`prefgym.tasks.Suite.trial`) and says which model to fit
(:meth:`prefgym.tasks.Suite.trial_model`). The regressions are logistic GEEs (statsmodels) with an
exchangeable working correlation within each item (the question or task). Preference is
standardised within each model (mean 0, SD 1), so a coefficient is the change in log-odds per
standard deviation of preference.

A fit whose estimates run off to infinity (separation: some predictor value always gives the same
outcome) has no finite estimate; its terms are reported as not estimable instead of as numbers.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from prefgym.tasks import get_suite
from prefgym.types import Episode, TerminationReason

# A log-odds coefficient per SD of preference beyond this, or a standard error beyond SE_LIMIT, is
# not an estimate but the optimiser walking off towards infinity under (quasi-)separation.
COEF_LIMIT = 15.0
SE_LIMIT = 10.0
NOT_ESTIMABLE = "not estimable (separation)"


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
        s = e.spec
        pz = z.get(s.actor, {})
        rows.append({
            "episode": e.id, "model": s.actor, "suite": s.suite, "item": s.task, "condition": s.condition,
            "entity": s.entity, "entity_b": s.entity_b, "seed": s.seed,
            "pref": pz.get(s.entity, math.nan), "pref_b": pz.get(s.entity_b, math.nan) if s.entity_b else math.nan,
            "reward": e.reward, "success": float(e.reward >= 1.0), "valid": e.measurements.get("valid"),
            "termination": e.termination.reason.value, **get_suite(s.suite).trial(e),
        })
    return pd.DataFrame(rows)


def not_estimable(terms: list[str]) -> dict[str, dict[str, Any]]:
    return {t: {"coef": math.nan, "low": math.nan, "high": math.nan, "p": math.nan, "estimable": False,
                "note": NOT_ESTIMABLE} for t in terms}


def estimates(params: Any, bse: Any, conf_int: Any, pvalues: Any, *, skip: tuple[str, ...] = ("Intercept",)) -> dict[str, dict[str, Any]]:
    """Per term: coefficient, interval, p; all of a fit's terms marked not estimable when any one
    ran off (a separated fit's other estimates are not trustworthy either)."""
    names = [n for n in params.index if n not in skip]
    off = any(not (math.isfinite(float(params[n])) and math.isfinite(float(bse[n])))
              or abs(float(params[n])) > COEF_LIMIT or float(bse[n]) > SE_LIMIT for n in params.index)
    if off:
        return not_estimable(names)
    return {n: {"coef": float(params[n]), "low": float(conf_int.loc[n, 0]), "high": float(conf_int.loc[n, 1]),
                "p": float(pvalues[n]), "estimable": True} for n in names}


def gee(formula: str, data: pd.DataFrame, groups: str) -> dict[str, dict[str, Any]] | None:
    """Logistic GEE of ``formula`` grouped by ``groups`` (a GLM with one group); None when there is
    too little to fit, every term not estimable under separation."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    y = formula.split("~")[0].strip()
    if len(data) < 10 or data[y].nunique() < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; separation is detected below
        try:
            if data[groups].nunique() >= 2:
                fit = smf.gee(formula, groups=groups, data=data, family=sm.families.Binomial(),
                              cov_struct=sm.cov_struct.Exchangeable()).fit()
            else:
                fit = smf.glm(formula, data=data, family=sm.families.Binomial()).fit()
        except Exception as e:  # perfect separation, singular designs
            if "separation" in str(e).lower() or isinstance(e, np.linalg.LinAlgError):
                terms = [t.strip() for t in formula.split("~")[1].split("+")]
                return not_estimable(terms)
            return None
    return estimates(fit.params, fit.bse, fit.conf_int(), fit.pvalues)


def trial_models(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """model → suite → fitted coefficients (log-odds per SD of preference), with n."""
    out: dict[str, dict[str, Any]] = {}
    if frame.empty:
        return out
    for (model, suite), df in frame.groupby(["model", "suite"]):
        spec = get_suite(str(suite)).trial_model(df)
        if spec is None:
            continue
        formula, d = spec
        out.setdefault(str(model), {})[str(suite)] = {"formula": formula, "n": len(d), "coefficients": gee(formula, d, "item")}
    return out
