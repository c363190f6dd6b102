"""Method checks a reader needs before trusting a link: do the preference methods agree, is there
position bias, did enough trials give a valid answer, and each suite's own tables (refusal
reasons by preference tercile, for the refusal suite)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from prefgym.analysis.stats import spearman_link
from prefgym.prefs.summary import FITTED_METHODS, PreferenceSummary
from prefgym.tasks import get_suite

COVERAGE_FLAG = 0.9


def preference_checks(summary: PreferenceSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    out: dict[str, Any] = {"position_bias": {m: pb.model_dump(mode="json") for m, pb in summary.position_bias().items()}}
    for method in FITTED_METHODS:
        if summary.method_agreement(method) is not None:
            fitted = {e: r.fitted(method)["thurstonian"].value for e, r in summary.entities.items()
                      if r.fitted(method) is not None}
            ranked = {e: -r.ranking.mean_rank for e, r in summary.entities.items() if r.ranking is not None}
            out[f"{method}_vs_ranking"] = spearman_link(fitted, ranked)  # with its bootstrap interval over entities
    if summary.ranking is not None:
        out["ranking"] = summary.ranking.model_dump(mode="json")
    return out


def coverage(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """suite → share of trials with a valid answer, flagged below 90%."""
    out = {}
    for suite, df in frame.groupby("suite"):
        valid = df["valid"].dropna()
        if len(valid):
            share = float(valid.astype(float).mean())
            out[str(suite)] = {"valid": share, "n": int(len(valid)), "flag": share < COVERAGE_FLAG}
    return out


def suite_tables(frame: pd.DataFrame) -> dict[str, dict[str, dict[str, int]]]:
    """"suite: table name" → row → column → count, from every suite's descriptor."""
    out = {}
    for suite, df in frame.groupby("suite"):
        for name, table in get_suite(str(suite)).checks(df).items():
            out[f"{suite}: {name}"] = table
    return out
