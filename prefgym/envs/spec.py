"""An EpisodeSpec resolved once: its task, entities and suite looked up and checked together.

The runner resolves a spec it planned; the gym env builds a spec from its keyword arguments and
resolves it the same way. Either way the episode core is handed the one object and records its
``spec`` exactly as given, so the id an episode is stored under is the id the plan made (resume and
replay match on it). Every check that can fail on bad input happens here, before any container
starts, and raises a :class:`~prefgym.errors.ConfigError` naming the task, entity or condition.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefgym.entities import Catalog
from prefgym.errors import ConfigError
from prefgym.tasks import Measure, Suite, get_suite, measures
from prefgym.tasks.instances import instance_of
from prefgym.types import Entity, EpisodeSpec, Framing, TaskSpec


@dataclass(frozen=True)
class ResolvedSpec:
    spec: EpisodeSpec
    task: TaskSpec
    entity: Entity
    entity_b: Entity | None = None

    @property
    def framing(self) -> Framing:
        return Framing(entity=self.entity, entity_b=self.entity_b, condition=self.spec.condition, item=self.task.item)

    @property
    def suite(self) -> Suite:
        return get_suite(self.task.suite)

    @property
    def measure(self) -> Measure | None:
        return measures()[self.task.measure] if self.task.measure else None

    def with_seed(self, seed: int) -> ResolvedSpec:
        return self if seed == self.spec.seed else ResolvedSpec(self.spec.model_copy(update={"seed": seed}),
                                                                self.task, self.entity, self.entity_b)


def resolve(spec: EpisodeSpec, task: TaskSpec, catalog: Catalog) -> ResolvedSpec:
    """``spec`` with ``task`` (its task, already looked up) and its entities from ``catalog``."""
    if spec.task != task.id or spec.suite != task.suite:
        raise ConfigError(f"spec names task {spec.task!r} of suite {spec.suite!r}, but was given task {task.id!r} "
                          f"of suite {task.suite!r}")
    if task.blockers:
        raise ConfigError(f"task {task.id} cannot run on this machine: {'; '.join(task.blockers)}")
    if task.pair and spec.entity_b is None:
        raise ConfigError(f"task {task.id} is about a pair of entities: give the second one (entity_b)")
    if spec.entity_b is not None and spec.entity_b == spec.entity:
        raise ConfigError(f"task {task.id}: a pair needs two different entities, got {spec.entity!r} twice")
    if spec.condition != "default" and spec.condition not in task.openings:
        known = ", ".join(["default", *task.openings])
        raise ConfigError(f"task {task.id} has no condition {spec.condition!r}; known: {known}")
    if task.measure and task.measure not in measures():
        raise ConfigError(f"task {task.id}: unknown measure {task.measure!r}; known: {sorted(measures())}")
    instance_of(task, spec.instance)  # a task without a family has no instance N: refused here, before a container
    entity_b = catalog.get(spec.entity_b) if spec.entity_b else None
    return ResolvedSpec(spec, task, catalog.get(spec.entity), entity_b)
