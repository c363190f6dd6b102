"""``prefgym demo``: the README's main command. For now: every agentic task once with its oracle."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from prefgym.cli.common import console, episode_summary, user_errors
from prefgym.entities import default_catalog
from prefgym.envs.agentic import DEFAULT_ENTITY, docker_sandbox_factory
from prefgym.envs.core import EpisodeCore
from prefgym.runner import build_agent, episode_line, run_episode
from prefgym.tasks import all_tasks


def demo(out: Path = typer.Option(Path("runs/demo"), help="run directory")) -> None:
    """Run every agentic task once with its reference solution, in real containers."""
    with user_errors():
        entity = default_catalog().get(DEFAULT_ENTITY)
        tasks = all_tasks(suite="agentic")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "episodes.jsonl"

    async def run_all() -> list:
        episodes = []
        for task in tasks.values():
            core = EpisodeCore(task, entity, sandbox_factory=docker_sandbox_factory("demo"))
            episodes.append(await run_episode(core, build_agent("oracle", task)))
        return episodes

    with user_errors(), console.status("running the agentic tasks with their oracles …"):
        episodes = asyncio.run(run_all())
    with open(path, "a") as f:
        for ep in episodes:
            f.write(episode_line(ep) + "\n")
            console.print(episode_summary(ep))
            console.print()
    solved = sum(ep.reward >= 1 for ep in episodes)
    console.print(f"{solved}/{len(episodes)} tasks solved by their oracle; episodes appended to {path}")
    raise typer.Exit(0 if solved == len(episodes) else 1)
