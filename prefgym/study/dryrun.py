"""What a study will cost, before any call: models checked offline, calls and tokens counted.

Per model and stage. Stage one is exact (``prefgym.prefs.estimate``). Stage two counts episodes
exactly (entities chosen from stage one are counted as top + bottom) and model calls per episode
as: one for donation advice and yes/no questions (two if the user follows up), one to 100 for the
refusal probe (the first attempt counted; the cap shown), and for agentic tasks ``AGENTIC_TURNS``
calls whose prompt grows with the transcript. Tokens are characters / 4; cost uses litellm's
price table. Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefgym.entities import Catalog
from prefgym.models import ModelCheck, approx_tokens, check_model, estimate_cost
from prefgym.prefs.elicit import PrefsConfig
from prefgym.prefs.estimate import estimate_calls
from prefgym.runner.specs import Extremes, build_specs
from prefgym.study.config import StudyConfig
from prefgym.study.run import preflight
from prefgym.tasks import all_tasks

AGENTIC_TURNS = 12  # calls per agentic episode, a typical solved task
AGENTIC_PROMPT_TOKENS = 2500  # mean prompt per call: task, tools and a growing transcript
REPLY_TOKENS = 150


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
            p = study.preferences
            cfg = PrefsConfig(model=model, method=p.method, samples=p.samples, active_samples=p.active_samples,
                              ranking_repeats=p.ranking_repeats, active_budget=p.active_budget, heldout_pairs=p.heldout_pairs)
            for e in estimate_calls(cfg, list(catalog.entities)):
                rows.append(StageEstimate(model, f"1 preferences: {e.probe}", 0, e.calls, e.prompt_tokens,
                                          e.completion_tokens, e.cost_usd))
        for plan in study.suites:
            rows.append(_suite(model, plan, catalog, study, tasks_dir))
    return checks, rows


def _suite(model: str, plan, catalog: Catalog, study: StudyConfig, tasks_dir: str | None) -> StageEstimate:
    scores = None
    if isinstance(plan.entities, Extremes):  # any scores will do for counting: k top + k bottom
        scores = {e: -i for i, e in enumerate(catalog.ids)}
    specs = build_specs(plan, model, catalog, scores=scores, tasks_dir=tasks_dir, seed=study.seed)
    tasks = all_tasks(tasks_dir, plan.suite)
    prompt = completion = calls = 0
    for s in specs:
        task = tasks[s.task]
        opening = approx_tokens(task.system_prompt) + approx_tokens(task.openings.get(s.condition, task.user.opening)) + 40
        if plan.suite == "agentic":
            calls += AGENTIC_TURNS
            prompt += AGENTIC_TURNS * AGENTIC_PROMPT_TOKENS
            completion += AGENTIC_TURNS * REPLY_TOKENS
        else:
            calls += 1
            prompt += opening
            completion += REPLY_TOKENS
    note = {"refusal": "first attempts; up to 100 each", "agentic": f"about {AGENTIC_TURNS} calls each"}.get(plan.suite, "")
    return StageEstimate(model, f"2 {plan.suite}", len(specs), calls, prompt, completion,
                         estimate_cost(model, prompt, completion), note)
