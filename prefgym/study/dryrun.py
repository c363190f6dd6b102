"""What a study will cost, before any call: models checked offline, calls and tokens counted.

Per model and stage. Stage one is exact (``prefgym.prefs.estimate``). Stage two counts episodes
exactly (entities chosen from stage one are counted as top + bottom) and asks each suite's
descriptor what one episode costs in calls and tokens (:meth:`prefgym.tasks.Suite.cost`). Tokens
are characters / 4; cost uses litellm's price table. Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefgym.entities import Catalog
from prefgym.models import ModelCheck, check_model, estimate_cost
from prefgym.prefs.estimate import estimate_calls
from prefgym.runner.specs import Extremes, SuitePlan, build_specs
from prefgym.study.config import StudyConfig
from prefgym.study.run import preflight, study_tasks
from prefgym.tasks import all_tasks, get_suite


@dataclass
class StageEstimate:
    model: str
    stage: str
    episodes: int
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    note: str = ""


def dry_run(study: StudyConfig, tasks_dir: str | None = None) -> tuple[list[ModelCheck], list[StageEstimate]]:
    catalog, _ = preflight(study, tasks_dir)
    checks = [check_model(m) for m in study.models]
    rows: list[StageEstimate] = []
    for model in study.models:
        if study.preferences is not None:
            for e in estimate_calls(model, study.preferences, list(catalog.entities)):
                rows.append(StageEstimate(model, f"1 preferences: {e.probe}", 0, e.calls, e.prompt_tokens,
                                          e.completion_tokens, e.cost_usd))
        for plan in study.suites:
            rows.append(_suite(model, plan, catalog, study, tasks_dir))
    return checks, rows


def plan_task_counts(study: StudyConfig, tasks_dir: str | None = None) -> tuple[int, dict[str, int]]:
    """The catalog's size and, per suite, the tasks (or items) its plan's specs really use: what a
    power design of the plan needs (:func:`prefgym.analysis.plan_power.suite_designs`)."""
    catalog, _ = preflight(study, tasks_dir)
    tasks_dir = study_tasks(study, tasks_dir)
    counts: dict[str, int] = {}
    for plan in study.suites:
        scores = {e: -i for i, e in enumerate(catalog.ids)} if isinstance(plan.entities, Extremes) else None
        specs = build_specs(plan, study.models[0], catalog, scores=scores, tasks_dir=tasks_dir, seed=study.seed)
        counts[plan.suite] = len({s.task for s in specs})
    return len(catalog), counts


def _suite(model: str, plan: SuitePlan, catalog: Catalog, study: StudyConfig, tasks_dir: str | None) -> StageEstimate:
    scores = None
    if isinstance(plan.entities, Extremes):  # any scores will do for counting: k top + k bottom
        scores = {e: -i for i, e in enumerate(catalog.ids)}
    specs = build_specs(plan, model, catalog, scores=scores, tasks_dir=tasks_dir, seed=study.seed)
    tasks = all_tasks(tasks_dir, plan.suite)
    suite = get_suite(plan.suite)
    prompt = completion = calls = 0
    note = ""
    for s in specs:
        cost = suite.cost(tasks[s.task], s.condition)
        calls, prompt, completion, note = calls + cost.calls, prompt + cost.prompt_tokens, completion + cost.completion_tokens, cost.note
    return StageEstimate(model, f"2 {plan.suite}", len(specs), calls, prompt, completion,
                         estimate_cost(model, prompt, completion), note)
