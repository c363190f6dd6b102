"""Check that tasks are sound: each renders for every entity, its oracle passes, doing nothing fails.

This is the AgentDojo / verifiers discipline: a task without a passing reference solution may be
impossible, and one that a null agent passes measures nothing. Agentic oracles run in real
containers, several at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prefgym.entities import Catalog
from prefgym.errors import ConfigError
from prefgym.runner.episode import run_spec
from prefgym.types import Entity, EpisodeSpec, Framing, TaskSpec


@dataclass
class TaskCheck:
    task: str
    suite: str
    problems: list[str] = field(default_factory=list)
    oracle_reward: float | None = None
    null_reward: float | None = None

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


async def check_task(task: TaskSpec, catalog: Catalog, *, run_id: str) -> TaskCheck:
    check = TaskCheck(task.id, task.suite, problems=check_templates(task, catalog.entities))
    entity_b = catalog.entities[1].id if task.pair else None
    for agent, want in (("oracle", 1.0), ("null", 0.0)):
        spec = EpisodeSpec(suite=task.suite, task=task.id, entity=catalog.entities[0].id, entity_b=entity_b, agent=agent)
        try:
            episode = await run_spec(spec, task, catalog, run_id=run_id)
        except ConfigError as e:  # no oracle at all
            check.problems.append(f"{agent}: {e}")
            continue
        setattr(check, f"{agent}_reward", episode.reward)
        if episode.grade is not None and episode.grade.error:
            check.problems.append(f"{agent}: the grader failed: {episode.grade.error[:200]}")
        if episode.reward != want:
            detail = episode.termination.detail or (episode.grade.error if episode.grade else "") or ""
            check.problems.append(f"{agent} scored {episode.reward:.2f}, expected {want:.0f} "
                                  f"({episode.termination.reason.value}{': ' + detail[:120] if detail else ''})")
    return check


async def validate_tasks(tasks: Sequence[TaskSpec], catalog: Catalog, *, run_id: str = "validate",
                         concurrency: int = 4, progress: Callable[[TaskCheck], None] | None = None) -> list[TaskCheck]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(task: TaskSpec) -> TaskCheck:
        async with semaphore:
            check = await check_task(task, catalog, run_id=run_id)
        if progress:
            progress(check)
        return check

    return await asyncio.gather(*(one(t) for t in tasks))
