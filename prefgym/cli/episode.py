"""``prefgym episode``: run one episode into a run directory (its record and its model calls)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from prefgym.cli.common import console, episode_summary, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.envs.agentic import DEFAULT_ENTITY, DEFAULT_TASK
from prefgym.models import use_gateway
from prefgym.runner import RunDir, run_task
from prefgym.tasks import get_task


def episode(
    task: str = typer.Option(DEFAULT_TASK, help="task id (see `prefgym tasks list`)"),
    entity: str = typer.Option(DEFAULT_ENTITY, help="entity id from the catalog"),
    entity_b: str = typer.Option(None, help="pair tasks (donation advice, refusal): the second entity, shown second"),
    condition: str = typer.Option("default", help="framing, e.g. no_entity or high_stakes for boolq tasks"),
    user: str = typer.Option("scripted", help="scripted | a model id playing the user"),
    judge: str = typer.Option(None, help="a model that reads donation answers instead of the rules"),
    agent: str = typer.Option("oracle", help="oracle | null | mock | a litellm model id"),
    seed: int = typer.Option(0),
    out: Path = typer.Option(Path("runs/adhoc"), help="run directory: episodes.jsonl and calls.jsonl are appended to"),
    entities: Path = typer.Option(None, help="entity catalog YAML (default: the built-in charities)"),
    tasks_dir: Path = typer.Option(None, help="extra folder of task folders"),
) -> None:
    """Run one episode, print a summary, and append the Episode to OUT/episodes.jsonl."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        spec, ent = get_task(task, tasks_dir), catalog.get(entity)
        if spec.pair and entity_b is None:
            entity_b = next(e.id for e in catalog.entities if e.id != entity)
        other = catalog.get(entity_b) if entity_b else None
        run = RunDir(out)
        with use_gateway(run.gateway()):
            ep = asyncio.run(run_task(spec, ent, agent, run_id="adhoc", seed=seed, other=other, condition=condition,
                                      user=user, judge=judge))
    run.append(ep)
    console.print(episode_summary(ep, str(run.episodes_path)))
