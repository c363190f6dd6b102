"""``prefgym study STUDY.yaml``: preferences, then the suites, then the report, from one file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prefgym.cli.common import console, user_errors
from prefgym.cli.progress import episode_progress
from prefgym.study import load_study, preflight, run_study


def study(
    path: Path = typer.Argument(..., help="study file (YAML); see docs/studies.md"),
    out: Path = typer.Option(None, help="run directory (default: runs/<study name>); rerun into it to resume"),
    force: bool = typer.Option(False, "--force", help="run into OUT even if its configuration differs"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
) -> None:
    """Run a whole study: stage 1 measures each model's preferences, stage 2 runs the suites (with
    entities chosen from stage 1 where the study says so), stage 3 writes report/index.html."""
    with user_errors():
        config = load_study(path)
        catalog, fixed = preflight(config, str(tasks_dir) if tasks_dir else None)
    out = out or Path("runs") / config.name
    console.print(f"study [bold]{config.name}[/bold]: {len(config.models)} model(s), {len(catalog)} entities, "
                  f"{len(config.suites)} suite(s); at least {len(fixed):,} episodes; run directory {out}")
    run_report(asyncio_study(config, out, force, tasks_dir), out)


def asyncio_study(config, out: Path, force: bool, tasks_dir: Path | None):
    calls = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                     console=console, transient=True)
    with user_errors(), episode_progress() as on_episodes, calls:
        job = calls.add_task("preference calls", total=None)
        return asyncio.run(run_study(config, out, force=force, tasks_dir=str(tasks_dir) if tasks_dir else None,
                                     on_stage=lambda s: calls.update(job, description=s),
                                     on_calls=lambda n: calls.advance(job, n), on_episodes=on_episodes))


def run_report(result, out: Path) -> None:
    from prefgym.analysis import write_report
    from prefgym.cli.analyze import print_summary

    with user_errors():
        index = write_report(out)
    print_summary(out)
    tally = result.episodes
    console.print(f"{tally.done} episodes run ({tally.skipped} already done, {tally.failed} infra errors)")
    console.print(f"report: {index}  (open it in a browser; it needs no network)")
    console.print(f"replay any episode offline: prefgym replay {out} EPISODE_ID (ids in {out}/episodes.jsonl)")
