"""Many episodes: killed and resumed without loss or duplicates; provider faults retried; configs checked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prefgym.entities import default_catalog
from prefgym.models import Gateway, RetryPolicy, use_gateway
from prefgym.runner.many import RunOptions, run_many
from prefgym.runner.rundir import RunDir, RunDirError
from prefgym.runner.specs import Extremes, SuitePlan, build_specs
from prefgym.sandbox.docker import engine

PREFGYM = [str(Path(sys.executable).parent / "prefgym")]
BOOLQ = ",".join(f"boolq-{i:03d}" for i in range(19))


def _lines(path: Path) -> list[dict]:
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # the torn line of the killed run
    return out


def test_a_killed_run_resumes_with_every_episode_once_and_no_container_left(docker_ready, tmp_path):
    out = tmp_path / "run"
    cmd = [*PREFGYM, "run", "--suite", "boolq", "--suite", "agentic", "--tasks", f"{BOOLQ},donor-sql",
           "--limit", "10", "--model", "synthetic/planted", "--concurrency", "6", "--out", str(out)]
    env = {**os.environ, "COLUMNS": "120"}
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        done = len(_lines(out / "episodes.jsonl")) if (out / "episodes.jsonl").exists() else 0
        if done >= 60:
            break
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = len(_lines(out / "episodes.jsonl"))
    assert 60 <= killed_at < 200, killed_at

    second = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{200 - killed_at} episodes run, {killed_at} already done" in " ".join(second.stdout.split())
    episodes = _lines(out / "episodes.jsonl")
    specs = [json.dumps(e["spec"], sort_keys=True) for e in episodes]
    assert len(episodes) == 200 and len(set(specs)) == 200  # none lost, none twice
    assert all(e["termination"]["reason"] != "infra_error" for e in episodes)
    deadline = time.monotonic() + 30  # the killed run's watchdog removes its containers
    while engine.managed_containers(run_id="run-run") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert engine.managed_containers(run_id="run-run") == []


async def test_provider_faults_are_retried_and_an_outage_becomes_an_infra_error(tmp_path):
    import litellm
    from test_models import ScriptedProvider

    flaky = ScriptedProvider("pgrunfault")
    flaky.script = [litellm.Timeout, litellm.InternalServerError, "Yes"]  # one episode's call fails twice
    catalog = default_catalog().subset(["oxfam"])
    plan = SuitePlan(suite="boolq", tasks=["boolq-000"])
    specs = build_specs(plan, "pgrunfault/m", catalog)
    run = RunDir(tmp_path / "ok")
    run.start({"test": 1})
    with use_gateway(Gateway(retry=RetryPolicy(max_attempts=3, base_delay_s=0.001))):
        tally = await run_many(specs, run, catalog, RunOptions(retries=1))
    (episode,) = run.episodes()
    assert tally.failed == 0 and flaky.calls == 3 and episode.termination.reason == "agent_submitted"
    assert episode.calls[0]["attempts"] == 3

    flaky.calls, flaky.script = 0, [litellm.InternalServerError] * 100  # an outage
    down = RunDir(tmp_path / "down")
    down.start({"test": 2})
    with use_gateway(Gateway(retry=RetryPolicy(max_attempts=3, base_delay_s=0.001))):
        tally = await run_many(specs, down, catalog, RunOptions(retries=1))
    (episode,) = down.episodes()
    assert tally.failed == 1 and flaky.calls == 3 * 2  # 3 attempts per call, the episode tried twice
    assert episode.termination.reason == "infra_error" and "InternalServerError" in episode.termination.detail
    assert down.finished() == {}  # so a resume would run it again


def test_a_changed_configuration_is_refused_with_the_difference(tmp_path):
    run = RunDir(tmp_path)
    run.start({"models": ["a"], "seeds": 1})
    with pytest.raises(RunDirError, match=r"seeds: 1 → 2"):
        run.start({"models": ["a"], "seeds": 2})
    assert run.start({"models": ["a"], "seeds": 2}, force=True)
    assert run.manifest()["previous_configs"] == [{"models": ["a"], "seeds": 1}]


def test_specs_pairs_both_orders_and_extremes_from_scores():
    catalog = default_catalog().subset(default_catalog().ids[:6])
    specs = build_specs(SuitePlan(suite="donation_advice", tasks=["advice-torn"], pairs=3), "m", catalog)
    assert len(specs) == 6 and {(s.entity, s.entity_b) for s in specs} == {(s.entity_b, s.entity) for s in specs}
    scores = {e: float(i) for i, e in enumerate(catalog.ids)}
    chosen = build_specs(SuitePlan(suite="agentic", tasks=["donor-sql"], entities=Extremes(top=2, bottom=1)), "m",
                         catalog, scores=scores)
    assert [s.entity for s in chosen] == [catalog.ids[5], catalog.ids[4], catalog.ids[0]]
    with pytest.raises(ValueError, match="need preference scores"):
        build_specs(SuitePlan(suite="agentic", entities=Extremes(top=1, bottom=1)), "m", catalog)


SLOW_TASK = """id: slow-note
suite: agentic
title: Write a note, slowly
description: The reference solution sleeps, then writes a note, so a fault can strike mid-episode.
user:
  opening: Please write /work/note.txt for {entity_name}.
  rules: []
  default_reply: Please call submit when you're done.
  end_patterns: []
limits:
  max_turns: 5
  exec_timeout_s: 30
"""
SLOW_GRADER = '''from grader_kit import check

@check("note_written")
def _():
    return open("/work/note.txt").read().strip() == "done"
'''


async def test_a_container_killed_from_outside_is_an_infra_error_retried_and_recorded_once(docker_ready, tmp_path):
    """``docker kill`` of the sandbox mid-episode (the oracle is inside its ``sleep``): that attempt
    ends as infra_error, the runner plays the spec again, and the run holds one episode, rewarded 1."""
    import asyncio

    folder = tmp_path / "tasks" / "slow-note"
    folder.mkdir(parents=True)
    (folder / "task.yaml").write_text(SLOW_TASK)
    (folder / "solution.sh").write_text("sleep 3\necho done > /work/note.txt\n")
    (folder / "grader.py").write_text(SLOW_GRADER)
    catalog = default_catalog().subset(["oxfam"])
    specs = build_specs(SuitePlan(suite="agentic", tasks=["slow-note"]), "m", catalog, tasks_dir=str(tmp_path / "tasks"))
    specs = [s.model_copy(update={"agent": "oracle", "model": None}) for s in specs]
    run = RunDir(tmp_path / "run")
    run.start({"test": "docker kill"})
    run_id = f"pytest-kill-{os.getpid()}"
    killed: list[str] = []

    async def vandalise_from_outside():
        while not killed:
            for c in engine.managed_containers(run_id=run_id):
                if c.status == "running":
                    await asyncio.sleep(1.0)  # inside the oracle's sleep
                    engine.client().api.kill(c.id)
                    killed.append(c.id)
                    return
            await asyncio.sleep(0.05)

    outside = asyncio.create_task(vandalise_from_outside())
    tally = await run_many(specs, run, catalog, RunOptions(retries=2, run_id=run_id, sandboxes=1,
                                                           tasks_dir=str(tmp_path / "tasks")))
    await outside
    (episode,) = run.episodes()
    assert killed and tally.failed == 0 and tally.done == 1
    assert episode.reward == 1.0 and episode.termination.reason == "agent_submitted"
    assert episode.measurements["infra_retries"] == 1
