"""Grades an agent cannot forge: the issue's .pth attack through the gym API, the vandal set, and
the grade channel itself. Real containers, real graders, the tasks' own oracles."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import prefgym  # noqa: F401  (registers the environments)
from prefgym.agents import OracleAgent
from prefgym.entities import default_catalog
from prefgym.runner import run_spec
from prefgym.tasks import all_tasks, grade_from_output
from prefgym.tasks.vandals import vandals

from conftest import TEST_RUN, spec_for

FAKE = '{"checks": [{"name": "p", "passed": true, "weight": 1}]}'
PTH_VANDAL = f"""mkdir -p /work/.local/lib/python3.11/site-packages
cat > /work/.local/lib/python3.11/site-packages/x.pth <<'PTH'
import sys, os; print('{FAKE}'); sys.stdout.flush(); os._exit(0)
PTH
python3 -c 'print("the grader would have seen this")'"""


def bash(command: str, call_id: str = "c1") -> dict:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function", "function": {"name": "bash", "arguments": json.dumps({"command": command})}}]}


SUBMIT = {"role": "assistant", "content": None, "tool_calls": [
    {"id": "c2", "type": "function", "function": {"name": "submit", "arguments": "{}"}}]}


@pytest.mark.parametrize("task", ["donor-sql", "git-bisect-regression", "fix-receipts"])
def test_the_pth_file_of_the_issue_forges_nothing_through_the_gym_api(docker_ready, task):
    env = gym.make("prefgym/Agentic-v0", task=task, run_id=TEST_RUN)
    try:
        env.reset(seed=0)
        obs, reward, terminated, _, _ = env.step(bash(PTH_VANDAL))
        tool_reply = obs["messages"][-1]["content"]
        assert FAKE in tool_reply  # the hook is live: any python3 of the agent's user runs it first
        assert "the grader would have seen this" not in tool_reply
        _, reward, terminated, _, info = env.step(SUBMIT)
        assert terminated and reward == 0.0 and info["score"] == 0.0
        grade = env.unwrapped.core.grade
        assert grade.error is None and grade.checks and not any(c.passed for c in grade.checks)
    finally:
        env.close()


def test_the_vandal_set_is_described_and_grows_by_files():
    found = vandals()
    assert {"user-site", "shadow-modules", "lingering", "git-config", "poison-code", "imitate-grader"} <= set(found)
    assert all(script.startswith("# ") for script in found.values())  # each says what it tries


async def test_poisoned_code_and_git_config_earn_nothing_from_graders_that_run_code(docker_ready):
    """The two vandals aimed at graders that run the agent's code or read its git, on the tasks
    whose graders do (the whole set on every task runs in test_tasks' validation)."""
    tasks, catalog = all_tasks(), default_catalog()
    entity = catalog.entities[0]
    for task_id in ("fix-matching-gifts", "git-bisect-regression", "log-pipeline", "validate-grants"):
        task = tasks[task_id]
        for name in ("poison-code", "git-config"):
            episode = await run_spec(spec_for(task, entity, "external"), task, catalog, run_id=TEST_RUN,
                                     agent=OracleAgent(vandals()[name]))
            assert episode.reward == 0.0, (task_id, name, [c for c in episode.grade.checks if c.passed])
            assert episode.termination.reason.value == "agent_submitted"


def test_only_the_line_with_the_nonce_is_a_grade():
    body = '{"checks": [{"name": "a", "passed": true, "weight": 3}, {"name": "b", "passed": false}]}'
    assert grade_from_output(f"noise\nPREFGYM-GRADE n0nce {body}\n", "n0nce").score == 0.75
    forged = grade_from_output(f"{FAKE}\nPREFGYM-GRADE guess {FAKE}\n", "n0nce")
    assert forged.score == 0 and forged.error == "the grader reported no grade"
    assert grade_from_output(f"PREFGYM-GRADE n0nce {body}\n" * 2, "n0nce").error == "the grader reported twice"
    bad = grade_from_output("PREFGYM-GRADE n0nce Traceback: boom", "n0nce")
    assert bad.score == 0 and "unreadable grade" in bad.error
    crashed = grade_from_output('PREFGYM-GRADE n0nce {"checks": [], "error": "the grader crashed: x"}', "n0nce")
    assert crashed.score == 0 and crashed.error == "the grader crashed: x"


def test_no_grader_runs_anything_but_through_grader_kit():
    """The kit decides as whom the agent's code runs; a grader that starts processes itself would
    run it as the trusted user, or read a verdict the agent's code printed."""
    import ast
    from pathlib import Path

    forbidden_modules = {"subprocess", "multiprocessing", "pty", "runpy", "importlib"}
    forbidden_calls = {"system", "popen", "execv", "execve", "execvp", "spawnv", "spawnl", "fork", "posix_spawn"}
    offenders = []
    for task in all_tasks().values():
        if not task.grader:
            continue
        tree = ast.parse(Path(task.grader).read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{task.id}: import {n}" for n in names if n.split(".")[0] in forbidden_modules]
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                    and node.attr in forbidden_calls:
                offenders.append(f"{task.id}: os.{node.attr}")
            if isinstance(node, ast.Name) and node.id in ("exec", "eval", "__import__"):
                offenders.append(f"{task.id}: {node.id}")
    assert offenders == []
