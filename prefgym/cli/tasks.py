"""``prefgym tasks …``: list the tasks prefgym knows."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, user_errors
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
