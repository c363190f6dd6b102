"""``prefgym run``: one or more suites on one or more models, into a run directory, resumable."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, user_errors
from prefgym.cli.progress import episode_progress
from prefgym.entities import default_catalog, load_catalog
from prefgym.runner.many import RunOptions, run_many
from prefgym.runner.rundir import RunDir
from prefgym.runner.specs import SuitePlan, build_specs
from prefgym.tasks import all_tasks


def run(
    suite: list[str] = typer.Option(..., help="suite(s): agentic, donation_advice, refusal, boolq"),
    model: list[str] = typer.Option(..., help="model id(s), e.g. synthetic/planted, local/smollm2, openai/gpt-4o"),
    out: Path = typer.Option(..., help="run directory (rerun into it to resume)"),
    entities: Path = typer.Option(None, help="entity catalog YAML (default: the built-in charities)"),
    limit: int = typer.Option(None, help="only the first N entities of the catalog"),
    tasks: str = typer.Option(None, help="comma-separated task ids (default: every task of the suite)"),
    items: int = typer.Option(None, help="only the first N tasks of each suite (e.g. yes/no items)"),
    seeds: int = typer.Option(1, help="episodes per (task, entity, condition)"),
    conditions: str = typer.Option("default", help="comma-separated conditions (boolq: default,no_entity,high_stakes)"),
    pairs: str = typer.Option("all", help="pair tasks: all, or a number of random pairs (each in both orders)"),
    concurrency: int = typer.Option(8, help="episodes at once"),
    sandboxes: int = typer.Option(4, help="containers at once"),
    retries: int = typer.Option(2, help="extra attempts of an episode that hit an infra error"),
    user: str = typer.Option("scripted", help="scripted | a model id playing the user"),
    judge: str = typer.Option(None, help="a model that reads chat answers instead of the rules"),
    seed: int = typer.Option(0, help="first seed"),
    resume: bool = typer.Option(False, "--resume", help="say that OUT holds this run (resuming is automatic)"),
    force: bool = typer.Option(False, "--force", help="run into OUT even if its configuration differs"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
    backend: str = typer.Option("local", help="local (asyncio in this process) | ray"),
    address: str = typer.Option(None, help="ray: the cluster's address (default: start a local Ray)"),
) -> None:
    """Run episodes for every (suite, task, entity, condition, model, seed) into OUT: episodes.jsonl,
    calls.jsonl and manifest.json. Finished episodes are skipped on a rerun; infra errors are retried."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        if limit:
            catalog = catalog.subset(catalog.ids[:limit])
        plans = [SuitePlan(suite=s, tasks=_tasks_of(s, tasks, tasks_dir), items=items, seeds=seeds,
                           conditions=conditions.split(","), pairs="all" if pairs == "all" else int(pairs)) for s in suite]
        specs = [spec for m in model for plan in plans
                 for spec in build_specs(plan, m, catalog, tasks_dir=str(tasks_dir) if tasks_dir else None,
                                         seed=seed, user=user, judge=judge)]
        config = {"kind": "run", "models": model, "plans": [p.model_dump(mode="json") for p in plans], "seed": seed,
                  "user": user, "judge": judge, "entities": {"source": catalog.source, "ids": catalog.ids}}
        rundir = RunDir(out)
        resuming = rundir.start(config, catalog={"source": catalog.source, "sha256": catalog.sha256}, force=force)
        if resume and not resuming:
            console.print(f"[yellow]note:[/yellow] {out} held no run yet; starting one")
    options = RunOptions(concurrency=concurrency, sandboxes=sandboxes, retries=retries, run_id=f"run-{out.name}",
                         tasks_dir=str(tasks_dir) if tasks_dir else None)
    with user_errors(), episode_progress() as update:
        if backend == "ray":
            from prefgym.runner.ray_backend import run_many_ray

            tally = run_many_ray(specs, rundir, catalog, options, address=address, on_progress=update)
        elif backend == "local":
            tally = asyncio.run(run_many(specs, rundir, catalog, options, on_progress=update))
        else:
            raise ValueError(f"--backend {backend!r}: choose local or ray")
    _summary(rundir)
    console.print(f"{tally.done} episodes run, {tally.skipped} already done, {tally.failed} infra errors; "
                  f"written to {rundir.episodes_path}")
    raise typer.Exit(1 if tally.failed else 0)


def _tasks_of(suite: str, tasks: str | None, tasks_dir: Path | None) -> list[str] | None:
    """The ``--tasks`` ids that belong to ``suite`` (None: all of them); an id no suite has is an error."""
    if not tasks:
        return None
    wanted = [t.strip() for t in tasks.split(",") if t.strip()]
    known = all_tasks(tasks_dir)
    for t in wanted:
        if t not in known:
            raise ValueError(f"--tasks: no task {t!r} (see `prefgym tasks list`)")
    mine = [t for t in wanted if known[t].suite == suite]
    if not mine:
        raise ValueError(f"--tasks names no task of suite {suite!r}")
    return mine


def _summary(rundir: RunDir) -> None:
    table = Table("suite", "model", "episodes", "mean reward", "valid", title="by suite and model")
    groups: dict[tuple[str, str], list] = {}
    for e in rundir.episodes():
        groups.setdefault((e.spec.suite, e.spec.agent), []).append(e)
    for (suite_name, model_id), eps in sorted(groups.items()):
        valid = [e for e in eps if "valid" in e.measurements]
        table.add_row(suite_name, model_id, str(len(eps)), f"{sum(e.reward for e in eps) / len(eps):.2f}",
                      f"{sum(e.measurements['valid'] for e in valid) / len(valid):.0%}" if valid else "—")
    console.print(table)
