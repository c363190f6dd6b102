"""What a synthetic model may recognise in a run, built from the run's entities and tasks.

A synthetic model reads prompts, it does not understand them: it recognises the entities it is
shown by name, the yes/no questions whose answers it was given, and the tasks whose reference
solutions it knows (and follows with a planted probability, as a strong model would know how to do
the work). Whoever runs episodes or preference probes hands it this world through the gateway
(:meth:`prefgym.models.Gateway.with_world`), so what it knows is explicit and per run.
"""

from __future__ import annotations

from collections.abc import Iterable

from prefgym.models import SyntheticWorld
from prefgym.types import Entity, TaskSpec


def synthetic_world(entities: Iterable[Entity], tasks: Iterable[TaskSpec] = ()) -> SyntheticWorld:
    tasks = list(tasks)
    return SyntheticWorld.build(
        entities=[(e.id, e.name) for e in entities],
        answers=[(str(t.item["question"]), t.item["answer"]) for t in tasks
                 if "question" in t.item and isinstance(t.item.get("answer"), bool)],
        tasks=[(t.id, [t.system_prompt or "", t.user.opening], t.solution) for t in tasks if t.solution],
    )
