"""``prefgym study``: stage one (preferences), stage two (the suites), stage three (analysis).

Everything is checked before the first call: the study file, the catalog and entity ids, every
task a suite names, every synthetic model's options. Each stage resumes: a model whose
``prefs/<model>/scores.json`` exists is not asked again, and finished episodes are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prefgym.entities import Catalog, default_catalog, load_catalog
from prefgym.models import use_gateway
from prefgym.models.synthetic import parse_model_id
from prefgym.prefs.elicit import PrefsConfig
from prefgym.prefs.measure import measure, preference_scores
from prefgym.runner.many import RunOptions, RunProgress, run_many
from prefgym.runner.rundir import RunDir, model_slug
from prefgym.runner.specs import build_specs
from prefgym.study.config import StudyConfig, StudyError
from prefgym.types import EpisodeSpec


def study_catalog(study: StudyConfig) -> Catalog:
    catalog = load_catalog(study.entities.catalog) if study.entities.catalog else default_catalog()
    ids = study.entities.ids or catalog.ids
    if study.entities.limit:
        ids = ids[: study.entities.limit]
    return catalog.subset(ids)


def preflight(study: StudyConfig, tasks_dir: str | None = None) -> tuple[Catalog, list[EpisodeSpec]]:
    """Everything that can be checked before a call: raises StudyError naming what is wrong.
    Returns the catalog and the specs that need no stage-one scores (to count them)."""
    try:
        catalog = study_catalog(study)
        for model in study.models:
            if model.startswith("synthetic/"):
                parse_model_id(model)
        specs = []
        for i, plan in enumerate(study.suites):
            if isinstance(plan.entities, (str, list)):
                specs += [s for m in study.models for s in build_specs(plan, m, catalog, tasks_dir=tasks_dir, seed=study.seed)]
            else:  # checked with made-up scores: the tasks exist and the counts add up
                fake = {e: -i for i, e in enumerate(catalog.ids)}
                build_specs(plan, study.models[0], catalog, scores=fake, tasks_dir=tasks_dir)
    except (ValueError, KeyError) as e:
        raise StudyError(f"study {study.name!r}: {e.args[0] if isinstance(e, KeyError) else e}") from None
    return catalog, specs


@dataclass
class StudyResult:
    run: RunDir
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # model → entity → score
    episodes: RunProgress | None = None


async def run_study(study: StudyConfig, out: str | Path, *, force: bool = False, tasks_dir: str | None = None,
                    on_stage: Callable[[str], None] | None = None,
                    on_calls: Callable[[int], None] | None = None,
                    on_episodes: Callable[[RunProgress], None] | None = None) -> StudyResult:
    catalog, _ = preflight(study, tasks_dir)
    run = RunDir(out)
    run.start(study.model_dump(mode="json"), catalog={"source": catalog.source, "sha256": catalog.sha256}, force=force)
    result = StudyResult(run)
    gateway = run.gateway()
    with use_gateway(gateway):
        if study.preferences is not None:
            for model in study.models:
                folder = run.prefs_dir(model)
                if (folder / "scores.json").exists():
                    summary = json.loads((folder / "scores.json").read_text())
                else:
                    if on_stage:
                        on_stage(f"stage 1: preferences of {model}")
                    p = study.preferences
                    cfg = PrefsConfig(model=model, method=p.method, samples=p.samples, active_samples=p.active_samples,
                                      ranking_repeats=p.ranking_repeats, temperature=p.temperature, prefill=p.prefill,
                                      policy=p.policy, active_budget=p.active_budget, heldout_pairs=p.heldout_pairs,
                                      seed=study.seed)
                    summary = await measure(cfg, list(catalog.entities), folder, progress=on_calls)
                result.scores[model] = preference_scores(summary, study.preferences.scorer)
        if on_stage:
            on_stage("stage 2: suites")
        specs = [s for m in study.models for plan in study.suites
                 for s in build_specs(plan, m, catalog, scores=result.scores.get(m), tasks_dir=tasks_dir,
                                      seed=study.seed, user=study.user, judge=study.judge)]
    c = study.concurrency
    options = RunOptions(concurrency=c.episodes, sandboxes=c.sandboxes, retries=c.retries,
                         run_id=f"study-{model_slug(study.name)}", tasks_dir=tasks_dir)
    result.episodes = await run_many(specs, run, catalog, options, on_progress=on_episodes)
    return result
