"""``report/stats.json`` and ``report/index.html`` for a run directory: does preference predict behaviour?

Every number shown in the HTML is read from the same dictionary that is written to stats.json,
and every string is escaped. The page is self-contained (no script, no remote resource).
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from prefgym.analysis.behaviour import per_entity, trial_counts
from prefgym.analysis.stats import adjust, spearman_link
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


def analyze(run_dir: str | Path) -> dict[str, Any]:
    run = RunDir(run_dir)
    manifest = run.manifest()
    if manifest is None and not run.episodes_path.exists():
        raise RunDirError(f"{run.path}: not a run directory (no manifest.json or episodes.jsonl)")
    episodes = list(run.episodes()) if run.episodes_path.exists() else []
    config = (manifest or {}).get("config", {})
    by_model_suite: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for e in episodes:
        by_model_suite[(e.spec.agent, e.spec.suite)].append(e)
    models = sorted({m for m, _ in by_model_suite} | set(config.get("models", [])))
    planted = json.loads((run.path / "planted.json").read_text()) if (run.path / "planted.json").exists() else {}
    stats: dict[str, Any] = {"run": str(run.path), "name": config.get("name"), "models": {}, "primary": []}
    for model in models:
        prefs = _preferences(run, model)
        entry: dict[str, Any] = {"preferences": prefs, "suites": {}}
        if prefs and model in planted:
            entry["recovery"] = spearman_link(planted[model]["utilities"], prefs)
        for (m, suite), eps in sorted(by_model_suite.items()):
            if m != model:
                continue
            measures = per_entity(suite, eps)
            links = {name: spearman_link(prefs, values) if prefs else None for name, values in measures.items()}
            entry["suites"][suite] = {"trials": trial_counts(eps), "measures": measures, "links": links}
        stats["models"][model] = entry
    hypotheses = config.get("primary_hypotheses", [])
    rows = []
    for model in models:
        for h in hypotheses:
            suite = stats["models"][model]["suites"].get(h["suite"], {})
            measure = PRIMARY_MEASURE.get(h["suite"], h["measure"]) if h["measure"] in ("chosen", "reward") else h["measure"]
            link = (suite.get("links") or {}).get(measure) or {}
            p = link.get("p", math.nan)
            if h.get("direction") in ("positive", "negative") and not math.isnan(p):
                same = (link["rho"] > 0) == (h["direction"] == "positive")
                p = p / 2 if same else 1 - p / 2
            rows.append({"model": model, "hypothesis": h["name"], "suite": h["suite"], "measure": measure,
                         "direction": h.get("direction"), "rho": link.get("rho"), "p": p})
    for row, p_adj in zip(rows, adjust([r["p"] if r["p"] is not None else math.nan for r in rows],
                                       config.get("correction", "holm"))):
        row["p_adjusted"] = p_adj
        row["significant"] = bool(p_adj < 0.05) if not math.isnan(p_adj) else False
    stats["primary"] = rows
    stats["correction"] = config.get("correction", "holm")
    return stats


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float):
        return f"{x:.3g}"
    return html.escape(str(x))


def render_html(stats: dict[str, Any]) -> str:
    e = html.escape
    parts = [f"<h1>prefgym report: {e(str(stats.get('name') or stats['run']))}</h1>"]
    if stats["primary"]:
        parts.append(f"<h2>Primary hypotheses ({e(stats['correction'])} correction)</h2><table><tr><th>model</th>"
                     "<th>hypothesis</th><th>measure</th><th>ρ</th><th>p</th><th>adjusted p</th><th>significant</th></tr>")
        for r in stats["primary"]:
            parts.append(f"<tr><td>{e(r['model'])}</td><td>{e(r['hypothesis'])}</td><td>{e(r['measure'])}</td>"
                         f"<td>{_fmt(r['rho'])}</td><td>{_fmt(r['p'])}</td><td>{_fmt(r['p_adjusted'])}</td>"
                         f"<td>{'yes' if r['significant'] else 'no'}</td></tr>")
        parts.append("</table>")
    for model, entry in stats["models"].items():
        parts.append(f"<h2>{e(model)}</h2>")
        if entry.get("recovery"):
            rec = entry["recovery"]
            parts.append(f"<p>Planted utilities vs measured preferences: ρ = {_fmt(rec['rho'])} "
                         f"[{_fmt(rec['low'])}, {_fmt(rec['high'])}], n = {rec['n']}</p>")
        if not entry["preferences"]:
            parts.append("<p>No preference scores for this model: links cannot be computed.</p>")
        parts.append("<table><tr><th>suite</th><th>measure</th><th>n</th><th>ρ with preference</th><th>95% interval</th>"
                     "<th>p</th><th>episodes</th><th>valid coverage</th></tr>")
        for suite, s in entry["suites"].items():
            cov = s["trials"]["coverage"]
            flag = " ⚠ below 90%" if cov is not None and cov < 0.9 else ""
            for name, link in s["links"].items():
                link = link or {}
                parts.append(f"<tr><td>{e(suite)}</td><td>{e(name)}</td><td>{_fmt(link.get('n'))}</td>"
                             f"<td>{_fmt(link.get('rho'))}</td><td>[{_fmt(link.get('low'))}, {_fmt(link.get('high'))}]</td>"
                             f"<td>{_fmt(link.get('p'))}</td><td>{s['trials']['episodes']}</td>"
                             f"<td>{_fmt(cov)}{flag}</td></tr>")
        parts.append("</table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>prefgym report</title><style>{style}</style>"
            f"</head><body>{''.join(parts)}</body></html>")


def write_report(run_dir: str | Path) -> Path:
    stats = analyze(run_dir)
    folder = Path(run_dir) / "report"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stats.json").write_text(json.dumps(stats, indent=1, allow_nan=True))
    (folder / "index.html").write_text(render_html(stats))
    return folder / "index.html"
