"""The spec travels whole: a run whose user or judge is a model resumes without paying twice, and
replay of such an episode answers the user's calls from the recording too."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from prefgym.cli import app
from prefgym.runner import RunDir, replay_episode

# refuses often (refusal_base=3), so the scripted question goes to the user model and back
AGENT = "synthetic/planted:refusal_base=3"


def prefgym(*args: str) -> SimpleNamespace:
    """The command line in this process (the same code as the console script, without paying for
    a new interpreter and litellm's import on every call)."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


@pytest.mark.parametrize("who", [("--user", "synthetic/planted"), ("--judge", "synthetic/null")],
                         ids=["llm-user", "judge"])
def test_resume_with_a_model_user_or_judge_skips_every_finished_episode(tmp_path, who):
    args = ("run", "--suite", "donation_advice", "--model", AGENT, "--limit", "4", "--pairs", "3", *who,
            "--out", str(tmp_path / "R"))
    first = prefgym(*args)
    assert first.returncode == 0, first.stderr
    second = prefgym(*args, "--resume")
    assert second.returncode == 0, second.stderr
    assert "0 episodes run, 24 already done" in " ".join(second.stdout.split())
    run = RunDir(tmp_path / "R")
    episodes = list(run.episodes())
    assert len(episodes) == 24 and len({e.spec.id for e in episodes}) == 24
    flag, model = who
    field = "user_model" if flag == "--user" else "judge"
    assert {getattr(e.spec, field) for e in episodes} == {model}
    roles = {c.tags.get("role") for c in run.calls()}
    assert ("user" if flag == "--user" else "judge") in roles  # the model really played its part


def test_replay_of_an_llm_user_episode_calls_the_recorded_user_and_matches(tmp_path):
    proc = prefgym("run", "--suite", "donation_advice", "--tasks", "advice-torn", "--model", AGENT, "--limit", "4",
                   "--pairs", "3", "--user", "synthetic/planted", "--out", str(tmp_path / "R"))
    assert proc.returncode == 0, proc.stderr
    run = RunDir(tmp_path / "R")
    talked = [e for e in run.episodes() if any(c["role"] == "user" for c in e.calls)]
    assert talked, "no episode reached the user model: raise refusal_base"
    recorded = talked[0]
    report = asyncio.run(replay_episode(run.path, recorded.id))
    assert report.matched and report.provider_calls == 0
    assert report.calls_recorded == len(recorded.calls) >= 2
    assert [c["role"] for c in report.replayed.calls] == [c["role"] for c in recorded.calls]
    assert report.replayed.spec == recorded.spec
    assert json.dumps(report.replayed.behaviour()["messages"]) == json.dumps(recorded.behaviour()["messages"])
