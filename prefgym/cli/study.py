"""``prefgym study STUDY.yaml``: preferences, then the suites, then the report, from one file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prefgym.cli.common import console, status, user_errors
from prefgym.cli.progress import episode_progress
from prefgym.models import BatchConfig
from prefgym.runner.rundir import RunDir
from prefgym.study import load_study, preflight, run_study


def study(
    path: Path = typer.Argument(..., help="study file (YAML); see docs/studies.md"),
    out: Path = typer.Option(None, help="run directory (default: runs/<study name>); rerun into it to resume"),
    force: bool = typer.Option(False, "--force", help="run into OUT even if its configuration differs"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the study and print calls and cost; call nothing"),
    batch: bool = typer.Option(False, "--batch", help="send the calls that can wait through providers' batch APIs "
                               "(about half price, answered within 24 h); the same as batch: true in the study"),
) -> None:
    """Run a whole study: stage 1 measures each model's preferences, stage 2 runs the suites (with
    entities chosen from stage 1 where the study says so), stage 3 writes report/index.html."""
    with user_errors():
        config = load_study(path)
        if batch and config.batch is None:
            config = config.model_copy(update={"batch": BatchConfig()})
        catalog, fixed = preflight(config, str(tasks_dir) if tasks_dir else None)
    if dry_run:
        _dry_run(config, tasks_dir)
        return
    out = out or Path("runs") / config.name
    status.print(f"study [bold]{config.name}[/bold]: {len(config.models)} model(s), {len(catalog)} entities, "
                  f"{len(config.suites)} suite(s); at least {len(fixed):,} episodes; run directory {out}")
    run_report(asyncio_study(config, out, force, tasks_dir), out)


def asyncio_study(config, out: Path, force: bool, tasks_dir: Path | None):
    calls = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                     console=status, transient=True)
    with user_errors(), RunDir(out).lock(), episode_progress() as on_episodes, calls:  # refused before any bar
        job = calls.add_task("preference calls", total=None)
        batches = calls.add_task("batches", total=None, visible=False)

        def on_batch(p) -> None:
            calls.update(batches, description=p.describe(), total=p.submitted or None, completed=p.finished, visible=True)

        return asyncio.run(run_study(config, out, force=force, tasks_dir=str(tasks_dir) if tasks_dir else None,
                                     on_stage=lambda s: calls.update(job, description=s),
                                     on_calls=lambda n: calls.advance(job, n), on_episodes=on_episodes,
                                     on_batch=on_batch, on_note=lambda text: status.print(f"[yellow]{text}[/yellow]")))


def run_report(result, out: Path) -> None:
    from prefgym.analysis import write_report
    from prefgym.cli.analyze import print_summary

    with user_errors():
        index = write_report(out)
    print_summary(out)
    tally = result.episodes
    console.print(f"{tally.done} episodes run ({tally.skipped} already done, {tally.failed} infra errors)")
    console.print(f"report: {index}  (open it in a browser; it needs no network)")
    console.print(f"browse every episode: prefgym view {out}   (then open http://127.0.0.1:8765)")
    console.print(f"replay any episode offline: prefgym replay {out} EPISODE_ID")


def _dry_run(config, tasks_dir: Path | None) -> None:
    from rich.table import Table

    from prefgym.study.dryrun import design_lines, dry_run

    with user_errors():
        checks, rows = dry_run(config, str(tasks_dir) if tasks_dir else None)
        design = design_lines(config, str(tasks_dir) if tasks_dir else None)
    for line in design:
        console.print(line, highlight=False, soft_wrap=True)
    for c in checks:
        status = "[green]ready[/green]" if c.ok else (f"[red]{c.error}[/red]" if c.error else
                                                      "[yellow]missing " + ", ".join(c.missing_keys) + "[/yellow]")
        console.print(f"{c.model}: provider {c.provider or '?'}; {status}" + ("" if c.priced else "; no price known"))
    batched = config.batch is not None
    money = lambda v: "unknown" if v is None else f"{v:,.2f}"  # noqa: E731
    table = Table("model", "stage", "episodes", "calls", "prompt tokens", "completion tokens", "cost (USD)",
                  *(["batched (USD)"] if batched else []), "note", title=f"study {config.name}: dry run (nothing was called)")
    for r in rows:
        table.add_row(r.model, r.stage, f"{r.episodes:,}" if r.episodes else "", f"{r.calls:,}", f"{r.prompt_tokens:,}",
                      f"{r.completion_tokens:,}", money(r.cost_usd), *([money(r.batch_cost_usd)] if batched else []), r.note)
    console.print(table)
    known = [r.cost_usd for r in rows if r.cost_usd is not None]
    total = f"at least ${sum(known):,.2f}" + (" (some prices unknown)" if len(known) < len(rows) else "")
    if batched:
        known_batch = [r.batch_cost_usd for r in rows if r.batch_cost_usd is not None]
        total += (f"; with --batch at least ${sum(known_batch):,.2f}"
                  + (" (some prices unknown)" if len(known_batch) < len(rows) else ""))
    console.print(f"total: {sum(r.calls for r in rows):,} calls, {sum(r.episodes for r in rows):,} episodes, {total}")
    from prefgym.cli.power import print_plan_power, study_power

    with user_errors():
        print_plan_power(study_power(config, str(tasks_dir) if tasks_dir else None, studies=100))
    missing = sorted({k for c in checks for k in c.missing_keys})
    if missing:
        console.print("set these environment variables before running: " + ", ".join(missing))
