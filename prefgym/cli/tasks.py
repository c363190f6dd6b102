"""``prefgym tasks …``: list the tasks prefgym knows, and check that they are sound."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from prefgym.cli.common import console, fail, status, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.runner.validate import validate_tasks
from prefgym.tasks import all_tasks

app = typer.Typer(no_args_is_help=True, help="List and check tasks.")


@app.command("list")
def list_tasks(
    suite: str = typer.Option(None, help="only this suite"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
) -> None:
    """List tasks with their suite, tools and limits."""
    with user_errors():
        tasks = all_tasks(tasks_dir, suite)
    table = Table("task", "suite", "title", "max turns", "oracle")
    for t in tasks.values():
        table.add_row(t.id, t.suite, t.title, str(t.limits.max_turns), "yes" if t.solution else "no")
    console.print(table)


@app.command("validate")
def validate(
    suite: str = typer.Option(None, help="only this suite"),
    task: list[str] = typer.Option(None, "--task", help="only this task (repeatable)"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
    entities: Path = typer.Option(None, help="entity catalog YAML every template must render for"),
    concurrency: int = typer.Option(4, help="tasks checked at once (agentic ones each start containers)"),
    instances: int = typer.Option(1, help="task families: also check instances 1 … N−1 of each (oracle 1, null 0, distinct answers)"),
    with_vandals: bool = typer.Option(True, "--vandals/--no-vandals",
                                      help="also run every vandal agent on every graded task (reward must be 0)"),
) -> None:
    """Every template renders for every entity, every oracle scores 1, every null agent and every
    vandal (no work, planted code aimed at the grader) scores 0. Exit code 0 when all tasks pass,
    1 when any fails (listed)."""
    with user_errors():
        known = all_tasks(tasks_dir, suite)
        unknown = sorted(set(task or ()) - set(known))
        if unknown:
            raise fail(f"--task: no task {', '.join(map(repr, unknown))}{f' in suite {suite!r}' if suite else ''}")
        tasks = [t for t in known.values() if not task or t.id in task]
        catalog = load_catalog(entities) if entities else default_catalog()
    if not tasks:
        raise fail(f"no tasks{f' in suite {suite!r}' if suite else ''}")
    columns = (TextColumn("validating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with user_errors(), Progress(*columns, console=status, transient=True) as bar:
        job = bar.add_task("tasks", total=len(tasks))
        checks = asyncio.run(validate_tasks(tasks, catalog, concurrency=concurrency, with_vandals=with_vandals,
                                            instances=instances,
                                            progress=lambda _: bar.advance(job)))
    by_suite: dict[str, list] = {}
    for c in checks:
        by_suite.setdefault(c.suite, []).append(c)
    table = Table("suite", "tasks", "passed", "failed")
    for name, group in sorted(by_suite.items()):
        table.add_row(name, str(len(group)), str(sum(c.ok for c in group)), str(sum(not c.ok for c in group)))
    console.print(table)
    failed = [c for c in checks if not c.ok]
    for c in failed:
        console.print(f"[red]FAIL[/red] {c.task}: " + "; ".join(c.problems))
    vandal_runs = sum(len(c.vandal_rewards) for c in checks)
    family_runs = sum(len(c.instances) for c in checks)
    console.print(f"{len(checks) - len(failed)}/{len(checks)} tasks valid "
                  f"(templates render for all {len(catalog)} entities; oracle 1, null 0"
                  f"{f', {vandal_runs} vandal runs 0' if vandal_runs else ''}"
                  f"{f', {family_runs} more instances of task families' if family_runs else ''})")
    raise typer.Exit(1 if failed else 0)
