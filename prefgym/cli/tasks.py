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
from prefgym.tasks.loader import unavailable

app = typer.Typer(no_args_is_help=True, help="List and check tasks.")


@app.command("list")
def list_tasks(
    suite: str = typer.Option(None, help="only this suite"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
) -> None:
    """List tasks with their suite, limits, whether they have an oracle and can run here (and why not)."""
    with user_errors():
        tasks = all_tasks(tasks_dir, suite)
    table = Table("task", "suite", "title", "max turns", "oracle", "runs here")
    for t in tasks.values():
        table.add_row(t.id, t.suite, t.title, str(t.limits.max_turns), "yes" if t.solution or t.reference else "no",
                      "yes" if not t.blockers else "no: " + "; ".join(t.blockers))
    console.print(table)
    blocked = sum(bool(t.blockers) for t in tasks.values())
    console.print(f"{len(tasks)} tasks, {len(tasks) - blocked} can run here" + (f", {blocked} cannot (why: last column)" if blocked else ""))
    for folder, why in unavailable.items():
        console.print(f"[yellow]not loaded[/yellow] {Path(folder).name}'s tasks: {why}")


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
    variants: bool = typer.Option(False, "--variants", help="also the tasks that only reword another (Cybench's easy prompts)"),
    each: bool = typer.Option(None, "--each/--summary", help="a row per task (default: with --suite or --task)"),
) -> None:
    """Every template renders for every entity, every oracle scores 1, every null agent and every
    vandal (no work, planted code aimed at the grader) scores 0. Exit code 0 when all tasks pass,
    1 when any fails (listed)."""
    with user_errors():
        known = all_tasks(tasks_dir, suite)
        unknown = sorted(set(task or ()) - set(known))
        if unknown:
            raise fail(f"--task: no task {', '.join(map(repr, unknown))}{f' in suite {suite!r}' if suite else ''}")
        tasks = [t for t in known.values() if (t.id in task if task else variants or t.variant_of is None)]
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
    if each if each is not None else bool(suite or task):
        console.print(_each_table(checks))
    failed = [c for c in checks if not c.ok]
    for c in failed:
        console.print(f"[red]FAIL[/red] {c.task}: " + "; ".join(c.problems))
    vandal_runs = sum(len(c.vandal_rewards) for c in checks)
    family_runs = sum(len(c.instances) for c in checks)
    blocked = sum(bool(c.blocked) for c in checks)
    console.print(f"{len(checks) - len(failed)}/{len(checks)} tasks valid "
                  f"(templates render for all {len(catalog)} entities; oracle 1, null 0"
                  f"{f', {vandal_runs} vandal runs 0' if vandal_runs else ''}"
                  f"{f', {family_runs} more instances of task families' if family_runs else ''})"
                  + (f"; {blocked} cannot run here (not played; why: above)" if blocked else ""))
    raise typer.Exit(1 if failed else 0)


def _each_table(checks: list) -> Table:
    """A row per task: whether it runs here (why not), what the oracle and the null agent scored."""
    table = Table("task", "runs here", "oracle", "null", "verdict")

    def score(value: float | None, want: float) -> str:
        if value is None:
            return "—"
        mark = "[green]✓[/green]" if value == want else "[red]✗[/red]"
        return f"{mark} {value:.2f}"

    for c in sorted(checks, key=lambda c: (bool(c.blocked), c.task)):
        verdict = "not run: " + "; ".join(c.blocked) if c.blocked else ("ok" if c.ok else "[red]" + "; ".join(c.problems) + "[/red]")
        table.add_row(c.task, "no" if c.blocked else "yes", score(c.oracle_reward, 1.0), score(c.null_reward, 0.0), verdict)
    return table
