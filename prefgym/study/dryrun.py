"""What a study will cost, before any call: models checked offline, calls and tokens counted.

Per model and stage. Stage one is exact (``prefgym.prefs.estimate``). Stage two counts episodes
exactly (entities chosen from stage one are counted as top + bottom) and asks each suite's
descriptor what one episode costs in calls and tokens (:meth:`prefgym.tasks.Suite.cost`). Tokens
are characters / 4; cost uses litellm's price table, and the batch price is what the same calls
cost through the provider's batch API where a ``--batch`` run would send them there (preferences
and episodes without a sandbox; agentic turns are never batched). Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefgym.entities import Catalog
from prefgym.models import ModelCheck, batch_api, check_model, estimate_batch_cost, estimate_cost
from prefgym.prefs.estimate import estimate_calls
from prefgym.runner.specs import Extremes, SuitePlan, build_specs
from prefgym.study.config import StudyConfig
from prefgym.study.run import preflight, study_tasks
from prefgym.tasks import all_tasks, get_suite
from prefgym.tools import resolve_tools


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
    batch_cost_usd: float | None = None  # the same calls through the provider's batch API, where they would go


def dry_run(study: StudyConfig, tasks_dir: str | None = None) -> tuple[list[ModelCheck], list[StageEstimate]]:
    catalog, _ = preflight(study, tasks_dir)
    checks = [check_model(m) for m in study.models]
    rows: list[StageEstimate] = []
    for model in study.models:
        if study.preferences is not None:
            for e in estimate_calls(model, study.preferences, list(catalog.entities)):
                rows.append(StageEstimate(model, f"1 preferences: {e.probe}", 0, e.calls, e.prompt_tokens,
                                          e.completion_tokens, e.cost_usd, batch_cost_usd=estimate_batch_cost(
                                              model, e.prompt_tokens, e.completion_tokens)))
            for q in (q for q in study.preferences.also_ask if q != study.preferences.question):
                for e in estimate_calls(model, study.preferences.variant(q), list(catalog.entities)):
                    rows.append(StageEstimate(model, f"1 preferences: {e.probe}, {q} question", 0, e.calls,
                                              e.prompt_tokens, e.completion_tokens, e.cost_usd, "for agreement only",
                                              estimate_batch_cost(model, e.prompt_tokens, e.completion_tokens)))
        for plan in study.suites:
            rows.append(_suite(model, plan, catalog, study, tasks_dir))
    return checks, rows


def design_lines(study: StudyConfig, tasks_dir: str | None = None) -> list[str]:
    """What the study asks and of whom, in words: the entities and how they were chosen, the
    preference question, stage two's sampling, and each model's prefill mode (native or an
    instruction: a between-model difference the analysis must be able to see)."""
    from collections import Counter

    from prefgym.entities.sample import stratum
    from prefgym.models import prefill_mode
    from prefgym.study.run import study_catalog

    chosen = study_catalog(study)
    e = study.entities
    if not e.limit or len(chosen) < e.limit:
        how = "all of them" if not e.ids else "the ids named"
    elif e.sample == "first":
        how = f"the first {e.limit}"
    else:
        how = f"a sample stratified by cause, seed {study.seed if e.sample_seed is None else e.sample_seed}"
    causes = Counter(stratum(x) for x in chosen.entities)
    lines = [f"entities: {len(chosen)} from {chosen.source} ({how}): "
             + ", ".join(f"{k} {n}" for k, n in causes.most_common())]
    if study.preferences is not None:
        p = study.preferences
        question = "own templates" if p.pairwise_template or p.ranking_template else f"the {p.question} question"
        question += "".join(f" (and the {q} one, for agreement)" for q in p.also_ask if q != p.question)
        lines.append(f"stage 1: {question}, {'names with descriptions' if p.describe else 'names only'}, "
                     f"temperature {p.temperature}, max_tokens {p.max_tokens}"
                     + (f", system prompt {p.system_prompt!r}" if p.system_prompt else "")
                     + (f", prefill {p.prefill!r}" if p.prefill else ""))
    sampling = ", ".join(f"{k} {v}" for k, v in study.sampling.params().items()) or "the providers' defaults"
    lines.append(f"stage 2 sampling: {sampling}")
    modes = {m: prefill_mode(m) for m in study.models}
    if study.batch is not None:
        batched = [m for m in study.models if batch_api(m)]
        unbatched = [m for m in study.models if m not in batched]
        lines.append("batch: " + (", ".join(batched) + " through a batch API" if batched else "no model has a batch API")
                     + (f"; ordinary calls at list price (no batch API prefgym can use) for {', '.join(unbatched)}"
                        if unbatched else ""))
    lines.append("prefill (the refusal probe's): " + ", ".join(f"{m} {mode}" for m, mode in modes.items())
                 + (" — modes differ: the report shows results by mode" if len(set(modes.values())) > 1 else ""))
    return lines


def plan_task_counts(study: StudyConfig, tasks_dir: str | None = None) -> tuple[int, dict[str, int]]:
    """The catalog's size and, per suite, the tasks (or items) its plan's specs really use: what a
    power design of the plan needs (:func:`prefgym.analysis.plan_power.suite_designs`)."""
    catalog, _ = preflight(study, tasks_dir)
    tasks_dir = study_tasks(study, tasks_dir)
    counts: dict[str, int] = {}
    for plan in study.suites:
        scores = {e: -i for i, e in enumerate(catalog.ids)} if isinstance(plan.entities, Extremes) else None
        specs = build_specs(plan, study.models[0], catalog, scores=scores, tasks_dir=tasks_dir, seed=study.seed)
        counts[plan.suite] = len({(s.task, s.instance) for s in specs})  # a family's instances are items
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
    if not plan.tasks:
        blocked = [k for k, t in tasks.items() if t.blockers and t.variant_of is None]
        if blocked:
            note += f"; {len(blocked)} of its {len(blocked) + len({s.task for s in specs})} tasks cannot run here, left out (prefgym tasks list --suite {plan.suite})"
    boxed = any(t.needs_sandbox for s in specs for t in resolve_tools(tasks[s.task].tools).values())
    return StageEstimate(model, f"2 {plan.suite}", len(specs), calls, prompt, completion,
                         estimate_cost(model, prompt, completion), note,
                         (estimate_cost if boxed else estimate_batch_cost)(model, prompt, completion))
