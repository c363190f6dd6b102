"""``report/`` for a run directory: the statistics (:mod:`.analyze`), the figures (:mod:`.figures`),
the page (:mod:`.html`), and, when asked for, the power of the run's own design (:mod:`.plan_power`).

Power is opt-in (``power_studies`` here, ``--power N`` on ``prefgym analyze``, ``power_studies:``
in a study file): that many simulated studies per effect size, for each suite as the run played it
(its own entities, tasks, pairs and seeds), with entity and item noise, stated as the power at
gaps in percentage points and the gap detected 80% of the time.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from prefgym.analysis.analyze import analyze
from prefgym.analysis.data import RunData, load_run
from prefgym.analysis.html import render_html



def _figures(data: RunData, stats: dict[str, Any]) -> dict[str, list[str]]:
    from prefgym.analysis import figures as fg  # matplotlib: only once there is something to draw

    run, figs = data.run, defaultdict(list)
    coefficient_rows = []
    for i, (label, entry) in enumerate(stats["models"].items()):
        slug = f"model{i}"
        summary = data.summaries.get(data.models[i]) if i < len(data.models) else None  # analyze's order
        if summary is not None and summary.intervals():
            scores = {eid: s.model_dump() for eid, s in summary.intervals().items()}
            figs[label].append(fg.preference_plot(label, scores, stats["names"], run.figure_path(f"{slug}-preferences.png")))
        if entry["preferences"]:
            fig = fg.behaviour_plot(label, entry["preferences"], entry["suites"], run.figure_path(f"{slug}-behaviour.png"))
            if fig:
                figs[label].append(fig)
        for suite, s in entry["suites"].items():
            for term, c in ((s.get("model") or {}).get("coefficients") or {}).items():
                coefficient_rows.append({"model": label, "suite": suite, "term": term, **c})
    if coefficient_rows and any(r.get("estimable", True) for r in coefficient_rows):
        fig = fg.coefficient_plot(coefficient_rows, run.figure_path("coefficients.png"))
        if fig:
            figs["_all"].append(fig)
    return figs


def _power(data: RunData, studies: int) -> dict[str, Any] | None:
    """Each suite as the run played it (its entities, tasks, pairs, seeds, and whether they were
    stage one's extremes), with entity and item noise: power by gap in percentage points."""
    from prefgym.analysis.plan_power import Assumptions, designs_of_run, plan_power

    ranked = max([len(s.entities) for s in data.summaries.values() if s] or [0])
    designs = designs_of_run(data.episodes, data.config, ranked)
    if not designs:
        return None
    return {"assumptions": Assumptions().model_dump(), "studies": studies, "suites": plan_power(designs, studies=studies)}


def write_report(run_dir: str | Path, *, anonymize: bool | None = None, power_studies: int | None = None) -> Path:
    """Write ``report/stats.json``, ``report/index.html`` and its figures; the page's path."""
    data = load_run(run_dir)
    stats = analyze(data, anonymize)
    figs = _figures(data, stats)
    studies = data.config.get("power_studies", 0) if power_studies is None else power_studies
    if studies:
        stats["power"] = _power(data, studies)
        if stats["power"]:
            from prefgym.analysis.figures import power_plot

            figs["_all"].append(power_plot(stats["power"]["suites"], stats["power"]["assumptions"]["alpha"],
                                           data.run.figure_path("power.png")))
    stats["figures"] = dict(figs)
    return data.run.write_report(stats, render_html(stats, figs))
