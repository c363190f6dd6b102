"""The same episodes as Ray tasks: scale beyond one machine.

Each task runs one spec, with its infra retries, in a Ray worker against that node's own Docker
engine, and returns the Episode and its model calls. The driver alone writes the run directory
(episodes.jsonl, calls.jsonl, planted truth) through :func:`~prefgym.runner.many.run_many`, so
resume works exactly as with the local backend. At most ``concurrency`` tasks are in flight; Ray
places them where there is room.
"""

from __future__ import annotations

import asyncio
from typing import Any

from prefgym.entities import Catalog
from prefgym.errors import ConfigError
from prefgym.models import CallRecord, Gateway, current_gateway, use_gateway
from prefgym.runner.backend import Backend, RunOptions
from prefgym.tasks import get_task, synthetic_world
from prefgym.types import Episode, EpisodeSpec


class MemoryRecorder:
    """Keeps a worker's call records to hand back to the driver (nothing on disk): the recorder
    interface is one ``write`` method."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def write(self, record: CallRecord) -> None:
        self.records.append(record)


def run_remote(spec_json: str, catalog: Catalog, options: RunOptions) -> tuple[str, list[str]]:
    """Body of a Ray task: one spec in this worker's own event loop and Docker engine."""
    from prefgym.envs.base import docker_sandbox_factory
    from prefgym.runner.attempts import run_with_retries

    spec = EpisodeSpec.model_validate_json(spec_json)
    recorder = MemoryRecorder()
    task = get_task(spec.task, options.tasks_dir)
    world = synthetic_world(catalog.entities, [task])
    gateway = Gateway(cache=current_gateway().cache, recorder=recorder, world=world)  # type: ignore[arg-type]
    with use_gateway(gateway):
        episode = asyncio.run(run_with_retries(spec, task, catalog, docker_sandbox_factory(options.run_id, image=task.image), options.retries))
    return episode.model_dump_json(), [r.model_dump_json() for r in recorder.records]


class RayBackend(Backend):
    def __init__(self, address: str | None = None, init_options: dict[str, Any] | None = None):
        self.address, self.init_options = address, init_options or {}

    async def run(self, pending, tasks, catalog, options, finished):
        if options.batch is not None:
            raise ConfigError("batch: batches are sent from one process; run with the local backend")
        await asyncio.to_thread(self._run, pending, catalog, options, finished)

    def _run(self, pending, catalog, options, finished) -> None:
        import ray

        if not ray.is_initialized():
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False, **self.init_options)
        task = ray.remote(num_cpus=0.25, max_retries=0)(run_remote)
        catalog_ref = ray.put(catalog)
        queue, in_flight = list(pending), []
        while queue or in_flight:
            while queue and len(in_flight) < options.concurrency:
                in_flight.append(task.remote(queue.pop(0).model_dump_json(), catalog_ref, options))
            done, in_flight = ray.wait(in_flight, num_returns=1)
            episode_json, calls = ray.get(done[0])
            finished(Episode.model_validate_json(episode_json), [CallRecord.model_validate_json(c) for c in calls])
