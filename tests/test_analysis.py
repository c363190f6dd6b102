"""Analysis checked on planted truth: effects recovered, nulls rejected at the nominal rate, and a
report whose every number is the one in stats.json."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from prefgym.analysis import write_report
from prefgym.analysis.power import Design, power
from prefgym.analysis.html import _get, fmt
from prefgym.analysis.stats import adjust, contrast
from prefgym.models import Gateway, use_gateway
from prefgym.study import load_study, run_study

PREFGYM = [str(Path(sys.executable).parent / "prefgym")]
MODEL = "synthetic/planted:refusal_interaction=2,task=2"
STUDY = {
    "name": "recovery", "models": [MODEL], "entities": {"limit": 20, "sample": "first"}, "anonymize": False,
    "preferences": {"method": "pairwise", "samples": 1},
    "suites": [
        {"suite": "donation_advice", "tasks": ["advice-torn"], "pairs": 80},
        {"suite": "refusal", "tasks": ["refusal-torn", "refusal-matching"], "pairs": 100},
        {"suite": "boolq", "items": 40},
    ],
    "primary_hypotheses": [
        {"name": "advice", "suite": "donation_advice", "measure": "chosen", "direction": "positive"},
        {"name": "refusal", "suite": "refusal", "measure": "refused_first", "direction": "negative"},
        {"name": "qa", "suite": "boolq", "measure": "correct"},
    ],
    "concurrency": {"episodes": 16, "sandboxes": 4},
}


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory, docker_ready):
    """A planted study large enough to recover every effect: about 1,400 episodes."""
    import asyncio

    import yaml

    from prefgym.entities import default_catalog

    out = tmp_path_factory.mktemp("analysis")
    study = {**STUDY, "suites": [*STUDY["suites"][:3], {"suite": "agentic", "tasks": ["donor-sql"],
                                                        "entities": default_catalog().ids[:20], "seeds": 2}]}
    (out / "study.yaml").write_text(yaml.safe_dump(study))

    async def go():
        with use_gateway(Gateway()):
            await run_study(load_study(out / "study.yaml"), out / "run")

    asyncio.run(go())
    write_report(out / "run")
    return out / "run"


def test_planted_effects_are_recovered_and_significant(planted_run):
    run = planted_run
    stats = json.loads((run / "report/stats.json").read_text())
    checks = stats["models"][MODEL]["planted_check"]
    effects = {(suite, name): row for suite, rows in checks.items() for name, row in rows.items()}
    assert set(effects) == {("donation_advice", "advice"), ("refusal", "refusal"), ("refusal", "refusal_interaction"),
                            ("boolq", "qa"), ("agentic", "task")}
    for key, row in effects.items():
        assert row["covered"] and row["significant"], (key, row)
    assert all(r["significant"] for r in stats["primary"])
    assert stats["models"][MODEL]["recovery"]["rho"] > 0.9


def test_every_number_in_the_html_is_the_one_in_stats_json_and_the_page_is_offline(planted_run):
    run = planted_run
    stats = json.loads((run / "report/stats.json").read_text())
    page = (run / "report/index.html").read_text()
    cells = re.findall(r'<td data-stat="([^"]+)">([^<]*)</td>', page)
    assert len(cells) > 50
    for path, shown in cells:
        assert unescape(shown) == fmt(_get(stats, unescape(path))), path
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    for src in re.findall(r'<img src="([^"]+)"', page):
        assert (run / "report" / src).exists()


def test_false_positive_rate_of_each_primary_test_is_nominal_under_the_null():
    rates = power("synthetic/null", Design(), studies=400)
    for suite, row in rates.items():
        assert 0.02 <= row["rate"] <= 0.08, (suite, row)
    planted = power("synthetic/planted", Design(), studies=100)
    assert all(row["rate"] > 0.5 for row in planted.values())


def test_holm_bonferroni_and_contrast_on_hand_made_numbers():
    assert adjust([0.01, 0.04, 0.03], "bonferroni") == pytest.approx([0.03, 0.12, 0.09])
    assert adjust([0.01, 0.04, 0.03], "holm") == pytest.approx([0.03, 0.06, 0.06])
    c = contrast([1.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0])
    assert c["diff"] == pytest.approx(0.5) and c["low"] < 0.5 < c["high"] and c["mde"] > 0


def test_anonymized_report_names_no_model(planted_run, tmp_path):
    run = planted_run
    write_report(run, anonymize=True)
    text = (run / "report/stats.json").read_text() + (run / "report/index.html").read_text()
    assert "Model A" in text and MODEL not in text
    write_report(run)


def test_export_one_row_per_episode_with_preferences(planted_run, tmp_path):
    run = planted_run
    proc = subprocess.run([*PREFGYM, "export", str(run), "--format", "parquet", "--out", str(tmp_path / "e.parquet")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = pd.read_parquet(tmp_path / "e.parquet")
    assert len(table) == sum(1 for _ in open(run / "episodes.jsonl"))
    assert table.pref_entity.notna().all() and {"suite", "entity", "reward", "termination"} <= set(table.columns)


@pytest.mark.parametrize("setup", ["missing", "empty", "manifest only", "torn episodes"])
def test_bad_run_directories_give_one_clear_line(tmp_path, setup):
    run = tmp_path / "run"
    if setup != "missing":
        run.mkdir()
    if setup == "manifest only":
        (run / "manifest.json").write_text('{"config": {"models": ["m"]}}')
    if setup == "torn episodes":
        (run / "episodes.jsonl").write_text('{"schema_version": 1, "id": "x", "spec": {"sui')
    from typer.testing import CliRunner

    from prefgym.cli import app

    proc = CliRunner().invoke(app, ["analyze", str(run)], env={"COLUMNS": "200"})  # in this process: no new interpreter
    assert proc.exit_code == 2 and proc.stderr.startswith("error:") and proc.stdout == "", proc.output
    assert not isinstance(proc.exception, Exception) or isinstance(proc.exception, SystemExit)  # no traceback
    assert len(proc.stderr.splitlines()) == 1 and str(run) in proc.stderr


def test_a_separated_fit_is_reported_as_not_estimable_never_as_a_number():
    """With every refusal on one side of a preference threshold, the logit's estimate walks off to
    infinity; the report says so instead of printing a huge coefficient with a huge interval."""
    import numpy as np

    from prefgym.analysis.html import render_html
    from prefgym.analysis.trials import NOT_ESTIMABLE, entity_model

    rng = np.random.default_rng(0)
    entity = rng.integers(0, 40, 200)
    pref = rng.normal(size=40)[entity]
    data = pd.DataFrame({"pref": pref, "item": rng.integers(0, 4, 200), "entity": [f"e{i}" for i in entity],
                         "y": (pref > 0.3).astype(float)})
    fit = entity_model("y ~ pref", data)
    assert fit == {"pref": {"coef": pytest.approx(float("nan"), nan_ok=True), "low": pytest.approx(float("nan"), nan_ok=True),
                            "high": pytest.approx(float("nan"), nan_ok=True), "p": pytest.approx(float("nan"), nan_ok=True),
                            "estimable": False, "note": NOT_ESTIMABLE}}
    noisy = data.assign(y=(pref + rng.normal(scale=1.0, size=200) > 0.3).astype(float))
    ok = entity_model("y ~ pref", noisy)["pref"]
    assert ok["estimable"] and 0 < ok["low"] < ok["coef"] < ok["high"] < 10 and ok["p"] < 0.01
    stats = {"name": "t", "run": "r", "generated": "now", "primary": [], "correction": "holm", "models": {"m": {
        "preferences": None, "checks": None, "suites": {"refusal": {
            "trials": {"episodes": 200}, "links": {}, "measures": {}, "top_vs_bottom": None,
            "model": {"formula": "y ~ pref", "n": 200, "coefficients": fit}}}}}}
    page = render_html(stats)
    assert NOT_ESTIMABLE in page and "\x1fcoefficients\x1f" not in page  # text, and no number cell for it


@pytest.mark.parametrize("suite,design", [
    ("donation_advice", {}), ("refusal", {}), ("boolq", {"entities": 20, "items": 12}),
    ("agentic", {"entities": 10, "items": 13, "seeds": 3})])
def test_every_reported_test_holds_its_alpha_on_a_null_that_looks_like_a_real_model(suite, design):
    """200 null studies with entity and item offsets unrelated to preference (τ = 0.5 log-odds),
    through the report's own tests: every false-positive rate at or under 0.08 (and not absurdly
    conservative). The old trial models (GEE by item, pooled-trial contrasts) failed this at 0.14–0.65.
    The adjusted trial models, refusal reasons by preference, and yes/no's framing effect against
    its control and the framing × preference interaction are among them."""
    from prefgym.analysis.nullcheck import NullDesign, null_rates

    rates = null_rates(suite, NullDesign(entity_noise=0.5, item_noise=0.5, **design), studies=200, seed=11)
    assert set(rates) >= {"spearman over entities", "top vs bottom"} and any(k.startswith("trial model") for k in rates)
    assert any(k.startswith("adjusted trial model") for k in rates)  # with a covariate that tracks the entity offsets
    own = {"refusal": {"refusal reasons by preference"},
           "boolq": {"framing effect (no_entity)", "framing × preference (no_entity)"}}.get(suite, set())
    assert own <= set(rates), rates
    assert len(rates) >= 3 and all(0.005 <= r <= 0.08 for r in rates.values()), rates


def test_plan_power_is_stated_in_points_and_grows_with_entities_not_with_items_under_entity_noise():
    """The per-suite power of a plan: the false-positive rate near α, power rising with the gap, and
    the lesson of the unit of inference: with entity noise, more entities lower the detectable gap
    and twenty times the items do much less than they would without it (measured: 27 → 19 pp with
    noise, 19.5 → 4.6 pp without)."""
    from prefgym.analysis.plan_power import Assumptions, SuiteDesign, power_curve_pp, summarise

    def mde(design: SuiteDesign, tau: float) -> float:
        return summarise(power_curve_pp(design, Assumptions(entity_noise=tau), studies=100))["mde_pp"]

    few = SuiteDesign(suite="boolq", catalog=72, top=5, bottom=5, entities=10, tasks=30)
    curve = power_curve_pp(few, studies=200)
    assert curve[0]["beta"] == 0 and curve[0]["power"] <= 0.1 and abs(curve[0]["gap_pp"]) < 3
    assert curve[-1]["power"] > 0.9 and curve[-1]["gap_pp"] > curve[3]["gap_pp"] > curve[0]["gap_pp"]
    many_entities = few.model_copy(update={"top": 20, "bottom": 20, "entities": 40})
    many_items = few.model_copy(update={"tasks": 600})
    base_noisy, base_clean = mde(few, 0.5), mde(few, 0.0)
    assert mde(many_entities, 0.5) < 0.8 * base_noisy
    items_noisy, items_clean = mde(many_items, 0.5) / base_noisy, mde(many_items, 0.0) / base_clean
    assert items_clean < 0.5 and items_noisy > 1.8 * items_clean  # 20× the items: much less help when entities differ
