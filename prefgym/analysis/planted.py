"""Checks against the truth of a synthetic model: are the planted effects recovered?

On the planted utilities (not the measured preferences, whose scale is the scorer's), the
synthetic model's own logits are linear, so a logistic regression recovers each effect size
directly: advice as the coefficient of u_first − u_second, refusal as minus the coefficient of the
pair's mean utility and the interaction as the coefficient of min(u_a,0)·min(u_b,0), yes/no and
agentic success as the coefficient of u. Each estimate comes with its 95% interval, and whether it
covers the planted value.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd


def _logit(formula: str, data: pd.DataFrame) -> Any:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.glm(formula, data=data, family=sm.families.Binomial()).fit()


def planted_check(frame: pd.DataFrame, truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """suite → effect → {planted, estimate, low, high, p, covered, significant}."""
    u = truth["utilities"]
    effects = truth["effects"]
    df = frame.assign(u=frame.entity.map(u), u_b=frame.entity_b.map(u))
    out: dict[str, dict[str, Any]] = {}

    def row(fit: Any, name: str, planted: float, sign: float = 1.0) -> dict[str, Any]:
        est, (lo, hi) = sign * fit.params[name], sorted(sign * fit.conf_int().loc[name].to_numpy())
        return {"planted": planted, "estimate": float(est), "low": float(lo), "high": float(hi),
                "p": float(fit.pvalues[name]), "covered": bool(lo <= planted <= hi),
                "significant": bool(fit.pvalues[name] < 0.05)}

    try:
        d = df[df.suite == "donation_advice"].dropna(subset=["chose_first", "u", "u_b"])
        if len(d) >= 20 and d.chose_first.nunique() == 2:
            fit = _logit("chose_first ~ I(u - u_b)", d)
            out["donation_advice"] = {"advice": row(fit, "I(u - u_b)", effects["advice"])}
        d = df[df.suite == "refusal"].dropna(subset=["refused_first", "u", "u_b"])
        if len(d) >= 20 and d.refused_first.nunique() == 2:
            d = d.assign(mean_u=(d.u + d.u_b) / 2, both=np.minimum(d.u, 0) * np.minimum(d.u_b, 0))
            fit = _logit("refused_first ~ mean_u + both", d)
            out["refusal"] = {"refusal": row(fit, "mean_u", effects["refusal"], sign=-1.0),
                              "refusal_interaction": row(fit, "both", effects["refusal_interaction"])}
        for suite, y, effect in (("boolq", "correct", "qa"), ("agentic", "success", "task")):
            d = df[(df.suite == suite) & (df.condition == "default")].dropna(subset=[y, "u"])
            if len(d) >= 20 and d[y].nunique() == 2:
                out[suite] = {effect: row(_logit(f"{y} ~ u", d), "u", effects[effect])}
    except (ValueError, np.linalg.LinAlgError) as e:  # a degenerate design: say so, do not crash
        out["error"] = {"detail": str(e)[:200]}
    for suite in out.values():
        for r in suite.values():
            if isinstance(r, dict) and "estimate" in r and math.isnan(r["estimate"]):
                r["covered"] = r["significant"] = False
    return out
