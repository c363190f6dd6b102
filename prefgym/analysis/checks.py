"""Method checks a reader needs before trusting a link: do the preference methods agree, is there
position bias, did enough trials give a valid answer, and why do refusals happen across preference?"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from prefgym.runner.rundir import RunDir

COVERAGE_FLAG = 0.9


def preference_checks(run: RunDir, model: str) -> dict[str, Any] | None:
    path = run.prefs_dir(model) / "scores.json"
    if not path.exists():
        return None
    summary = json.loads(path.read_text())
    agreement = summary.get("agreement") or {}
    out: dict[str, Any] = {"position_bias": {m: summary[m]["position_bias"] for m in ("pairwise", "active") if m in summary}}
    for method in ("pairwise", "active"):
        if f"{method}/thurstonian" in agreement and "ranking/mean_rank" in agreement:
            out[f"{method}_vs_ranking_rho"] = agreement[f"{method}/thurstonian"]["ranking/mean_rank"]
    if "ranking" in summary:
        out["ranking"] = summary["ranking"]
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


def refusal_reasons_by_tercile(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Refusal reasons of first attempts, by the tercile of the pair's mean preference."""
    df = frame[(frame.suite == "refusal") & frame.refusal_reason.notna()].dropna(subset=["pref", "pref_b"])
    if df.empty:
        return {}
    mean_pref = (df.pref + df.pref_b) / 2
    all_pairs = frame[frame.suite == "refusal"].dropna(subset=["pref", "pref_b"])
    cuts = ((all_pairs.pref + all_pairs.pref_b) / 2).quantile([1 / 3, 2 / 3]).to_list()
    tercile = pd.cut(mean_pref, [-float("inf"), *cuts, float("inf")], labels=["disliked", "middle", "liked"])
    table = df.assign(tercile=tercile).groupby(["tercile", "refusal_reason"], observed=True).size()
    out: dict[str, dict[str, int]] = {}
    for (t, reason), n in table.items():
        out.setdefault(str(t), {})[str(reason)] = int(n)
    return out
