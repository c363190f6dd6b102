"""Whole studies from one file: validated first, staged, resumable, ending in a report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from prefgym.study import StudyError, load_study, run_study

PREFGYM = [str(Path(sys.executable).parent / "prefgym")]
TINY = {
    "name": "tiny",
    "models": ["synthetic/planted"],
    "entities": {"limit": 5},
    "preferences": {"method": "pairwise", "samples": 1},
    "suites": [
        {"suite": "donation_advice", "tasks": ["advice-torn"], "pairs": 3},
        {"suite": "boolq", "items": 2},
        {"suite": "agentic", "tasks": ["donor-sql"], "entities": {"top": 1, "bottom": 1}},
    ],
    "primary_hypotheses": [{"name": "advice", "suite": "donation_advice", "measure": "chosen", "direction": "positive"}],
}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


async def test_a_study_runs_its_stages_picks_extremes_and_resumes(docker_ready, tmp_path):
    from prefgym.analysis import write_report
    from prefgym.models import Gateway, use_gateway

    study = load_study(write(tmp_path, TINY))
    with use_gateway(Gateway()):
        result = await run_study(study, tmp_path / "run")
    scores = result.scores["synthetic/planted"]
    ranked = sorted(scores, key=scores.get)
    agentic = {json.loads(line)["spec"]["entity"] for line in (tmp_path / "run/episodes.jsonl").read_text().splitlines()
               if json.loads(line)["spec"]["suite"] == "agentic"}
    assert agentic == {ranked[0], ranked[-1]}  # the least and the most preferred entity
    assert result.episodes.done == 6 + 10 + 2 and result.episodes.failed == 0
    assert (tmp_path / "run/prefs/synthetic_planted/scores.json").exists()
    write_report(tmp_path / "run")
    stats = json.loads((tmp_path / "run/report/stats.json").read_text())
    assert stats["primary"][0]["hypothesis"] == "advice" and "p_adjusted" in stats["primary"][0]

    gateway = Gateway()
    with use_gateway(gateway):
        again = await run_study(study, tmp_path / "run")
    assert again.episodes.done == 0 and again.episodes.skipped == 18
    assert gateway.stats.provider_calls == 0  # stage one is not asked again


def test_a_broken_study_is_refused_before_anything_runs_naming_the_field(tmp_path):
    bad = {**TINY, "suites": [{"suite": "donation_advice", "pairs": "many"}]}
    with pytest.raises(StudyError, match=r"study\.yaml: field 'suites\.0\.pairs"):
        load_study(write(tmp_path, bad))
    proc = subprocess.run([*PREFGYM, "study", str(write(tmp_path, {**TINY, "models": []})), "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "field 'models'" in proc.stderr and not (tmp_path / "r").exists()
    assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    unknown_task = {**TINY, "suites": [{"suite": "agentic", "tasks": ["no-such-task"]}]}
    proc = subprocess.run([*PREFGYM, "study", str(write(tmp_path, unknown_task)), "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "no task 'no-such-task'" in proc.stderr and not (tmp_path / "r").exists()


def test_a_hypothesis_that_could_have_no_p_value_is_refused_before_the_run(tmp_path):
    """A typo in a measure, or a suite the study does not run, would drop the hypothesis from the
    Holm family in silence; it is an error naming the hypothesis instead."""
    from prefgym.study import preflight

    typo = {**TINY, "suites": [{"suite": "refusal", "tasks": ["refusal-torn"]}],
            "primary_hypotheses": [{"name": "h", "suite": "refusal", "measure": "refused_frist"}]}
    with pytest.raises(StudyError, match=r"primary_hypotheses\[0\] \(h\): suite refusal has no measure 'refused_frist'; "
                                         r"it has attempts, refused_first"):
        preflight(load_study(write(tmp_path, typo)))
    absent = {**typo, "primary_hypotheses": [{"name": "h", "suite": "boolq", "measure": "correct"}]}
    with pytest.raises(StudyError, match=r"suite 'boolq' is not among the study's suites \(refusal\)"):
        preflight(load_study(write(tmp_path, absent)))
    fine = {**typo, "primary_hypotheses": [{"name": "h", "suite": "refusal", "measure": "refused_first"}]}
    preflight(load_study(write(tmp_path, fine)))


def test_demo_writes_preferences_all_four_suites_and_a_report(docker_ready, tmp_path):
    env = {**os.environ, "COLUMNS": "160"}
    proc = subprocess.run([*PREFGYM, "demo", "--out", str(tmp_path / "demo")], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    run = tmp_path / "demo"
    suites = {json.loads(line)["spec"]["suite"] for line in (run / "episodes.jsonl").read_text().splitlines()}
    assert suites == {"donation_advice", "refusal", "boolq", "agentic"}
    assert (run / "prefs/synthetic_planted/scores.json").exists() and (run / "planted.json").exists()
    assert (run / "report/index.html").exists() and (run / "report/stats.json").exists()
    assert "report:" in proc.stdout and "planted utilities vs measured preferences" in proc.stdout


def test_paper_dry_run_counts_the_design_and_touches_no_network(monkeypatch, capsys):
    """The arithmetic of studies/paper.yaml, per model: 72 entities → 2,556 pairs × 2 orders × K=10 =
    51,120 pairwise calls; (888 active pairs + 100 held out) × 2 × 5 = 9,880; 5 rankings; 4 tasks ×
    200 pairs × 2 orders = 1,600 donation and 1,600 refusal episodes; 130 items × 72 entities framed
    + 130 items × 2 controls × 5 runs (a control names no entity) = 10,660 yes/no episodes; 13 tasks × 3 instances × 30 entities = 1,170 agentic ones;
    each suite's power by gap in percentage points; and the design in words: the stratified sample,
    the neutral question, stage two's sampling and each model's prefill mode."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError(f"the dry run tried the network: {args[:2]}")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("MISTRAL_API_KEY", "sk-never-printed-0123456789")

    from prefgym.cli.study import _dry_run

    study = load_study(Path(__file__).parent.parent / "studies/paper.yaml")
    _dry_run(study, None)
    out = " ".join(capsys.readouterr().out.split())
    assert len(study.models) == 5
    for figure in ("51,120", "9,880", "1,600", "10,660", "1,170"):
        assert out.count(f" {figure} ") >= 5, figure
    assert "15+15/72" in out and "80% at" in out and " pp " in out  # each suite's power by gap
    assert "missing OPENAI_API_KEY" in out and "missing ANTHROPIC_API_KEY" in out
    assert "mistral/mistral-large-latest: provider mistral; ready" in out
    assert "sk-never-printed" not in out
    assert "72 from" in out and "a sample stratified by cause, seed 0" in out and "education 5" in out
    assert "stage 1: the neutral question, names only" in out
    assert "stage 2 sampling: temperature 1.0, max_tokens 4096" in out
    assert "anthropic/claude-sonnet-4-5 native" in out and "modes differ" in out


async def test_a_slice_of_the_local_study_runs_on_the_real_small_model(local_model_ready, tmp_path):
    """studies/local.yaml's path, cut to three entities and one probe: real weights, real answers,
    and whatever they are, the report counts them (coverage, unparseable answers)."""
    from prefgym.analysis import write_report
    from prefgym.models import Gateway, use_gateway

    local = yaml.safe_load((Path(__file__).parent.parent / "studies/local.yaml").read_text())
    local.update(entities={"limit": 3}, preferences={"method": "pairwise", "samples": 1},
                 suites=[{"suite": "boolq", "items": 2}], primary_hypotheses=[])
    with use_gateway(Gateway(cache=None)):
        result = await run_study(load_study(write(tmp_path, local)), tmp_path / "run")
    assert result.episodes.done == 6 and result.episodes.failed == 0
    summary = json.loads((tmp_path / "run/prefs/local_smollm2/scores.json").read_text())
    assert summary["pairwise"]["answers"] == 6 and sum(summary["pairwise"]["outcomes"].values()) == 6
    write_report(tmp_path / "run")
    stats = json.loads((tmp_path / "run/report/stats.json").read_text())
    assert stats["models"]["local/smollm2"]["suites"]["boolq"]["trials"]["episodes"] == 6
    assert stats["models"]["local/smollm2"]["coverage"]["boolq"]["n"] == 6
