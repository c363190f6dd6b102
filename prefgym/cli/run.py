"""``prefgym run``: one or more suites on one or more models, into a run directory, resumable."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, from_options, status, user_errors
from prefgym.cli.progress import episode_progress
from prefgym.errors import ConfigError
from prefgym.models import BatchConfig
from prefgym.runner.backend import LocalBackend
from prefgym.runner.rundir import RunDir
from prefgym.runner.specs import SuitePlan
from prefgym.study.config import ConcurrencyConfig, EntitiesConfig, StudyConfig
from prefgym.study.run import preflight, run_study
from prefgym.tasks import all_tasks
from prefgym.tasks.loader import item_templates
from prefgym.types import Budget, Sampling


def _ray(address: str | None):
    from prefgym.runner.ray_backend import RayBackend  # Ray is an extra: imported only when asked for

    return RayBackend(address)


BACKENDS = {"local": lambda address: LocalBackend(), "ray": _ray}


def run(
    suite: list[str] = typer.Option(..., help="suite(s): agentic, donation_advice, refusal, boolq"),
    model: list[str] = typer.Option(..., help="model id(s), e.g. synthetic/planted, local/smollm2, openai/gpt-4o"),
    out: Path = typer.Option(..., help="run directory (rerun into it to resume)"),
    entities: Path = typer.Option(None, help="entity catalog YAML (default: the built-in charities)"),
    limit: int = typer.Option(None, help="only the first N entities of the catalog"),
    tasks: str = typer.Option(None, help="comma-separated task ids (default: every task of the suite)"),
    items: int = typer.Option(None, help="only the first N tasks of each suite (e.g. yes/no items)"),
    items_file: Path = typer.Option(None, "--items-file",
                                    help="yes/no items from BoolQ's own JSONL (question, title, answer, passage)"),
    seeds: int = typer.Option(1, help="episodes per (task, entity, condition)"),
    instances: int = typer.Option(1, help="task families (agentic): instances 0 … N−1 of each, each its own data"),
    conditions: str = typer.Option("default", help="comma-separated conditions (boolq: default,no_entity,high_stakes)"),
    pairs: str = typer.Option("all", help="pair tasks: all, or a number of random pairs (each in both orders)"),
    concurrency: int = typer.Option(8, help="episodes at once"),
    sandboxes: int = typer.Option(4, help="containers at once"),
    retries: int = typer.Option(2, help="extra attempts of an episode that hit an infra error"),
    user: str = typer.Option("scripted", help="scripted | a model id playing the user"),
    judge: str = typer.Option(None, help="a model that reads chat answers instead of the rules"),
    seed: int = typer.Option(0, help="first seed"),
    temperature: float = typer.Option(1.0, help="the model agent's sampling temperature (recorded in each spec)"),
    max_tokens: int = typer.Option(4096, help="the model agent's max_tokens per reply (recorded in each spec)"),
    token_limit: int = typer.Option(None, help="end an episode whose model calls use more tokens (reason token_limit)"),
    cost_limit: float = typer.Option(None, help="end an episode whose model calls cost more USD (reason cost_limit)"),
    resume: bool = typer.Option(False, "--resume", help="say that OUT holds this run (resuming is automatic)"),
    force: bool = typer.Option(False, "--force", help="run into OUT even if its configuration differs"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
    backend: str = typer.Option("local", help="local (asyncio in this process) | ray"),
    address: str = typer.Option(None, help="ray: the cluster's address (default: start a local Ray)"),
    batch: bool = typer.Option(False, "--batch", help="send the calls of episodes without a sandbox through the provider's batch API "
                               "(about half price, answered within 24 h; README \"Half price\")"),
) -> None:
    """Run episodes for every (suite, task, entity, condition, model, seed) into OUT: episodes.jsonl,
    calls.jsonl and manifest.json. Finished episodes are skipped on a rerun; infra errors are retried."""
    tasks_folder = str(tasks_dir) if tasks_dir else None
    with user_errors():
        if backend not in BACKENDS:
            raise ConfigError(f"--backend {backend!r}: choose {' or '.join(BACKENDS)}")
        if batch and BACKENDS[backend] is not BACKENDS["local"]:
            raise ConfigError("--batch: batches are sent from one process; use --backend local")
        item_suites = set(item_templates())
        if items_file and not item_suites & set(suite):
            raise ConfigError(f"--items-file gives items to an item suite: add --suite {' or '.join(sorted(item_suites))}")
        if items_file and not items_file.is_file():
            raise ConfigError(f"--items-file {items_file}: no such file")
        plans = [from_options(SuitePlan, f"--suite {s}", suite=s, tasks=_tasks_of(s, tasks, tasks_dir), items=items,
                              items_file=str(items_file.resolve()) if items_file and s in item_suites else None,
                              seeds=seeds, instances=instances, conditions=conditions.split(","),
                              pairs="all" if pairs == "all" else _count("--pairs", pairs)) for s in suite]
        sampling = from_options(Sampling, "--temperature/--max-tokens", temperature=temperature, max_tokens=max_tokens)
        chosen = from_options(EntitiesConfig, "--entities/--limit", catalog=str(entities.resolve()) if entities else None,
                              limit=limit, sample="first")
        config = from_options(
            StudyConfig, "options", name=out.name, models=model, preferences=None, suites=plans, seed=seed, user=user,
            judge=judge, sampling=sampling, entities=chosen, batch=BatchConfig() if batch else None,
            budget=from_options(Budget, "--token-limit/--cost-limit", token_limit=token_limit, cost_limit_usd=cost_limit),
            concurrency=from_options(ConcurrencyConfig, "--concurrency/--sandboxes/--retries", episodes=concurrency,
                                     sandboxes=sandboxes, retries=retries))
        preflight(config, tasks_folder)  # every check before the progress bar, or the first call
        resuming = RunDir(out).exists()
        if resume and not resuming:
            status.print(f"[yellow]note:[/yellow] {out} held no run yet; starting one")
    run_backend = BACKENDS[backend](address)
    with user_errors(), RunDir(out).lock(), episode_progress() as update:  # a busy folder: refused before any bar
        result = asyncio.run(run_study(config, out, force=force, tasks_dir=tasks_folder, on_episodes=update,
                                       backend=run_backend, on_note=lambda text: status.print(f"[yellow]{text}[/yellow]")))
    tally = result.episodes
    _summary(result.run)
    console.print(f"{tally.done} episodes run, {tally.skipped} already done, {tally.failed} infra errors; "
                  f"written to {result.run.episodes_path}")
    raise typer.Exit(1 if tally.failed else 0)


def _count(option: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r}: give 'all' or a number") from None


def _tasks_of(suite: str, tasks: str | None, tasks_dir: Path | None) -> list[str] | None:
    """The ``--tasks`` ids that belong to ``suite`` (None: all of them); an id no suite has is an error."""
    if not tasks:
        return None
    wanted = [t.strip() for t in tasks.split(",") if t.strip()]
    known = all_tasks(tasks_dir)
    for t in wanted:
        if t not in known:
            raise ConfigError(f"--tasks: no task {t!r} (see `prefgym tasks list`)")
    mine = [t for t in wanted if known[t].suite == suite]
    if not mine:
        raise ConfigError(f"--tasks names no task of suite {suite!r}")
    return mine


def _summary(rundir: RunDir) -> None:
    table = Table("suite", "model", "episodes", "mean reward", "valid", title="by suite and model")
    groups: dict[tuple[str, str], list] = {}
    for e in rundir.episodes():
        groups.setdefault((e.spec.suite, e.spec.actor), []).append(e)
    for (suite_name, model_id), eps in sorted(groups.items()):
        valid = [e for e in eps if "valid" in e.measurements]
        table.add_row(suite_name, model_id, str(len(eps)), f"{sum(e.reward for e in eps) / len(eps):.2f}",
                      f"{sum(e.measurements['valid'] for e in valid) / len(valid):.0%}" if valid else "—")
    console.print(table)
