"""Check that tasks are sound: each renders for every entity, its oracle passes, doing nothing fails.

This is the AgentDojo / verifiers discipline: a task without a passing reference solution may be
impossible, and one that a null agent passes measures nothing. A graded task must also give
reward 0 to every vandal (prefgym/tasks/vandals/: no work, plus code planted to forge a grade),
or its grades can be bought. Agentic oracles run in real containers, several at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prefgym.entities import Catalog
from prefgym.errors import ConfigError
from prefgym.agents import OracleAgent
from prefgym.runner.episode import run_spec
from prefgym.tasks.instances import instance_of
from prefgym.tasks.vandals import vandals
from prefgym.types import Entity, EpisodeSpec, Framing, TaskSpec


@dataclass
class TaskCheck:
    task: str
    suite: str
    problems: list[str] = field(default_factory=list)
    oracle_reward: float | None = None
    null_reward: float | None = None
    vandal_rewards: dict[str, float] = field(default_factory=dict)
    instances: list[int] = field(default_factory=list)  # a family's instances checked beyond the shipped one
    blocked: list[str] = field(default_factory=list)  # why it cannot run here (then nothing is played)

    @property
    def ok(self) -> bool:
        return not self.problems


def _templates(task: TaskSpec) -> list[tuple[str, str]]:
    named = [("system_prompt", task.system_prompt), ("user.opening", task.user.opening),
             ("user.default_reply", task.user.default_reply)]
    named += [(f"user.rules[{i}].reply", r.reply) for i, r in enumerate(task.user.rules)]
    named += [(f"openings.{k}", v) for k, v in task.openings.items()]
    named += [(name, v) for name, v in (("prefill", task.prefill), ("reference", task.reference)) if v]
    return named


def check_templates(task: TaskSpec, entities: Sequence[Entity]) -> list[str]:
    """Every template of ``task`` filled for every entity (paired with the next one for pair tasks)."""
    problems = []
    for i, entity in enumerate(entities):
        entity_b = entities[(i + 1) % len(entities)] if task.pair and len(entities) > 1 else None
        framing = Framing(entity=entity, entity_b=entity_b, item=task.item)
        for name, template in _templates(task):
            try:
                framing.fill(template)
            except ValueError as e:
                problems.append(f"{name} for {entity.id}: {e}")
                break
        if problems:
            break
    return problems


async def _play(check: TaskCheck, label: str, spec: EpisodeSpec, task: TaskSpec, catalog: Catalog, run_id: str,
                want: float, agent: OracleAgent | None = None) -> float | None:
    """One episode of the check; a problem is noted when its reward is not ``want``."""
    try:
        episode = await run_spec(spec, task, catalog, run_id=run_id, agent=agent)
    except ConfigError as e:  # no oracle at all
        check.problems.append(f"{label}: {e}")
        return None
    if episode.grade is not None and episode.grade.error and not label.startswith("vandal"):
        check.problems.append(f"{label}: the grader failed: {episode.grade.error[:200]}")
    if episode.reward != want:
        detail = episode.termination.detail or (episode.grade.error if episode.grade else "") or ""
        passed = [c.name for c in episode.grade.checks if c.passed] if episode.grade else []
        check.problems.append(f"{label} scored {episode.reward:.2f}, expected {want:.0f} "
                              f"({episode.termination.reason.value}{': ' + detail[:120] if detail else ''}"
                              f"{'; passed ' + ', '.join(passed) if passed and want == 0 else ''})")
    return episode.reward


async def check_task(task: TaskSpec, catalog: Catalog, *, run_id: str, with_vandals: bool = True,
                     instances: int = 1) -> TaskCheck:
    check = TaskCheck(task.id, task.suite, problems=check_templates(task, catalog.entities), blocked=list(task.blockers))
    if task.blockers:
        return check
    entity_b = catalog.entities[1].id if task.pair else None
    spec = EpisodeSpec(suite=task.suite, task=task.id, entity=catalog.entities[0].id, entity_b=entity_b, agent="oracle")
    check.oracle_reward = await _play(check, "oracle", spec, task, catalog, run_id, 1.0)
    check.null_reward = await _play(check, "null", spec.model_copy(update={"agent": "null"}), task, catalog, run_id, 0.0)
    if task.generator and instances > 1:
        await _check_family(check, task, spec, catalog, run_id, instances)
    if with_vandals and task.grader:
        external = spec.model_copy(update={"agent": "external"})
        for name, script in vandals().items():
            reward = await _play(check, f"vandal {name}", external, task, catalog, run_id, 0.0, OracleAgent(script))
            if reward is not None:
                check.vandal_rewards[name] = reward
    return check


async def _check_family(check: TaskCheck, task: TaskSpec, spec: EpisodeSpec, catalog: Catalog, run_id: str,
                        instances: int) -> None:
    """Instances 1 … N−1 of a family: each has an oracle (1) and fails the null agent (0), and no two
    have the same expected answers (else the instances add no items)."""
    answers: dict[str, int] = {}
    for number in range(1, instances):
        check.instances.append(number)
        key = json.dumps(instance_of(task, number).params, sort_keys=True)
        if key in answers:
            check.problems.append(f"instances {answers[key]} and {number} have the same expected answers")
        answers.setdefault(key, number)
        one = spec.model_copy(update={"instance": number})
        await _play(check, f"oracle of instance {number}", one, task, catalog, run_id, 1.0)
        await _play(check, f"null of instance {number}", one.model_copy(update={"agent": "null"}), task, catalog, run_id, 0.0)


async def validate_tasks(tasks: Sequence[TaskSpec], catalog: Catalog, *, run_id: str = "validate",
                         concurrency: int = 4, progress: Callable[[TaskCheck], None] | None = None,
                         with_vandals: bool = True, instances: int = 1) -> list[TaskCheck]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(task: TaskSpec) -> TaskCheck:
        async with semaphore:
            check = await check_task(task, catalog, run_id=run_id, with_vandals=with_vandals, instances=instances)
        if progress:
            progress(check)
        return check

    return await asyncio.gather(*(one(t) for t in tasks))
