"""``prefgym replay RUN_DIR EPISODE_ID``: play a recorded episode again with zero provider calls."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.runner import replay_episode


def replay(
    run_dir: Path = typer.Argument(..., help="run directory holding episodes.jsonl and calls.jsonl"),
    episode_id: str = typer.Argument(..., help="episode id (a unique prefix is enough)"),
    entities: Path = typer.Option(None, help="entity catalog YAML the run used (default: the built-in charities)"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders the run used"),
) -> None:
    """Re-execute an episode from its recorded model calls (tools run again for real) and report
    whether every step matched. Exit code 0: identical; 1: it diverged."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        report = asyncio.run(replay_episode(run_dir, episode_id, catalog=catalog, tasks_dir=tasks_dir))
    table = Table("step", "role", "matched", "detail", box=None)
    for step in report.steps:
        table.add_row(str(step.index), step.role, "[green]yes[/green]" if step.matched else "[red]no[/red]", step.detail)
    console.print(table)
    console.print(f"model calls: {report.calls_matched}/{report.calls_recorded} requests matched the recording, "
                  f"{report.provider_calls} provider calls")
    console.print(f"reward: recorded {report.recorded.reward:.2f}, replayed {report.replayed.reward:.2f}")
    verdict = "[green]replay matched step for step[/green]" if report.matched else "[red]replay diverged[/red]"
    console.print(verdict)
    raise typer.Exit(0 if report.matched else 1)
