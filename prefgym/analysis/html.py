"""The report page, rendered from the statistics dictionary alone (see :mod:`.analyze`).

Every number sits in a cell that names its path in the dictionary (``data-stat``), so the page and
``stats.json`` cannot disagree (a test checks every cell). Every string is escaped, and the page
loads nothing from elsewhere: its figures are PNG files beside it. A term that could not be
estimated is shown as text saying why, never as a number.
"""

from __future__ import annotations

import html
import math
from typing import Any


def _get(stats: dict[str, Any], path: str) -> Any:
    """The value at ``path``; None (shown as —) where a report of an older version has no such field."""
    node: Any = stats
    for part in path.split("\x1f"):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, TypeError):
            return None
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
    h.add(f"<p>Generated {e(stats['generated'])}. Every test's unit is the entity, because preference is a "
          "property of the entity. Links: Spearman ρ over entities, bootstrap interval, permutation p-value. Trial-level "
          "models: logistic GLM with item fixed effects, interval from entity-clustered errors (t, entities − 1 df), "
          "p-value from permuting preference over entities. Most vs least preferred: Welch t on entity means.</p>")
    if stats["primary"]:
        h.add(f"<h2>Primary hypotheses ({e(stats['correction'])} correction)</h2><table><tr><th>model</th><th>hypothesis</th>"
              "<th>measure</th><th>direction</th><th>unit</th><th>test</th><th>ρ</th><th>p</th><th>adjusted p</th>"
              "<th>significant</th></tr>")
        for i, r in enumerate(stats["primary"]):
            h.add("<tr>" + h.text(r["model"]) + h.text(r["hypothesis"]) + h.text(r["measure"]) + h.text(r["direction"])
                  + h.text(r.get("unit", "entity")) + h.text(r.get("missing") or r.get("test", ""))
                  + "".join(h.cell("primary", i, k) for k in ("rho", "p", "p_adjusted", "significant")) + "</tr>")
        h.add("</table>")
    if stats.get("config_changes"):
        h.add("<h2>Configuration changed after the run began</h2><p>The run was continued with another configuration "
              "(<code>--force</code>); a hypothesis or plan changed once data existed is not pre-registered.</p><ul>")
        for change in stats["config_changes"]:
            h.add(f"<li>change {change['change']}: {e('; '.join(change['differences']) or 'no difference')}</li>")
        h.add("</ul>")
    h.add("<h2>Exploratory analyses</h2><p>Everything below the declared primary hypotheses is exploratory: raw "
          "p-values, not corrected for multiple comparisons and not part of the declared family.</p>")
    if stats.get("cross_model"):
        h.add("<h3>Do models share their preferences? (exploratory; unit: entity)</h3><table><tr><th>model</th>"
              "<th>model</th><th>entities</th><th>ρ</th><th>low</th><th>high</th><th>p</th></tr>")
        for i, row in enumerate(stats["cross_model"]):
            h.add("<tr>" + h.text(row["a"]) + h.text(row["b"])
                  + "".join(h.cell("cross_model", i, k) for k in ("n", "rho", "low", "high", "p")) + "</tr>")
        h.add("</table>")
    for label, entry in stats["models"].items():
        h.add(f"<h2>{e(label)} (exploratory)</h2>")
        if entry.get("prefill_mode"):
            h.add(f"<p>Prefill (the refusal probe's): {e(entry['prefill_mode'])}"
                  + (" — the models of this run differ in it: compare their refusal results with that in mind."
                     if len({m.get('prefill_mode') for m in stats['models'].values()}) > 1 else "") + "</p>")
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
                for name, row in effects.items():
                    if name == "error":
                        h.add("<tr>" + h.text(suite) + f"<td colspan=8>the fit failed: {e(row['detail'])}</td></tr>")
                        continue
                    if not row.get("estimable", True):
                        h.add("<tr>" + h.text(suite) + h.text(name) + h.cell("models", label, "planted_check", suite, name, "planted")
                              + f"<td colspan=6>{e(row['note'])}</td></tr>")
                        continue
                    h.add("<tr>" + h.text(suite) + h.text(name) + "".join(
                        h.cell("models", label, "planted_check", suite, name, k)
                        for k in ("planted", "estimate", "low", "high", "p", "covered", "significant")) + "</tr>")
            h.add("</table>")
        if not entry["preferences"]:
            h.add("<p>No preference scores for this model: links cannot be computed.</p>")
        h.add("<h3>Preference and behaviour (unit: entity; Spearman ρ, bootstrap interval, permutation p)</h3>"
              "<table><tr><th>suite</th><th>measure</th><th>entities</th><th>ρ</th>"
              "<th>low</th><th>high</th><th>p</th><th>episodes</th></tr>")
        for suite, s in entry["suites"].items():
            for name, link in s["links"].items():
                cells = ("".join(h.cell("models", label, "suites", suite, "links", name, k) for k in ("n", "rho", "low", "high", "p"))
                         if link else "<td colspan=5>no preference scores</td>")
                h.add("<tr>" + h.text(suite) + h.text(name) + cells + h.cell("models", label, "suites", suite, "trials", "episodes") + "</tr>")
        h.add("</table><h3>Trial-level models (unit: entity; each also adjusted for the entities' name and description "
              "lengths, standardised, where the run's catalog is at hand)</h3><table><tr><th>suite</th><th>formula</th><th>term</th>"
              "<th>coefficient</th><th>low</th><th>high</th><th>p</th><th>trials</th><th>entities</th></tr>")
        for suite, s in entry["suites"].items():
            model = s.get("model") or {}
            for path, fit in ((("model",), model), (("model", "adjusted"), model.get("adjusted") or {})):
                for term, c in (fit.get("coefficients") or {}).items():
                    cells = ("".join(h.cell("models", label, "suites", suite, *path, "coefficients", term, k)
                                     for k in ("coef", "low", "high", "p"))
                             if c.get("estimable", True) else f"<td colspan=4>{e(c['note'])}</td>")
                    h.add("<tr>" + h.text(suite) + h.text(fit["formula"]) + h.text(term) + cells
                          + h.cell("models", label, "suites", suite, "model", "n")
                          + h.cell("models", label, "suites", suite, "model", "entities") + "</tr>")
        h.add("</table><h3>Most vs least preferred entities (unit: entity means)</h3><table><tr><th>suite</th><th>k</th><th>difference</th><th>low</th>"
              "<th>high</th><th>Cohen's d</th><th>p</th><th>minimum detectable difference</th></tr>")
        for suite, s in entry["suites"].items():
            if s.get("top_vs_bottom"):
                h.add("<tr>" + h.text(suite) + "".join(h.cell("models", label, "suites", suite, "top_vs_bottom", k)
                                                      for k in ("k", "diff", "low", "high", "d", "p", "mde")) + "</tr>")
        h.add("</table>")
        tests = [(suite, name) for suite, sv in entry["suites"].items() for name in (sv.get("tests") or {})]
        if tests:
            h.add("<h3>Other tests (exploratory)</h3><table><tr><th>suite</th><th>test</th><th>statistic</th><th>p</th>"
                  "<th>unit</th><th>method</th></tr>")
            for suite, name in tests:
                t = entry["suites"][suite]["tests"][name]
                stat = "chi2" if "chi2" in t else "rate"
                h.add("<tr>" + h.text(suite) + h.text(name) + h.cell("models", label, "suites", suite, "tests", name, stat)
                      + h.cell("models", label, "suites", suite, "tests", name, "p") + h.text(t["unit"]) + h.text(t["method"])
                      + "</tr>")
            h.add("</table>")
        controls = [(suite, c) for suite, sv in entry["suites"].items() for c in (sv.get("controls") or {})]
        if controls:
            h.add("<h3>Controls: the framing effect (entity framing − control; units: entities and items, "
                  "crossed) and its interaction with preference (unit: entity)</h3><table><tr><th>suite</th><th>control</th><th>entities</th><th>items</th>"
                  "<th>framing effect</th><th>low</th><th>high</th><th>p</th><th>interaction ρ</th><th>low</th>"
                  "<th>high</th><th>p</th></tr>")
            for suite, c in controls:
                where = ("models", label, "suites", suite, "controls", c)
                h.add("<tr>" + h.text(suite) + h.text(c) + h.cell(*where, "framing_effect", "entities")
                      + h.cell(*where, "framing_effect", "items")
                      + "".join(h.cell(*where, "framing_effect", k) for k in ("diff", "low", "high", "p"))
                      + "".join(h.cell(*where, "interaction", k) for k in ("rho", "low", "high", "p")) + "</tr>")
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
        cov = entry.get("covariates") or {}
        if cov:
            h.add("<h3>Entity covariates of preference (exploratory; unit: entity)</h3><table><tr><th>covariate</th>"
                  "<th>test</th><th>ρ</th><th>low</th><th>high</th><th>p</th></tr>")
            for name in ("name length", "description length"):
                h.add("<tr>" + h.text(name) + h.text("Spearman over entities") + "".join(
                    h.cell("models", label, "covariates", name, k) for k in ("rho", "low", "high", "p")) + "</tr>")
            if "cause" in cov:
                h.add("<tr>" + h.text(f"cause ({cov['cause']['causes']} with 2+ entities)") + h.text("Kruskal–Wallis")
                      + "<td colspan=3></td>" + h.cell("models", label, "covariates", "cause", "p") + "</tr>")
            h.add("</table>")
        agreement = [m for m in ("pairwise", "active") if f"{m}_vs_ranking" in checks]
        if agreement or checks.get("question_agreement"):
            h.add("<h3>Preference methods agree? (unit: entity)</h3><table><tr><th>method</th><th>vs</th>"
                  "<th>entities</th><th>ρ</th><th>low</th><th>high</th></tr>")
            for m in agreement:
                h.add("<tr>" + h.text(m) + h.text("direct ranking") + "".join(
                    h.cell("models", label, "checks", f"{m}_vs_ranking", k) for k in ("n", "rho", "low", "high")) + "</tr>")
            for q in checks.get("question_agreement") or {}:
                h.add("<tr>" + h.text("the study's question") + h.text(f"the {q} question (pairwise)") + "".join(
                    h.cell("models", label, "checks", "question_agreement", q, k) for k in ("n", "rho", "low", "high"))
                      + "</tr>")
            h.add("</table>")
        for name, table in (entry.get("tables") or {}).items():
            h.add(f"<h3>{e(name)}</h3><table><tr><th>row</th><th>column</th><th>count</th></tr>")
            for row, columns in table.items():
                for column in columns:
                    h.add("<tr>" + h.text(row) + h.text(column) + h.cell("models", label, "tables", name, row, column) + "</tr>")
            h.add("</table>")
    if stats.get("power"):
        a = stats["power"]["assumptions"]
        h.add(f"<h2>Power of this design</h2><p>Each suite as this run played it (its own entities, tasks, pairs and "
              f"seeds), {stats['power']['studies']} simulated studies per effect size, with entity noise "
              f"{a['entity_noise']} and item noise {a['item_noise']} (log-odds SDs unrelated to preference) and "
              f"stage-one error {a['pref_noise']}. The effect is the gap, in percentage points, between the 5 most and "
              f"5 least preferred entities; power is the share of studies whose primary test (Spearman over "
              f"entities) rejects at α = {a['alpha']}; the false-positive rate is at a gap of 0; — for the gap of 80% power: "
              f"not reached by the largest gap simulated.</p>"
              "<table><tr><th>suite</th><th>entities</th><th>tasks</th><th>seeds</th><th>false positive</th>"
              "<th>power at 1 pp</th><th>at 5 pp</th><th>at 10 pp</th><th>at 15 pp</th><th>gap for 80% power (pp)</th></tr>")
        for i, row in enumerate(stats["power"]["suites"]):
            h.add("<tr>" + "".join(h.cell("power", "suites", i, "design", k) for k in ("suite", "entities", "tasks", "seeds"))
                  + h.cell("power", "suites", i, "false_positive")
                  + "".join(h.cell("power", "suites", i, "power_at", g) for g in ("1", "5", "10", "15"))
                  + h.cell("power", "suites", i, "mde_pp") + "</tr>")
        h.add("</table>")
    for fig in (figures or {}).get("_all", []):
        h.add(f'<p><img src="{e(fig)}" alt="figure" style="max-width:100%"></p>')
    style = ("body{font-family:system-ui,sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;margin:.6em 0 1.2em}td,th{border:1px solid #ccc;padding:.25em .55em;"
             "text-align:left;font-size:.92em}th{background:#f3f3f3}h2{border-top:2px solid #2b5d8a;padding-top:.6em}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>prefgym report</title><style>{style}</style>"
            f"</head><body>{''.join(h.parts)}</body></html>")


