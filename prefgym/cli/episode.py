"""``prefgym episode``: run one episode into a run directory (its record and its model calls)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from prefgym.cli.common import console, episode_summary, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.envs.base import DEFAULT_ENTITY
from prefgym.models import use_gateway
from prefgym.runner import RunDir, run_spec
from prefgym.tasks import get_task, synthetic_world
from prefgym.types import EpisodeSpec


def episode(
    task: str = typer.Option("donor-dedup", help="task id (see `prefgym tasks list`)"),
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
    """Run one episode, print a summary, and append the Episode to OUT's episodes."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        task_spec = get_task(task, tasks_dir)
        catalog.get(entity)
        if task_spec.pair and entity_b is None:
            entity_b = next(e.id for e in catalog.entities if e.id != entity)
        spec = EpisodeSpec(suite=task_spec.suite, task=task, entity=entity, entity_b=entity_b, condition=condition,
                           seed=seed, user_model=None if user == "scripted" else user, judge=judge,
                           **EpisodeSpec.agent_fields(agent))
        run = RunDir(out)
        with run.lock(), use_gateway(run.gateway(synthetic_world(catalog.entities, [task_spec]))):
            ep = asyncio.run(run_spec(spec, task_spec, catalog, run_id="adhoc"))
            run.append(ep)
    console.print(episode_summary(ep, str(run.episodes_path)))
