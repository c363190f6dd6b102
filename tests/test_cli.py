"""The ``prefgym`` console script, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from prefgym.sandbox.docker import engine

PREFGYM = [str(Path(sys.executable).with_name("prefgym"))]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(PREFGYM + list(args), capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_episode_appends_one_json_line_and_prints_a_summary(docker_ready, tmp_path):
    out = tmp_path / "run"
    before = {c.id for c in engine.managed_containers(run_id="adhoc")}
    for agent in ("oracle", "null"):
        proc = run("episode", "--task", "fix-receipts", "--entity", "oxfam", "--agent", agent, "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        assert "agent_submitted" in proc.stdout and "reward" in proc.stdout
    lines = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert [line["reward"] for line in lines] == [1.0, 0.0]
    for line in lines:
        assert {"id", "spec", "reward", "termination", "messages"} <= set(line)
        assert line["spec"]["task"] == "fix-receipts" and line["spec"]["entity"] == "oxfam"
        assert line["termination"]["reason"] == "agent_submitted"
    assert lines[0]["spec"]["agent"] == "oracle" and lines[1]["spec"]["agent"] == "null"
    assert {c.id for c in engine.managed_containers(run_id="adhoc")} <= before  # the CLI cleaned up


def test_episode_default_output_path(docker_ready, tmp_path):
    proc = run("episode", "--agent", "null", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = json.loads((tmp_path / "runs/adhoc/episodes.jsonl").read_text())
    assert line["spec"]["task"] == "donor-dedup" and line["reward"] == 0.0


def test_bad_names_give_one_clear_line_and_exit_2(tmp_path):
    proc = run("episode", "--task", "no-such-task", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: no task 'no-such-task'; known tasks:") and len(proc.stderr.splitlines()) == 1
    assert not (tmp_path / "x").exists()
    bad_catalog = tmp_path / "cat.yaml"
    bad_catalog.write_text("entities:\n  - id: a\n    name: A\n  - id: a\n    name: B\n")
    proc = run("episode", "--entities", str(bad_catalog), "--entity", "a")
    assert proc.returncode == 2 and f"{bad_catalog}:4: duplicate id 'a'" in proc.stderr and proc.stdout == ""


def test_tasks_list_names_every_task():
    proc = run("tasks", "list")
    assert proc.returncode == 0
    for task in ("donor-dedup", "donor-sql", "fix-receipts"):
        assert task in proc.stdout


def test_sandbox_doctor_reports_a_healthy_machine(docker_ready):
    proc = run("sandbox", "doctor")
    assert proc.returncode == 0, proc.stdout
    assert "FAIL" not in proc.stdout and "sandbox image prefgym-sandbox:" in proc.stdout


def test_replay_of_a_tool_using_model_episode_matches_with_zero_provider_calls(docker_ready, tmp_path):
    """The episode is played by litellm's mock model making the oracle's tool calls; replay serves
    every answer from calls.jsonl and runs the tools again in a fresh container."""
    proc = run("episode", "--task", "donor-sql", "--agent", "mock", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    episode = json.loads((tmp_path / "episodes.jsonl").read_text())
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert episode["reward"] == 1.0 and len(calls) == len(episode["calls"]) >= 2
    assert {c["tags"]["episode"] for c in calls} == {episode["id"]}
    assert any(c["message"].get("tool_calls") for c in calls)

    proc = run("replay", str(tmp_path), episode["id"][:10])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(calls)}/{len(calls)} requests matched the recording, 0 provider calls" in proc.stdout
    assert "replay matched step for step" in proc.stdout


def test_replay_reports_a_diverged_step(docker_ready, tmp_path):
    proc = run("episode", "--task", "donor-sql", "--agent", "mock", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    episode_id = json.loads((tmp_path / "episodes.jsonl").read_text())["id"]
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    calls[0]["message"]["content"] = "Something else."  # the recording no longer says what the run said
    (tmp_path / "calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in calls))
    proc = run("replay", str(tmp_path), episode_id)
    assert proc.returncode == 1 and "replay diverged" in proc.stdout


def test_replay_of_an_unknown_episode_is_one_clear_line(tmp_path):
    (tmp_path / "episodes.jsonl").write_text("")
    proc = run("replay", str(tmp_path), "abc")
    assert proc.returncode == 2 and "no episode with id 'abc'" in proc.stderr
    assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1


def test_prefs_prints_the_estimate_before_asking_then_writes_scores(tmp_path):
    """In this process (CliRunner), so litellm is imported once for the session, not per command."""
    from typer.testing import CliRunner

    from prefgym.cli import app

    args = ["prefs", "--model", "synthetic/planted", "--limit", "6", "--samples", "1", "--method", "pairwise"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.stdout.index("pairwise │ 30") < result.stdout.index("preferences (top 5, bottom 5)")
    prefs = tmp_path / "prefs/synthetic_planted"
    assert (prefs / "scores.json").exists() and len((prefs / "pairwise.jsonl").read_text().splitlines()) == 30
    bad = run(*args, "--method", "pairwize", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "method" in bad.stderr and bad.stdout == "" and len(bad.stderr.splitlines()) == 1
    assert not (tmp_path / "x").exists()  # refused before anything was asked or written


def test_tasks_validate_exit_code_says_which_task_failed(tmp_path):
    ok = run("tasks", "validate", "--suite", "donation_advice")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "4/4 tasks valid" in ok.stdout
    bad = tmp_path / "advice-bad"
    bad.mkdir()
    base = Path(__file__).parent.parent / "prefgym/tasks/donation_advice/advice-torn"
    (bad / "task.yaml").write_text(f"extends: {base}\nid: advice-bad\nreference: I cannot say.\n")
    proc = run("tasks", "validate", "--suite", "donation_advice", "--tasks-dir", str(tmp_path))
    assert proc.returncode == 1
    assert "FAIL advice-bad: oracle scored 0.00, expected 1" in proc.stdout and "4/5 tasks valid" in proc.stdout
