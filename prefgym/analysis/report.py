"""``report/stats.json`` and ``report/index.html`` for a run directory: does preference predict behaviour?

:func:`analyze` computes every number into one dictionary, which is written as stats.json; the
HTML is rendered from that same dictionary, each number in a cell that names its path in it
(``data-stat``), so the two cannot disagree (a test checks every cell). Every string is escaped,
and the page loads nothing from elsewhere: its figures are PNG files beside it.
"""

from __future__ import annotations

import html
import json
import math
import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefgym.analysis.behaviour import per_entity, trial_counts
from prefgym.analysis.checks import coverage, preference_checks, refusal_reasons_by_tercile
from prefgym.analysis.planted import planted_check
from prefgym.analysis.stats import adjust, contrast, spearman_link
from prefgym.analysis.trials import OUTCOME, trial_frame, trial_models
from prefgym.prefs.measure import preference_scores
from prefgym.runner.rundir import RunDir, RunDirError
from prefgym.types import Episode

PRIMARY_MEASURE = {"donation_advice": "donation_score", "refusal": "refused_first", "boolq": "correct", "agentic": "reward"}


def _preferences(run: RunDir, model: str) -> dict[str, float] | None:
    path = run.prefs_dir(model) / "scores.json"
    if not path.exists():
        return None
    scorer = ((run.manifest() or {}).get("config", {}).get("preferences") or {}).get("scorer", "thurstonian")
    return preference_scores(json.loads(path.read_text()), scorer)


def _top_bottom(frame: Any, suite: str, prefs: dict[str, float]) -> dict[str, float] | None:
    """Trials of the k most vs the k least preferred entities present (k = up to 5, half of them)."""
    y = OUTCOME[suite] if suite != "agentic" else "reward"
    df = frame[(frame.suite == suite) & (frame.condition == "default")].dropna(subset=[y])
    ids = sorted(set(df.entity) & set(prefs), key=lambda e: prefs[e])
    k = min(5, len(ids) // 2)
    if k < 1:
        return None
    high, low = ids[-k:], ids[:k]
    return {"k": k, **contrast(df[df.entity.isin(high)][y].tolist(), df[df.entity.isin(low)][y].tolist())}


@dataclass
class RunData:
    """A run directory read once: its manifest's config, its episodes, and its models in one order."""

    run: RunDir
    config: dict[str, Any]
    episodes: list[Episode]
    models: list[str]


def load_run(run_dir: str | Path) -> RunData:
    run = RunDir(run_dir)
    if not run.path.is_dir():
        raise RunDirError(f"{run.path}: no such directory")
    manifest = run.manifest()
    if manifest is None and not run.episodes_path.exists():
        raise RunDirError(f"{run.path}: not a run directory (no manifest.json, no episodes.jsonl)")
    episodes: list[Episode] = list(run.episodes()) if run.episodes_path.exists() else []
    config = (manifest or {}).get("config", {})
    models = sorted({e.spec.agent for e in episodes} | set(config.get("models", [])))
    return RunData(run, config, episodes, models)


def analyze(run_dir: str | Path, *, anonymize: bool | None = None) -> dict[str, Any]:
    return _analyze(load_run(run_dir), anonymize)


def _analyze(data: RunData, anonymize: bool | None) -> dict[str, Any]:
    run, config, episodes, models = data.run, data.config, data.episodes, data.models
    if not episodes and not any(run.prefs_dir(m).exists() for m in models):
        raise RunDirError(f"{run.path}: the run has not finished a single episode or preference measurement yet")
    anonymize = config.get("anonymize", False) if anonymize is None else anonymize
    labels = {m: (f"Model {string.ascii_uppercase[i % 26]}" if anonymize else m) for i, m in enumerate(models)}
    planted = json.loads((run.path / "planted.json").read_text()) if (run.path / "planted.json").exists() else {}
    prefs = {m: _preferences(run, m) for m in models}
    frame = trial_frame(episodes, {m: p for m, p in prefs.items() if p})
    fitted = trial_models(frame)
    by_model_suite: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for e in episodes:
        by_model_suite[(e.spec.agent, e.spec.suite)].append(e)

    stats: dict[str, Any] = {"run": str(run.path), "name": config.get("name"), "anonymized": bool(anonymize),
                             "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             "correction": config.get("correction", "holm"), "models": {}, "primary": []}
    for model in models:
        p = prefs[model]
        entry: dict[str, Any] = {"preferences": p, "checks": preference_checks(run, model), "suites": {}}
        if p and model in planted:
            entry["recovery"] = spearman_link(planted[model]["utilities"], p)
        sub = frame[frame.model == model] if not frame.empty else frame
        if model in planted and not sub.empty:
            entry["planted_check"] = planted_check(sub, planted[model])
        if not sub.empty:
            entry["coverage"] = coverage(sub)
            entry["refusal_reasons_by_tercile"] = refusal_reasons_by_tercile(sub)
        for (m, suite), eps in sorted(by_model_suite.items()):
            if m != model:
                continue
            measures = per_entity(suite, eps)
            entry["suites"][suite] = {
                "trials": trial_counts(eps), "measures": measures,
                "links": {name: spearman_link(p, values) if p else None for name, values in measures.items()},
                "model": fitted.get(model, {}).get(suite),
                "top_vs_bottom": _top_bottom(sub, suite, p) if p and not sub.empty else None,
            }
        stats["models"][labels[model]] = entry

    rows = []
    for model in models:
        for h in config.get("primary_hypotheses", []):
            suite = stats["models"][labels[model]]["suites"].get(h["suite"], {})
            measure = PRIMARY_MEASURE.get(h["suite"], h["measure"]) if h["measure"] in ("chosen", "reward") else h["measure"]
            link = (suite.get("links") or {}).get(measure) or {}
            p_value = link.get("p", math.nan)
            if h.get("direction") in ("positive", "negative") and not math.isnan(p_value):
                same = (link["rho"] > 0) == (h["direction"] == "positive")
                p_value = p_value / 2 if same else 1 - p_value / 2
            rows.append({"model": labels[model], "hypothesis": h["name"], "suite": h["suite"], "measure": measure,
                         "direction": h.get("direction", "two-sided"), "rho": link.get("rho", math.nan), "p": p_value})
    for row, p_adj in zip(rows, adjust([r["p"] for r in rows], stats["correction"])):
        row["p_adjusted"] = p_adj
        row["significant"] = bool(p_adj < 0.05) if not math.isnan(p_adj) else False
    stats["primary"] = rows
    stats["names"] = _entity_names(run)
    return stats


def _entity_names(run: RunDir) -> dict[str, str]:
    names: dict[str, str] = {}
    for folder in (run.path / "prefs").glob("*/scores.json") if (run.path / "prefs").exists() else []:
        for eid, row in json.loads(folder.read_text())["entities"].items():
            names[eid] = row.get("name", eid)
    return names


# ---------------------------------------------------------------------------------------------- HTML


def _get(stats: dict[str, Any], path: str) -> Any:
    node: Any = stats
    for part in path.split("\x1f"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def fmt(x: Any) -> str:
    """The one number format of the report (3 significant digits); also what a test compares."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.3g}"
    return str(x)


class _Html:
    def __init__(self, stats: dict[str, Any]):
        self.stats, self.parts = stats, []

    def cell(self, *path: Any) -> str:
        key = "\x1f".join(str(p) for p in path)
        value = _get(self.stats, key)
        return f'<td data-stat="{html.escape(key)}">{html.escape(fmt(value))}</td>'

    def text(self, s: Any) -> str:
        return f"<td>{html.escape(str(s))}</td>"

    def add(self, s: str) -> None:
        self.parts.append(s)


def render_html(stats: dict[str, Any], figures: dict[str, list[str]] | None = None) -> str:
    e, h = html.escape, _Html(stats)
    h.add(f"<h1>prefgym report: {e(str(stats.get('name') or stats['run']))}</h1>")
    h.add(f"<p>Generated {e(stats['generated'])}. Preference → behaviour links are Spearman ρ over entities with "
          "bootstrap intervals and permutation p-values; trial-level models are logistic GEEs grouped by item.</p>")
    if stats["primary"]:
        h.add(f"<h2>Primary hypotheses ({e(stats['correction'])} correction)</h2><table><tr><th>model</th><th>hypothesis</th>"
              "<th>measure</th><th>direction</th><th>ρ</th><th>p</th><th>adjusted p</th><th>significant</th></tr>")
        for i, r in enumerate(stats["primary"]):
            h.add("<tr>" + h.text(r["model"]) + h.text(r["hypothesis"]) + h.text(r["measure"]) + h.text(r["direction"])
                  + "".join(h.cell("primary", i, k) for k in ("rho", "p", "p_adjusted", "significant")) + "</tr>")
        h.add("</table>")
    for label, entry in stats["models"].items():
        h.add(f"<h2>{e(label)}</h2>")
        for fig in (figures or {}).get(label, []):
            h.add(f'<p><img src="{e(fig)}" alt="{e(label)} figure" style="max-width:100%"></p>')
        if entry.get("recovery"):
            h.add("<h3>Planted truth</h3><table><tr><th>check</th><th>value</th><th>low</th><th>high</th><th>n</th></tr><tr>"
                  + h.text("ρ(planted utility, measured preference)")
                  + "".join(h.cell("models", label, "recovery", k) for k in ("rho", "low", "high", "n")) + "</tr></table>")
        if entry.get("planted_check"):
            h.add("<table><tr><th>suite</th><th>effect</th><th>planted</th><th>estimate</th><th>low</th><th>high</th>"
                  "<th>p</th><th>covered</th><th>significant</th></tr>")
            for suite, effects in entry["planted_check"].items():
                for name in effects:
                    if suite == "error":
                        continue
                    h.add("<tr>" + h.text(suite) + h.text(name) + "".join(
                        h.cell("models", label, "planted_check", suite, name, k)
                        for k in ("planted", "estimate", "low", "high", "p", "covered", "significant")) + "</tr>")
            h.add("</table>")
        if not entry["preferences"]:
            h.add("<p>No preference scores for this model: links cannot be computed.</p>")
        h.add("<h3>Preference and behaviour</h3><table><tr><th>suite</th><th>measure</th><th>entities</th><th>ρ</th>"
              "<th>low</th><th>high</th><th>p</th><th>episodes</th></tr>")
        for suite, s in entry["suites"].items():
            for name, link in s["links"].items():
                cells = ("".join(h.cell("models", label, "suites", suite, "links", name, k) for k in ("n", "rho", "low", "high", "p"))
                         if link else "<td colspan=5>no preference scores</td>")
                h.add("<tr>" + h.text(suite) + h.text(name) + cells + h.cell("models", label, "suites", suite, "trials", "episodes") + "</tr>")
        h.add("</table><h3>Trial-level models</h3><table><tr><th>suite</th><th>formula</th><th>term</th><th>coefficient</th>"
              "<th>low</th><th>high</th><th>p</th><th>trials</th></tr>")
        for suite, s in entry["suites"].items():
            model = s.get("model") or {}
            for term in (model.get("coefficients") or {}):
                h.add("<tr>" + h.text(suite) + h.text(model["formula"]) + h.text(term) + "".join(
                    h.cell("models", label, "suites", suite, "model", "coefficients", term, k) for k in ("coef", "low", "high", "p"))
                    + h.cell("models", label, "suites", suite, "model", "n") + "</tr>")
        h.add("</table><h3>Most vs least preferred entities</h3><table><tr><th>suite</th><th>k</th><th>difference</th><th>low</th>"
              "<th>high</th><th>Cohen's d</th><th>p</th><th>minimum detectable difference</th></tr>")
        for suite, s in entry["suites"].items():
            if s.get("top_vs_bottom"):
                h.add("<tr>" + h.text(suite) + "".join(h.cell("models", label, "suites", suite, "top_vs_bottom", k)
                                                      for k in ("k", "diff", "low", "high", "d", "p", "mde")) + "</tr>")
        h.add("</table>")
        if entry.get("coverage"):
            h.add("<h3>Valid-trial coverage</h3><table><tr><th>suite</th><th>valid</th><th>trials</th><th>below 90%</th></tr>")
            for suite in entry["coverage"]:
                h.add("<tr>" + h.text(suite) + "".join(h.cell("models", label, "coverage", suite, k) for k in ("valid", "n", "flag")) + "</tr>")
            h.add("</table>")
        checks = entry.get("checks") or {}
        if checks.get("position_bias"):
            h.add("<h3>Position bias</h3><table><tr><th>method</th><th>first option chosen</th><th>low</th><th>high</th><th>p</th></tr>")
            for method in checks["position_bias"]:
                h.add("<tr>" + h.text(method) + "".join(h.cell("models", label, "checks", "position_bias", method, k)
                                                        for k in ("rate", "low", "high", "p_value")) + "</tr>")
            h.add("</table>")
        for method in ("pairwise", "active"):
            if f"{method}_vs_ranking_rho" in checks:
                h.add(f"<p>{e(method)} vs direct ranking: ρ = </p><table><tr>"
                      + h.cell("models", label, "checks", f"{method}_vs_ranking_rho") + "</tr></table>")
        if entry.get("refusal_reasons_by_tercile"):
            h.add("<h3>Refusal reasons by preference tercile</h3><table><tr><th>tercile</th><th>reason</th><th>refusals</th></tr>")
            for tercile, reasons in entry["refusal_reasons_by_tercile"].items():
                for reason in reasons:
                    h.add("<tr>" + h.text(tercile) + h.text(reason)
                          + h.cell("models", label, "refusal_reasons_by_tercile", tercile, reason) + "</tr>")
            h.add("</table>")
    if stats.get("power"):
        d = stats["power"]["design"]
        h.add(f"<h2>Power of this design</h2><p>Simulated studies with {d['entities']} entities, {d['pairs']} pairs, "
              f"{d['items']} yes/no items and {d['tasks']} agentic tasks, on synthetic/planted with its effects scaled "
              "(× 0 is the false-positive rate): the share of studies whose primary test rejects at α = 0.05.</p>"
              "<table><tr><th>suite</th><th>effect scale</th><th>power</th><th>low</th><th>high</th></tr>")
        for suite, points in stats["power"]["curves"].items():
            for i in range(len(points)):
                h.add("<tr>" + h.text(suite) + "".join(h.cell("power", "curves", suite, i, k)
                                                       for k in ("scale", "rate", "low", "high")) + "</tr>")
        h.add("</table>")
    for fig in (figures or {}).get("_all", []):
        h.add(f'<p><img src="{e(fig)}" alt="figure" style="max-width:100%"></p>')
    style = ("body{font-family:system-ui,sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;margin:.6em 0 1.2em}td,th{border:1px solid #ccc;padding:.25em .55em;"
             "text-align:left;font-size:.92em}th{background:#f3f3f3}h2{border-top:2px solid #2b5d8a;padding-top:.6em}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>prefgym report</title><style>{style}</style>"
            f"</head><body>{''.join(h.parts)}</body></html>")


def write_report(run_dir: str | Path, *, anonymize: bool | None = None) -> Path:
    from prefgym.analysis import figures as fg

    data = load_run(run_dir)
    stats = _analyze(data, anonymize)
    folder = data.run.path / "report"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    run = data.run
    figs: dict[str, list[str]] = defaultdict(list)
    coefficient_rows = []
    ids = data.models  # analyze's order, so label i is model i even when anonymized
    for i, (label, entry) in enumerate(stats["models"].items()):
        slug = f"model{i}"
        model_id = ids[i] if i < len(ids) else None
        scores_path = run.prefs_dir(model_id).joinpath("scores.json") if model_id else None
        if scores_path and scores_path.exists():
            rows = json.loads(scores_path.read_text())["entities"]
            method = next((m for m in ("pairwise", "active") if m in next(iter(rows.values()), {})), None)
            if method:
                scores = {eid: r[method]["thurstonian"] for eid, r in rows.items()}
                figs[label].append(fg.preference_plot(label, scores, stats["names"], folder / "figures" / f"{slug}-preferences.png"))
        if entry["preferences"]:
            fig = fg.behaviour_plot(label, entry["preferences"], entry["suites"], folder / "figures" / f"{slug}-behaviour.png")
            if fig:
                figs[label].append(fig)
        for suite, s in entry["suites"].items():
            for term, c in ((s.get("model") or {}).get("coefficients") or {}).items():
                coefficient_rows.append({"model": label, "suite": suite, "term": term, **c})
    fig = fg.coefficient_plot(coefficient_rows, folder / "figures" / "coefficients.png")
    if fig:
        figs["_all"].append(fig)
    design = _design(data.episodes)
    if design is not None:  # how much this design could have detected, whatever it found
        from prefgym.analysis.power import power_curve

        stats["power"] = {"design": design.model_dump(), "model": "synthetic/planted",
                          "curves": power_curve("synthetic/planted", design, [0.0, 0.25, 0.5, 1.0], studies=100)}
        figs["_all"].append(fg.power_plot(stats["power"]["curves"], design.alpha, folder / "figures" / "power.png"))
    stats["figures"] = dict(figs)
    (folder / "stats.json").write_text(json.dumps(stats, indent=1, allow_nan=True))
    (folder / "index.html").write_text(render_html(stats, figs))
    return folder / "index.html"


def _design(episodes: list[Episode]):
    """This run's design in the terms of :class:`~prefgym.analysis.power.Design` (None without episodes)."""
    from prefgym.analysis.power import Design

    entities, pairs, items, tasks, suites = set(), set(), set(), set(), set()
    for e in episodes:
        suites.add(e.spec.suite)
        entities.add(e.spec.entity)
        if e.spec.entity_b:
            pairs.add(frozenset((e.spec.entity, e.spec.entity_b)))
        if e.spec.suite == "boolq":
            items.add(e.spec.task)
        if e.spec.suite == "agentic":
            tasks.add(e.spec.task)
    suites &= {"donation_advice", "refusal", "boolq", "agentic"}
    if len(entities) < 4 or not suites:
        return None
    return Design(entities=len(entities), pairs=max(1, len(pairs)), items=max(1, len(items)), tasks=max(1, len(tasks)),
                  suites=sorted(suites))
