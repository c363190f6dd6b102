"""``prefgym demo``: the README's main command. For now: every agentic task once with its oracle."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from prefgym.cli.common import console, episode_summary, user_errors
from prefgym.entities import default_catalog
from prefgym.envs.agentic import DEFAULT_ENTITY
from prefgym.runner import append_episodes, run_task
from prefgym.tasks import all_tasks


def demo(out: Path = typer.Option(Path("runs/demo"), help="run directory")) -> None:
    """Run every agentic task once with its reference solution, in real containers."""
    with user_errors():
        entity = default_catalog().get(DEFAULT_ENTITY)
        tasks = all_tasks(suite="agentic")

    async def run_all() -> list:
        return [await run_task(task, entity, "oracle", run_id="demo") for task in tasks.values()]

    with user_errors(), console.status("running the agentic tasks with their oracles …"):
        episodes = asyncio.run(run_all())
    path = out / "episodes.jsonl"
    append_episodes(path, episodes)
    for ep in episodes:
        console.print(episode_summary(ep))
        console.print()
    solved = sum(ep.reward >= 1 for ep in episodes)
    console.print(f"{solved}/{len(episodes)} tasks solved by their oracle; episodes appended to {path}")
    raise typer.Exit(0 if solved == len(episodes) else 1)
