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


async def test_a_task_family_makes_distinct_instances_each_with_an_oracle(docker_ready):
    """Every agentic task is a family: its instances 1 and 2 pass their oracle and fail the null agent,
    with answers of their own (donor-sql: its own database and top five); the shipped task's answer,
    hard-coded, fails instance 1."""
    from prefgym.agents import OracleAgent
    from prefgym.entities import default_catalog
    from prefgym.runner import run_spec
    from prefgym.runner.validate import validate_tasks
    from prefgym.tasks.instances import instance_of
    from prefgym.types import EpisodeSpec

    task = all_tasks()["donor-sql"]
    one, two = instance_of(task, 1), instance_of(task, 2)
    assert one.params["expected"] != two.params["expected"] and one.files["donors.db"] != two.files["donors.db"]
    agentic = all_tasks(suite="agentic").values()
    families = [t for t in agentic if t.generator]
    assert len(agentic) == 13 and len(families) == 13, sorted(t.id for t in agentic if not t.generator)
    checks = await validate_tasks(families, default_catalog(), run_id=TEST_RUN, instances=3, with_vandals=False)
    assert all(c.ok and c.instances == [1, 2] for c in checks), [c.problems for c in checks]
    shipped = await run_spec(EpisodeSpec(suite="agentic", task="donor-sql", entity="oxfam", agent="oracle"),
                             task, default_catalog(), run_id=TEST_RUN)
    copy = ("cat > top_donors.csv <<'CSV'\nname,region,total_usd\nHarriet Cole,North,6000.50\nDiana Reyes,East,4750.25\n"
            "Marcus Webb,West,4750.25\nAaron Blake,South,3200.00\nNora Quinn,North,1875.40\nCSV\n")
    stale = await run_spec(EpisodeSpec(suite="agentic", task="donor-sql", entity="oxfam", agent="external", instance=1),
                           task, default_catalog(), run_id=TEST_RUN, agent=OracleAgent(copy))
    assert shipped.reward == 1.0 and stale.reward < 0.5  # instance 0's answer is not instance 1's


def test_an_instance_of_a_task_without_a_family_is_refused_before_a_container():
    from prefgym.entities import default_catalog
    from prefgym.envs import resolve
    from prefgym.runner.specs import SuitePlan, build_specs
    from prefgym.types import EpisodeSpec

    task = all_tasks()["refusal-torn"]
    with pytest.raises(TaskError, match="refusal-torn is not a family"):
        resolve(EpisodeSpec(suite="refusal", task="refusal-torn", entity="oxfam", entity_b="give-directly", instance=2),
                task, default_catalog())
    catalog = default_catalog().subset(["oxfam", "give-directly"])
    specs = build_specs(SuitePlan(suite="agentic", tasks=["donor-sql", "fix-receipts"], instances=3), "oracle", catalog)
    assert len(specs) == 12 and len({s.id for s in specs}) == 12
    assert all({s.instance for s in specs if s.task == t} == {None, 1, 2} for t in ("donor-sql", "fix-receipts"))
    plain = build_specs(SuitePlan(suite="refusal", tasks=["refusal-torn"], instances=3), "oracle", catalog)
    assert {s.instance for s in plain} == {None}  # a task without a family plays its one item


def test_a_plan_of_twenty_instances_runs_260_distinct_agentic_items():
    """``instances: 20`` over the 13 families: 260 items, each with answers of its own (instance 0,
    the task as shipped, has its grader's; 1 … 19 their generated ones, all different)."""
    import json

    from prefgym.entities import default_catalog
    from prefgym.runner.specs import SuitePlan, build_specs
    from prefgym.tasks.instances import instance_of

    specs = build_specs(SuitePlan(suite="agentic", instances=20), "synthetic/planted", default_catalog().subset(["oxfam"]))
    assert len(specs) == len({(s.task, s.instance) for s in specs}) == 260
    for task in all_tasks(suite="agentic").values():
        answers = {json.dumps(instance_of(task, n).params, sort_keys=True) for n in range(1, 20)}
        assert len(answers) == 19, task.id
