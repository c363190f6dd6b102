"""Checks against the truth of a synthetic model: are the planted effects recovered?

On the planted utilities (not the measured preferences, whose scale is the scorer's), the
synthetic model's own logits are linear, so a logistic regression recovers each effect size
directly. Each suite's descriptor names its regressions (:meth:`prefgym.tasks.Suite.planted_fits`):
advice as the coefficient of u_first − u_second, refusal as minus the coefficient of the pair's mean
utility and the interaction as the coefficient of min(u_a,0)·min(u_b,0), yes/no and agentic success
as the coefficient of u. Each estimate comes with its 95% interval and whether it covers the
planted value; a separated fit is reported as not estimable.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from prefgym.analysis.trials import NOT_ESTIMABLE, estimates
from prefgym.tasks import get_suite

MIN_TRIALS = 20


def _logit(formula: str, data: pd.DataFrame) -> Any:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.glm(formula, data=data, family=sm.families.Binomial()).fit()


def planted_check(frame: pd.DataFrame, truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """suite → effect → {planted, estimate, low, high, p, covered, significant} (or not estimable)."""
    u = truth["utilities"]
    effects = truth["effects"]
    df = frame.assign(u=frame.entity.map(u), u_b=frame.entity_b.map(u))
    out: dict[str, dict[str, Any]] = {}
    for suite_name, rows in df.groupby("suite"):
        for pf in get_suite(str(suite_name)).planted_fits(rows):
            y = pf.formula.split("~")[0].strip()
            if len(pf.data) < MIN_TRIALS or pf.data[y].nunique() != 2:
                continue
            try:
                fit = _logit(pf.formula, pf.data)
            except (ValueError, np.linalg.LinAlgError) as e:  # a degenerate design: say so, do not crash
                out.setdefault(str(suite_name), {})["error"] = {"detail": str(e)[:200]}
                continue
            est = estimates(fit.params, fit.bse, fit.conf_int(), fit.pvalues)
            for effect, (term, sign) in pf.terms.items():
                planted = effects[effect]
                r = est[term]
                if not r["estimable"]:
                    row = {"planted": planted, "estimate": math.nan, "low": math.nan, "high": math.nan, "p": math.nan,
                           "covered": False, "significant": False, "estimable": False, "note": NOT_ESTIMABLE}
                else:
                    lo, hi = sorted((sign * r["low"], sign * r["high"]))
                    row = {"planted": planted, "estimate": sign * r["coef"], "low": lo, "high": hi, "p": r["p"],
                           "covered": bool(lo <= planted <= hi), "significant": bool(r["p"] < 0.05), "estimable": True}
                out.setdefault(str(suite_name), {})[effect] = row
    return out
