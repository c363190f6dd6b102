"""``prefgym episode``: run one episode and append its record to a JSON-lines file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from prefgym.cli.common import console, episode_summary, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.envs.agentic import DEFAULT_ENTITY, DEFAULT_TASK
from prefgym.runner import append_episodes, run_task
from prefgym.tasks import get_task


def episode(
    task: str = typer.Option(DEFAULT_TASK, help="task id (see `prefgym tasks list`)"),
    entity: str = typer.Option(DEFAULT_ENTITY, help="entity id from the catalog"),
    agent: str = typer.Option("oracle", help="oracle | null | mock | a litellm model id"),
    seed: int = typer.Option(0),
    out: Path = typer.Option(Path("runs/adhoc/episodes.jsonl"), help="JSON-lines file the episode is appended to"),
    entities: Path = typer.Option(None, help="entity catalog YAML (default: the built-in charities)"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
) -> None:
    """Run one episode, print a summary, and append the Episode as one JSON line to OUT."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        spec, ent = get_task(task, tasks_dir), catalog.get(entity)
        ep = asyncio.run(run_task(spec, ent, agent, run_id="adhoc", seed=seed))
    append_episodes(out, [ep])
    console.print(episode_summary(ep, str(out)))
