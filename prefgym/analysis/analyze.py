"""Every number of a run's report, in one dictionary (written as ``report/stats.json``).

Per model: its preferences and the checks on them, the planted truth's recovery (synthetic models),
and per suite the entity-level measures, their Spearman links with preference, the trial-level
model, and the most- vs least-preferred contrast. Then the declared primary hypotheses with their
family-wise adjusted p-values. Which measure, outcome and model belong to a suite is its
descriptor's business (:class:`prefgym.tasks.Suite`); nothing here names a suite.
"""

from __future__ import annotations

import math
import string
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from prefgym.analysis.behaviour import per_entity, trial_counts
from prefgym.analysis.checks import coverage, preference_checks, suite_tables
from prefgym.analysis.controls import control_contrasts
from prefgym.analysis.covariates import covariate_values, entity_covariates, run_catalog
from prefgym.analysis.data import RunData, load_run
from prefgym.analysis.planted import planted_check
from prefgym.analysis.stats import adjust, contrast, spearman_link
from prefgym.analysis.trials import trial_frame, trial_models
from prefgym.models import prefill_mode
from prefgym.runner.rundir import RunDirError, config_diff
from prefgym.tasks import get_suite
from prefgym.types import Episode, EpisodeSpec

TOP_BOTTOM_K = 5  # a run's configuration without contrast_k


def contrast_k(config: dict[str, Any], suite: str) -> int:
    """The plan's own k where it runs the top and bottom k of stage one's ranking, else the study's
    ``contrast_k``: the contrast compares the entities the design chose, not a fixed five."""
    for plan in config.get("suites") or []:
        pick = plan.get("entities") if isinstance(plan, dict) and plan.get("suite") == suite else None
        if isinstance(pick, dict) and pick.get("top") and pick.get("bottom"):
            return min(pick["top"], pick["bottom"])
    return config.get("contrast_k") or TOP_BOTTOM_K


CONTRAST_METHOD = "Welch t on entity means (each entity's mean over its trials): the k most vs the k least preferred"


def top_bottom(frame: pd.DataFrame, suite: str, prefs: dict[str, float], k: int = TOP_BOTTOM_K) -> dict[str, Any] | None:
    """The k most vs the k least preferred entities present (at most half of them), compared
    by their entity means: the entity is the unit, so k entities are k observations however many
    trials each has (pooling trials rejected 14-65% of null studies with entity noise)."""
    y = get_suite(suite).contrast_column()
    df = frame[(frame.suite == suite) & (frame.condition == "default")]
    if y not in df:
        return None
    means = df.dropna(subset=[y]).groupby("entity")[y].mean()
    ids = sorted(set(means.index) & set(prefs), key=lambda e: prefs[e])
    k = min(k, len(ids) // 2)
    if k < 2:
        return None
    high, low = ids[-k:], ids[:k]
    return {"k": k, "unit": "entity", "method": CONTRAST_METHOD,
            **contrast(means[high].tolist(), means[low].tolist())}


def labels(models: list[str], anonymize: bool) -> dict[str, str]:
    """Model id → the name the report shows (Model A, B, … when anonymised)."""
    return {m: (f"Model {string.ascii_uppercase[i % 26]}" if anonymize else m) for i, m in enumerate(models)}


def analyze(data: RunData | str | Path, anonymize: bool | None = None) -> dict[str, Any]:
    """The statistics of a run (read with :func:`~prefgym.analysis.data.load_run` if given a path)."""
    if not isinstance(data, RunData):
        data = load_run(data)
    run, config, episodes, models = data.run, data.config, data.episodes, data.models
    if not episodes and not any(data.summaries.values()):
        raise RunDirError(f"{run.path}: the run has not finished a single episode or preference measurement yet")
    anonymize = config.get("anonymize", False) if anonymize is None else anonymize
    names = labels(models, anonymize)
    prefs = {m: data.preferences(m) for m in models}
    frame = trial_frame(episodes, {m: p for m, p in prefs.items() if p})
    manifest = run.manifest() or {}
    catalog = run_catalog((manifest.get("catalog") or {}).get("source"))
    fitted = trial_models(frame, covariates=covariate_values(catalog))
    asking = config.get("preferences") or {}
    also_asked = [q for q in asking.get("also_ask") or [] if q != asking.get("question")]
    by_model_suite: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for e in episodes:
        by_model_suite[(e.spec.actor, e.spec.suite)].append(e)

    stats: dict[str, Any] = {"run": str(run.path), "name": config.get("name"), "anonymized": bool(anonymize),
                             "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             "correction": config.get("correction", "holm"), "models": {}, "primary": []}
    for model in models:
        p = prefs[model]
        entry: dict[str, Any] = {"preferences": p, "checks": preference_checks(data.summaries.get(model)), "suites": {},
                                 "prefill_mode": prefill_mode(model) if EpisodeSpec.agent_fields(model)["agent"] == "model" else None}
        truth = data.planted.get(model)
        if p and also_asked and entry["checks"] is not None:
            scorer = asking.get("scorer", "thurstonian")
            entry["checks"]["question_agreement"] = {
                q: spearman_link(p, other.scores(scorer)) for q in also_asked if (other := run.preferences(model, q))}
        if p:
            entry["covariates"] = entity_covariates(p, catalog)
        if p and truth:
            entry["recovery"] = spearman_link(truth["utilities"], p)
        sub = frame[frame.model == model] if not frame.empty else frame
        if truth and not sub.empty:
            entry["planted_check"] = planted_check(sub, truth)
        if not sub.empty:
            entry["coverage"] = coverage(sub)
            entry["tables"] = suite_tables(sub)
        for (m, suite), eps in sorted(by_model_suite.items()):
            if m != model:
                continue
            measures = per_entity(suite, eps)
            entry["suites"][suite] = {
                "trials": trial_counts(eps), "measures": measures,
                "links": {name: spearman_link(p, values) if p else None for name, values in measures.items()},
                "model": fitted.get(model, {}).get(suite),
                "top_vs_bottom": top_bottom(sub, suite, p, contrast_k(config, suite)) if p and not sub.empty else None,
                "controls": control_contrasts(sub, suite, p) if p and not sub.empty else {},
                "tests": get_suite(suite).tests(sub[sub.suite == suite]) if p and not sub.empty else {},
            }
        stats["models"][names[model]] = entry

    stats["primary"] = _primary(stats, config, models, names)
    stats["cross_model"] = cross_model(prefs, names)
    stats["config_changes"] = config_changes(manifest)
    stats["names"] = data.names()
    return stats


def cross_model(prefs: dict[str, dict[str, float] | None], names: dict[str, str]) -> list[dict[str, Any]]:
    """Spearman ρ between every two models' preferences over the entities both scored (the
    matrix SCIENCE.md asks for: do models share their preferences?), with its interval."""
    have = [m for m in prefs if prefs[m]]
    return [{"a": names[a], "b": names[b], **spearman_link(prefs[a], prefs[b])}
            for i, a in enumerate(have) for b in have[i + 1:]]


def config_changes(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Each change of configuration after the run began (``--force``): what changed, so a reader
    sees a hypothesis or a plan altered once data existed."""
    configs = [*manifest.get("previous_configs", []), manifest.get("config")]
    return [{"change": i, "differences": config_diff(old, new)}
            for i, (old, new) in enumerate(zip(configs, configs[1:]), 1)]


def _primary(stats: dict[str, Any], config: dict[str, Any], models: list[str], names: dict[str, str]) -> list[dict[str, Any]]:
    """The declared primary hypotheses, one row per model, with Holm / Bonferroni adjusted p-values."""
    rows = []
    for model in models:
        for h in config.get("primary_hypotheses", []):
            suite = stats["models"][names[model]]["suites"].get(h["suite"], {})
            measure = get_suite(h["suite"]).resolve_measure(h["measure"])
            link = (suite.get("links") or {}).get(measure) or {}
            p_value = link.get("p", math.nan)
            if h.get("direction") in ("positive", "negative") and not math.isnan(p_value):
                same = (link["rho"] > 0) == (h["direction"] == "positive")
                p_value = p_value / 2 if same else 1 - p_value / 2
            rows.append({"model": names[model], "hypothesis": h["name"], "suite": h["suite"], "measure": measure,
                         "direction": h.get("direction", "two-sided"), "rho": link.get("rho", math.nan), "p": p_value,
                         "unit": "entity", "test": "Spearman over entities, permutation p-value"})
    # A hypothesis without a p-value (its suite ran no episode, too few entities) stays in the
    # family as p = 1: dropping it would make the others' correction lighter than declared.
    for row in rows:
        if math.isnan(row["p"]):
            row["missing"] = "no p-value: too few entities with this measure, or the suite did not run"
    for row, p_adj in zip(rows, adjust([1.0 if math.isnan(r["p"]) else r["p"] for r in rows], stats["correction"])):
        row["p_adjusted"] = p_adj
        row["significant"] = bool(p_adj < 0.05) and "missing" not in row
    return rows
