"""``prefgym study`` and ``prefgym run``: stage one (preferences), stage two (the suites).

Everything is checked before the first call: the configuration, the catalog and entity ids, every
task a suite names, every model id's options. Each stage resumes: a model whose preferences are in
the run directory is not asked again, and finished episodes are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prefgym.entities import Catalog, default_catalog, load_catalog
from prefgym.errors import ConfigError
from prefgym.models import BatchProgress, batch_calls, use_gateway, validate_model
from prefgym.prefs.config import Probe
from prefgym.runner.backend import Backend, LocalBackend, RunOptions
from prefgym.runner.many import RunProgress, run_many
from prefgym.entities.sample import select
from prefgym.runner.rundir import RunDir, model_slug
from prefgym.runner.specs import build_specs, items_files
from prefgym.study.config import StudyConfig, StudyError
from prefgym.tasks import all_tasks, get_suite, synthetic_world
from prefgym.tasks.loader import with_items_files
from prefgym.types import EpisodeSpec


def study_catalog(study: StudyConfig) -> Catalog:
    """The entities the study runs: its ids (or the catalog), then ``limit`` of them as ``sample`` says."""
    catalog = load_catalog(study.entities.catalog) if study.entities.catalog else default_catalog()
    pool = list(catalog.subset(study.entities.ids).entities) if study.entities.ids else list(catalog.entities)
    seed = study.seed if study.entities.sample_seed is None else study.entities.sample_seed
    return catalog.subset([e.id for e in select(pool, study.entities.limit, study.entities.sample, seed)])


def study_tasks(study: StudyConfig, tasks_dir: str | None) -> str | None:
    """The task sources of a study: ``tasks_dir`` and every plan's items file."""
    return with_items_files(tasks_dir, items_files(study.suites))


def preflight(study: StudyConfig, tasks_dir: str | None = None) -> tuple[Catalog, list[EpisodeSpec]]:
    """Everything that can be checked before a call: raises StudyError naming what is wrong.
    Returns the catalog and the specs that need no stage-one scores (to count them)."""
    try:
        tasks_dir = study_tasks(study, tasks_dir)
        catalog = study_catalog(study)
        for model in study.models:
            if EpisodeSpec.agent_fields(model)["agent"] == "model":
                validate_model(model)
        for model in filter(None, [None if study.user == "scripted" else study.user, study.judge]):
            validate_model(model)
        specs = []
        for plan in study.suites:
            if isinstance(plan.entities, (str, list)):
                specs += [s for m in study.models for s in build_specs(plan, m, catalog, tasks_dir=tasks_dir, seed=study.seed,
                                                                         sampling=study.sampling, budget=study.budget)]
            else:  # checked with made-up scores: the tasks exist and the counts add up
                fake = {e: -i for i, e in enumerate(catalog.ids)}
                build_specs(plan, study.models[0], catalog, scores=fake, tasks_dir=tasks_dir)
        check_hypotheses(study)
    except ConfigError as e:
        raise StudyError(f"study {study.name!r}: {e}") from None
    return catalog, specs


def check_hypotheses(study: StudyConfig) -> None:
    """Every primary hypothesis names a suite the study runs and a measure that suite gives: one
    that could have no p-value would otherwise leave the multiple-comparison family silently."""
    planned: dict[str, set[str]] = {}
    for plan in study.suites:
        planned.setdefault(plan.suite, set()).update(plan.conditions)
    for i, h in enumerate(study.primary_hypotheses):
        where = f"primary_hypotheses[{i}] ({h.name})"
        if h.suite not in planned:
            raise StudyError(f"{where}: suite {h.suite!r} is not among the study's suites "
                             f"({', '.join(sorted(planned)) or 'none'})")
        suite = get_suite(h.suite)
        names = suite.measure_names(sorted(planned[h.suite]))
        if suite.resolve_measure(h.measure) not in names:
            raise StudyError(f"{where}: suite {h.suite} has no measure {h.measure!r}; it has "
                             f"{', '.join(sorted(names | set(suite.aliases)))}")


@dataclass
class StudyResult:
    run: RunDir
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # model → entity → score
    episodes: RunProgress | None = None


async def run_study(study: StudyConfig, out: str | Path, *, force: bool = False, tasks_dir: str | None = None,
                    on_stage: Callable[[str], None] | None = None,
                    on_calls: Callable[[int], None] | None = None,
                    on_episodes: Callable[[RunProgress], None] | None = None,
                    backend: Backend | None = None,
                    on_batch: Callable[[BatchProgress], None] | None = None,
                    on_note: Callable[[str], None] | None = None) -> StudyResult:
    """``on_batch``/``on_note``: the batches' progress, and what batching says once (a study with ``batch``)."""
    catalog, _ = preflight(study, tasks_dir)
    tasks_dir = study_tasks(study, tasks_dir)
    run = RunDir(out)
    if study.batch is not None and backend is not None and not isinstance(backend, LocalBackend):
        raise StudyError("batch: batches are sent from one process; run on the local backend")
    with run.lock():  # one writer for the study's whole life
        if study.batch is not None:
            batcher = run.batcher(study.batch)
            batcher.on_progress = on_batch or batcher.on_progress
            batcher.on_note = on_note or batcher.on_note
        return await _run_study(study, run, catalog, force, tasks_dir, on_stage, on_calls, on_episodes, backend)


async def _run_study(study: StudyConfig, run: RunDir, catalog: Catalog, force: bool, tasks_dir: str | None,
                     on_stage: Callable[[str], None] | None, on_calls: Callable[[int], None] | None,
                     on_episodes: Callable[[RunProgress], None] | None, backend: Backend | None) -> StudyResult:
    run.start(study.run_config(), catalog={"source": catalog.source, "sha256": catalog.sha256,
                                           "entities": catalog.ids}, force=force,
              extra={"batch": study.batch.model_dump(mode="json")} if study.batch is not None else None)
    result = StudyResult(run)
    if study.preferences is not None:
        world = synthetic_world(catalog.entities, all_tasks(tasks_dir).values())
        with use_gateway(run.gateway(world, batch=study.batch)), batch_calls(study.batch is not None):
            for model in study.models:
                summary = run.preferences(model)
                if summary is None:
                    if on_stage:
                        on_stage(f"stage 1: preferences of {model}")
                    from prefgym.prefs.measure import measure  # scipy's statistics: only when asking

                    measured = await measure(Probe(model, study.preferences, study.seed), list(catalog.entities),
                                             progress=on_calls)
                    run.write_preferences(measured)
                    summary = measured.summary
                result.scores[model] = summary.scores(study.preferences.scorer)
                for question in study.preferences.also_ask:  # other wordings, for their agreement only
                    if question != study.preferences.question and run.preferences(model, question) is None:
                        if on_stage:
                            on_stage(f"stage 1: preferences of {model}, asked the {question} question")
                        from prefgym.prefs.measure import measure

                        other = Probe(model, study.preferences.variant(question), study.seed)
                        run.write_preferences(await measure(other, list(catalog.entities), progress=on_calls), question)
    if on_stage:
        on_stage("stage 2: suites")
    specs = [s for m in study.models for plan in study.suites
             for s in build_specs(plan, m, catalog, scores=result.scores.get(m), tasks_dir=tasks_dir,
                                  seed=study.seed, user=study.user, judge=study.judge, sampling=study.sampling, budget=study.budget)]
    c = study.concurrency
    options = RunOptions(concurrency=c.episodes, sandboxes=c.sandboxes, retries=c.retries,
                         run_id=f"study-{model_slug(study.name)}", tasks_dir=tasks_dir, batch=study.batch)
    result.episodes = await run_many(specs, run, catalog, options, on_progress=on_episodes, backend=backend)
    return result
