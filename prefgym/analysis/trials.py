"""Trial-level tables and models: every episode a row, preference joined, outcomes as numbers.

The common columns (model, suite, item, entities, condition, standardised preferences, reward,
success, validity, termination) are the same for every suite; each suite's descriptor adds its own
outcome columns (:meth:`prefgym.tasks.Suite.trial`) and says which model to fit
(:meth:`prefgym.tasks.Suite.trial_model`). Preference is standardised within each model (mean 0,
SD 1), so a coefficient is the change in log-odds per standard deviation of preference.

The unit of inference is the entity, because preference is a property of the entity: trials of
one entity share whatever else makes it easy or hard (its fame, its name, its topic), so a model
that counts trials as independent, or clusters them only by item, rejects a true null more often
the more items there are (a GEE clustered by the 4 donation tasks rejected 17-19% of null studies
at α = 0.05, 30% with entity noise and 130 items). So each trial model is fitted as
:func:`entity_model` fits it:

- the estimate: a logistic GLM with item fixed effects (every item its own intercept);
- its interval: standard errors clustered by entity (with statsmodels' small-sample correction)
  and a t quantile on (entities − 1) degrees of freedom;
- its p-value: a permutation test over entities: preference scores are shuffled among the
  entities (each entity's trials stay together), the item-demeaned least-squares slopes recomputed,
  and p is the share of shuffles with a slope at least as large. It tests the null that preference
  changes nothing, and holds its α whatever the entities differ in otherwise.

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
            "episode": e.id, "model": s.actor, "suite": s.suite, "condition": s.condition,
            "item": f"{s.task}#{s.instance}" if s.instance else s.task,  # a family's instances are distinct items
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


ENTITY_MODEL = ("logistic GLM with item fixed effects; interval from entity-clustered errors (t, entities − 1 "
                "df); p from permuting preference over entities")
N_PERMUTATIONS = 999


def _term(term: str, env: dict[str, Any]) -> np.ndarray:
    """A formula term's values from arrays of preference: a column, ``a:b`` or ``I(expression)``.
    Formulas are the suites' own code, never user input."""
    term = term.strip()
    if term.startswith("I(") and term.endswith(")"):
        return eval(term[2:-1], {"__builtins__": {}, "np": np}, env)  # noqa: S307 (a suite's own formula)
    if ":" in term:
        out = 1.0
        for factor in term.split(":"):
            out = out * _term(factor, env)
        return out
    return env[term]


def entity_permutation_p(formula: str, data: pd.DataFrame, *, n_perm: int = N_PERMUTATIONS,
                         seed: int = 0) -> dict[str, float]:
    """Per term of ``formula`` (whose terms are built from ``pref`` and ``pref_b``), the two-sided
    p-value of its item-demeaned least-squares slope when preference is shuffled over entities."""
    y_name, rhs = (side.strip() for side in formula.split("~"))
    terms = [t.strip() for t in rhs.split("+")]
    ents = sorted(set(data.entity) | (set(data.entity_b.dropna()) if "entity_b" in data else set()))
    index = {e: i for i, e in enumerate(ents)}
    pref_of = np.full(len(ents), np.nan)
    for col_e, col_p in (("entity", "pref"), ("entity_b", "pref_b")):
        if col_e in data and col_p in data:
            for e, v in zip(data[col_e], data[col_p]):
                if isinstance(e, str) and not math.isnan(v):
                    pref_of[index[e]] = v
    rng = np.random.default_rng(seed)
    perms = np.vstack([np.arange(len(ents)), np.argsort(rng.random((n_perm, len(ents))), axis=1)])
    shuffled = pref_of[perms]  # (1 + n_perm, entities): row 0 is the data as observed
    a = data.entity.map(index).to_numpy()
    env = {"pref": shuffled[:, a]}
    if "entity_b" in data:
        b = data.entity_b.map(index).fillna(0).astype(int).to_numpy()
        env["pref_b"] = shuffled[:, b]
    for t in terms:  # entity covariates (an adjusted model): fixed, only preference is shuffled
        if t not in env and t in data:
            env[t] = np.broadcast_to(data[t].to_numpy(float)[None, :], env["pref"].shape)
    X = np.stack([np.broadcast_to(_term(t, env), env["pref"].shape) for t in terms], axis=2)  # (P, n, k)
    y = data[y_name].to_numpy(float)
    codes = pd.factorize(data["item"])[0]
    counts = np.bincount(codes)

    def demean(v: np.ndarray) -> np.ndarray:
        """Within item, along the trial axis, for (shuffles, trials, terms) or (trials,)."""
        w = v if v.ndim == 3 else v[None, :, None]
        sums = np.zeros((w.shape[0], len(counts), w.shape[2]))
        np.add.at(sums, (slice(None), codes), w)
        out = w - (sums / counts[None, :, None])[:, codes]
        return out if v.ndim == 3 else out[0, :, 0]

    Xd, yd = demean(X), demean(y)
    xtx = np.einsum("pnk,pnl->pkl", Xd, Xd)
    xty = np.einsum("pnk,n->pk", Xd, yd)
    with np.errstate(all="ignore"):
        beta = np.linalg.solve(xtx + 1e-12 * np.eye(len(terms)), xty[..., None])[..., 0]
    observed = np.abs(beta[0])
    return {t: float((1 + np.sum(np.abs(beta[1:, k]) >= observed[k] - 1e-12)) / (n_perm + 1))
            for k, t in enumerate(terms)}


def entity_model(formula: str, data: pd.DataFrame, *, n_perm: int = N_PERMUTATIONS) -> dict[str, dict[str, Any]] | None:
    """The trial model with the entity as its unit (see the module docstring); None when there is
    too little to fit, every term not estimable under separation."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats as st

    y = formula.split("~")[0].strip()
    n_entities = data.entity.nunique()
    if len(data) < 10 or data[y].nunique() < 2 or n_entities < 3:
        return None
    fixed = formula + (" + C(item)" if data["item"].nunique() >= 2 else "")
    terms = [t.strip() for t in formula.split("~")[1].split("+")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; separation is detected below
        try:
            fit = smf.glm(fixed, data=data, family=sm.families.Binomial()).fit(
                cov_type="cluster", cov_kwds={"groups": pd.factorize(data.entity)[0], "use_correction": True})
        except Exception as e:  # perfect separation, singular designs
            if "separation" in str(e).lower() or isinstance(e, np.linalg.LinAlgError):
                return not_estimable(terms)
            return None
    keep = ["Intercept", *terms]  # the items' own intercepts may run off without harming the slopes
    params, bse = fit.params[keep], fit.bse[keep]
    t = st.t.ppf(0.975, n_entities - 1)
    ci = pd.DataFrame({0: params - t * bse, 1: params + t * bse})
    p = entity_permutation_p(formula, data, n_perm=n_perm)
    return estimates(params, bse, ci, pd.Series({"Intercept": math.nan, **p}))


def with_covariates(frame: pd.DataFrame, covariates: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The trial table with each entity's covariates (standardised over the catalog's entities):
    ``name_len``, ``desc_len``, and ``…_b`` for the second entity of a pair."""
    out = frame.copy()
    for name, by_entity in covariates.items():
        v = np.array(list(by_entity.values()), dtype=float)
        z = {k: (x - v.mean()) / (v.std() or 1.0) for k, x in by_entity.items()}
        out[name] = frame.entity.map(z)
        out[f"{name}_b"] = frame.entity_b.map(z)
    return out


def trial_models(frame: pd.DataFrame, *, n_perm: int = N_PERMUTATIONS,
                 covariates: dict[str, dict[str, float]] | None = None) -> dict[str, dict[str, Any]]:
    """model → suite → fitted coefficients (log-odds per SD of preference), with n, unit and model;
    with ``covariates`` (name → entity → value), also the model adjusted for them (``adjusted``)."""
    out: dict[str, dict[str, Any]] = {}
    if frame.empty:
        return out
    if covariates:
        frame = with_covariates(frame, covariates)
    for (model, suite), df in frame.groupby(["model", "suite"]):
        spec = get_suite(str(suite)).trial_model(df)
        if spec is None:
            continue
        formula, d = spec
        fitted = {"formula": formula, "n": len(d), "entities": int(d.entity.nunique()) if len(d) else 0,
                  "unit": "entity", "method": ENTITY_MODEL, "coefficients": entity_model(formula, d, n_perm=n_perm)}
        if covariates:
            pair = d.entity_b.notna().any()
            extra = [name for c in covariates for name in ((c, f"{c}_b") if pair else (c,))]
            adjusted = d.dropna(subset=extra)
            if len(adjusted) == len(d):
                formula_adj = formula + "".join(f" + {c}" for c in extra)
                coefficients = entity_model(formula_adj, adjusted, n_perm=n_perm)
                for c in extra if coefficients else ():  # shuffling preference tests preference, not these
                    coefficients[c]["p"] = math.nan
                fitted["adjusted"] = {"formula": formula_adj, "coefficients": coefficients}
        out.setdefault(str(model), {})[str(suite)] = fitted
    return out
