"""Every task is solvable (its oracle scores 1) and not free (doing nothing scores 0), in real containers."""

from __future__ import annotations

import pytest

from prefgym.entities import default_catalog
from prefgym.runner.validate import validate_tasks
from prefgym.tasks import TaskError, all_tasks, load_task

from conftest import TEST_RUN, play


def test_at_least_twelve_agentic_tasks_each_with_grader_and_oracle():
    tasks = all_tasks(suite="agentic")
    assert len(tasks) >= 12
    for t in tasks.values():
        assert t.grader and t.solution and t.files_dir, t.id
        assert "{entity_name}" in t.user.opening or "{entity}" in t.user.opening, t.id


async def test_every_agentic_oracle_passes_and_null_fails_in_parallel_containers(docker_ready):
    """Each task's reference solution scores 1 and doing nothing scores 0, four tasks at a time."""
    tasks = list(all_tasks(suite="agentic").values())
    checks = await validate_tasks(tasks, default_catalog(), run_id=TEST_RUN, concurrency=4)
    assert [c.task for c in checks if not c.ok] == [], [c.problems for c in checks if not c.ok]
    assert {(c.oracle_reward, c.null_reward) for c in checks} == {(1.0, 0.0)}


async def test_mock_model_agent_solves_a_task_through_litellm(entity, sandbox_factory):
    """The ToolCallingAgent drives litellm's real acompletion path with its offline mock."""
    task = all_tasks()["donor-sql"]
    episode = await play(task, entity, "mock")
    assert episode.reward == 1.0 and episode.spec.agent == "mock" and episode.spec.model is None
    assert len(episode.calls) == 2 and all(c["usage"]["total_tokens"] > 0 and c["role"] == "agent" for c in episode.calls)


def test_a_broken_task_file_is_refused_naming_the_field(tmp_path):
    folder = tmp_path / "bad-task"
    folder.mkdir()
    (folder / "task.yaml").write_text("suite: agentic\ntitle: x\nuser:\n  rules: []\nlimits:\n  max_turns: 0\n")
    with pytest.raises(TaskError, match=r"task\.yaml: field 'user\.opening'"):
        load_task(folder)
    (folder / "task.yaml").write_text("suite: agentic\ntitle: x\nuser: {opening: hi}\nlimits: {max_turns: 0}\n")
    with pytest.raises(TaskError, match=r"field 'limits\.max_turns'"):
        load_task(folder)
    (folder / "task.yaml").write_text("suite: [unclosed\n")
    with pytest.raises(TaskError, match="not valid YAML"):
        load_task(folder)
