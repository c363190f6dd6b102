"""The report's plots (matplotlib, PNG files beside index.html, so the page works offline)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt  # noqa: E402


def _save(fig: Any, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"figures/{path.name}"


def preference_plot(label: str, scores: dict[str, dict[str, float]], names: dict[str, str], path: Path) -> str:
    """Each entity's preference score with its interval, most preferred on top."""
    order = sorted(scores, key=lambda e: scores[e]["value"])
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.22 * len(order) + 1)))
    values = [scores[e]["value"] for e in order]
    err = [[scores[e]["value"] - scores[e]["low"] for e in order], [scores[e]["high"] - scores[e]["value"] for e in order]]
    ax.errorbar(values, range(len(order)), xerr=err, fmt="o", ms=3, lw=1, color="#2b5d8a")
    ax.set_yticks(range(len(order)), [names.get(e, e)[:40] for e in order], fontsize=7)
    ax.set_xlabel("preference (Thurstonian mean, 95% interval)")
    ax.set_title(f"{label}: preferences")
    return _save(fig, path)


def behaviour_plot(label: str, prefs: dict[str, float], suites: dict[str, Any], path: Path) -> str | None:
    """Preference against each suite's behaviour measure, one panel per measure."""
    panels = [(suite, name, values) for suite, s in suites.items() for name, values in s["measures"].items()
              if len(set(values) & set(prefs)) >= 3]
    if not panels:
        return None
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False)
    for ax, (suite, name, values) in zip(axes.flat, panels):
        ids = sorted(set(values) & set(prefs))
        ax.scatter([prefs[i] for i in ids], [values[i] for i in ids], s=14, color="#c0504d")
        link = suites[suite]["links"].get(name) or {}
        rho = link.get("rho")
        ax.set_title(f"{suite}: {name}" + (f"\nρ = {rho:.2f}" if isinstance(rho, float) and not math.isnan(rho) else ""),
                     fontsize=9)
        ax.set_xlabel("preference", fontsize=8)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"{label}: preference vs behaviour")
    return _save(fig, path)


def coefficient_plot(rows: list[dict[str, Any]], path: Path) -> str | None:
    """Trial-level log-odds coefficients with 95% intervals, one row per model, suite and term."""
    rows = [r for r in rows if r.get("coef") is not None and not math.isnan(r["coef"])]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    for i, r in enumerate(rows):
        ax.plot([r["low"], r["high"]], [i, i], color="#555")
        ax.plot(r["coef"], i, "o", color="#2b5d8a")
    ax.axvline(0, color="#999", lw=0.8, ls="--")
    ax.set_yticks(range(len(rows)), [f"{r['model']} · {r['suite']} · {r['term']}" for r in rows], fontsize=7)
    ax.set_xlabel("log-odds per SD of preference (entity-clustered 95% interval)")
    return _save(fig, path)


def power_plot(curves: dict[str, list[dict[str, float]]] | list[dict[str, Any]], alpha: float, path: Path) -> str:
    """Power curves: by effect scale (``prefgym power``'s ``{suite: points}``), or, for a list of
    suite plans (:func:`prefgym.analysis.plan_power.plan_power`), by the gap in percentage points."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    by_gap = isinstance(curves, list)
    series = ({r["design"]["suite"]: [{"scale": p["gap_pp"], "rate": p["power"]} for p in r["curve"] if p["gap_pp"] <= 60]
               for r in curves} if by_gap else curves)
    for suite, points in series.items():
        ax.plot([p["scale"] for p in points], [p["rate"] for p in points], marker="o", label=suite)
    ax.axhline(alpha, color="#999", lw=0.8, ls="--")
    ax.axhline(0.8, color="#bbb", lw=0.8, ls=":")
    ax.set_xlabel("gap between the 5 most and 5 least preferred (percentage points)" if by_gap
                  else "planted effect (× the model's)")
    ax.set_ylabel("power (rejection rate)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    return _save(fig, path)
