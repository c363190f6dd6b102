"""Layer two of the runner: turn a plan (suites, tasks, entities, seeds) into episode specs.

A spec is everything that determines an episode, and its id is a hash of it, so resume can tell
what is done. Entities can be named, all of a catalog, or chosen from stage-one preference scores
(``top``/``bottom`` k, the paper's design for agentic tasks). Pair tasks are asked in both orders.

A condition whose opening names no entity (yes/no's controls) is the same question whoever the
plan's entities are; ``control_runs`` asks it that many times per item instead of once per entity
(its episodes carry the first entities' ids as labels only, nothing in them names one).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import combinations
from typing import Literal

from pydantic import Field

from prefgym.entities import Catalog
from prefgym.errors import ConfigError
from prefgym.tasks import all_tasks
from prefgym.tasks.loader import item_prefix, item_templates, with_items_files
from prefgym.types import Budget, EpisodeSpec, Record, Sampling, TaskSpec


class Extremes(Record):
    """The k most and k least preferred entities by the model's stage-one scores."""

    top: int = Field(ge=0)
    bottom: int = Field(ge=0)


class SuitePlan(Record):
    suite: str
    tasks: list[str] | None = None  # default: every task of the suite
    items: int | None = Field(None, ge=1)  # only the first N tasks (e.g. yes/no items)
    items_file: str | None = None  # yes/no: BoolQ's own JSONL instead of the built-in items
    entities: Literal["all"] | list[str] | Extremes = "all"
    conditions: list[str] = Field(default_factory=lambda: ["default"])
    pairs: Literal["all"] | int = "all"  # pair tasks: every pair, or N random pairs (both orders each)
    seeds: int = Field(1, ge=1)
    instances: int = Field(1, ge=1)  # task families: instances 0 … N−1 of each (a task without a family: its one)
    control_runs: int | None = Field(None, ge=1)  # per item, of a condition naming no entity (default: per entity)


def choose_entities(plan: SuitePlan, catalog: Catalog, scores: dict[str, float] | None) -> list[str]:
    if plan.entities == "all":
        return catalog.ids
    if isinstance(plan.entities, list):
        for eid in plan.entities:
            catalog.get(eid)  # a bad id fails here, naming it
        return list(plan.entities)
    if not scores:
        raise ConfigError(f"suite {plan.suite}: entities top/bottom need preference scores (stage one) for the model")
    ranked = sorted((e for e in catalog.ids if e in scores), key=lambda e: -scores[e])
    top, bottom = ranked[: plan.entities.top], ranked[len(ranked) - plan.entities.bottom:] if plan.entities.bottom else []
    return list(dict.fromkeys([*top, *bottom]))


def names_entity(task: TaskSpec, condition: str) -> bool:
    """Whether the opening of ``condition`` mentions the entity (a ``{entity…}`` field)."""
    return "{entity" in task.openings.get(condition, task.user.opening)


def left_out(known: dict[str, TaskSpec]) -> dict[str, str]:
    """The tasks a plan that names none does not run, and why: rewordings of another task (Cybench's
    easy prompts; name them in ``tasks:`` to run them), and tasks that cannot run on this machine."""
    out = {k: f"a variant of {t.variant_of}" for k, t in known.items() if t.variant_of}
    out.update({k: "; ".join(t.blockers) for k, t in known.items() if t.blockers and t.variant_of is None})
    return out


def build_specs(plan: SuitePlan, model: str, catalog: Catalog, *, scores: dict[str, float] | None = None,
                tasks_dir: str | None = None, seed: int = 0, user: str = "scripted",
                judge: str | None = None, sampling: Sampling | None = None,
                budget: Budget | None = None) -> list[EpisodeSpec]:
    """The specs of ``plan`` for ``model`` (a model id, or ``oracle`` / ``null`` / ``mock``), with
    ``user`` (``scripted`` or a model id) playing the user, ``judge`` reading chat answers, and a
    model agent sampling as ``sampling`` says and spending at most ``budget`` per episode (both
    recorded in each spec)."""
    if plan.items_file:
        if plan.suite not in item_templates():
            raise ConfigError(f"suite {plan.suite}: items_file is for item suites ({', '.join(item_templates())})")
        prefix = item_prefix(plan.items_file, plan.suite)
        known = {k: t for k, t in all_tasks(with_items_files(tasks_dir, [plan.items_file]), plan.suite).items()
                 if k.startswith(prefix)}
    else:
        known = all_tasks(tasks_dir, plan.suite)
    if not known:
        raise ConfigError(f"no tasks in suite {plan.suite!r}" + (f" in {plan.items_file}" if plan.items_file else ""))
    task_ids = plan.tasks or sorted(t for t in known if t not in left_out(known))
    for t in task_ids:
        if t not in known:
            raise ConfigError(f"suite {plan.suite}: no task {t!r}")
        if known[t].blockers:
            raise ConfigError(f"suite {plan.suite}: task {t} cannot run on this machine: {'; '.join(known[t].blockers)}")
    if plan.items:
        task_ids = task_ids[: plan.items]
    entities = choose_entities(plan, catalog, scores)
    rng = random.Random(f"{seed}:{plan.suite}:{model}")
    who = {**EpisodeSpec.agent_fields(model), "user_model": None if user == "scripted" else user, "judge": judge}
    if who["agent"] in ("model", "mock") and sampling is not None and sampling.params():
        who["sampling"] = sampling
    if who["agent"] in ("model", "mock") and budget is not None and budget.model_dump(exclude_none=True):
        who["budget"] = budget
    specs = []
    for task_id in task_ids:
        task = known[task_id]
        if task.pair:
            pairs = list(combinations(entities, 2))
            if plan.pairs != "all":
                pairs = rng.sample(pairs, min(plan.pairs, len(pairs)))
            framings = [(a, b) for x, y in pairs for a, b in ((x, y), (y, x))]
        else:
            framings = [(e, None) for e in entities]
        numbers = range(plan.instances if task.generator else 1)
        for instance in numbers:
            for condition in plan.conditions:
                runs = [(e, b, s) for e, b in framings for s in range(plan.seeds)]
                if plan.control_runs and not task.pair and not names_entity(task, condition):
                    runs = [(framings[k % len(framings)][0], None, k // len(framings)) for k in range(plan.control_runs)]
                for entity, entity_b, s in runs:
                    specs.append(EpisodeSpec(suite=plan.suite, task=task_id, entity=entity, entity_b=entity_b,
                                             condition=condition, seed=seed + s, instance=instance or None, **who))
    return specs


def items_files(plans: Sequence[SuitePlan]) -> list[str]:
    return [p.items_file for p in plans if p.items_file]


def plan_size(specs: Sequence[EpisodeSpec]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in specs:
        out[s.suite] = out.get(s.suite, 0) + 1
    return out
