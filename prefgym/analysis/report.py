"""``report/`` for a run directory: the statistics (:mod:`.analyze`), the figures (:mod:`.figures`),
the page (:mod:`.html`), and, when asked for, the power of the run's own design (:mod:`.power`).

Power is opt-in (``power_studies`` here, ``--power N`` on ``prefgym analyze``, ``power_studies:``
in a study file): it simulates that many studies per effect size with the run's own numbers of
entities, pairs, items and tasks, on the run's own synthetic model where it has one (its planted
parameters), else on ``synthetic/planted``'s defaults.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from prefgym.analysis.analyze import analyze
from prefgym.analysis.data import RunData, load_run
from prefgym.analysis.html import render_html

POWER_SCALES = [0.0, 0.25, 0.5, 1.0]
DEFAULT_POWER_MODEL = "synthetic/planted"


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
    from prefgym.analysis.power import design_of, power_curve

    design = design_of(data.episodes)
    if design is None:
        return None
    model = next(iter(sorted(data.planted)), DEFAULT_POWER_MODEL)  # the run's own planted model, if any
    return {"design": design.model_dump(), "model": model, "studies": studies,
            "curves": power_curve(model, design, POWER_SCALES, studies=studies)}


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

            figs["_all"].append(power_plot(stats["power"]["curves"], stats["power"]["design"]["alpha"],
                                                 data.run.figure_path("power.png")))
    stats["figures"] = dict(figs)
    return data.run.write_report(stats, render_html(stats, figs))
