"""The same episodes as Ray tasks: scale beyond one machine.

Each task runs one spec, with its infra retries, in a Ray worker against that node's own Docker
engine, and returns the Episode and its model calls. The driver alone writes the run directory
(episodes.jsonl, calls.jsonl, planted.json), so resume works exactly as with the local backend.
At most ``concurrency`` tasks are in flight; Ray places them where there is room.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from prefgym.entities import Catalog
from prefgym.models import CallRecord, CallRecorder, Gateway, current_gateway, use_gateway
from prefgym.models.synthetic import write_planted
from prefgym.runner.many import RunOptions, RunProgress, _attempts
from prefgym.runner.rundir import RunDir
from prefgym.tasks import get_task
from prefgym.types import Episode, EpisodeSpec, TerminationReason


class MemoryRecorder:
    """Keeps a worker's call records to hand back to the driver (no directory: nothing on disk)."""

    directory = None

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def write(self, record: CallRecord) -> None:
        self.records.append(record)


def run_remote(spec_json: str, catalog: Catalog, options: RunOptions) -> tuple[str, list[str]]:
    """Body of a Ray task: one spec in this worker's own event loop and Docker engine."""
    from prefgym.envs.base import docker_sandbox_factory

    spec = EpisodeSpec.model_validate_json(spec_json)
    recorder = MemoryRecorder()
    base = current_gateway()
    task = get_task(spec.task, options.tasks_dir)
    with use_gateway(Gateway(cache=base.cache, recorder=recorder)):  # type: ignore[arg-type]
        episode = asyncio.run(_attempts(spec, task, catalog, docker_sandbox_factory(options.run_id), options))
    return episode.model_dump_json(), [r.model_dump_json() for r in recorder.records]


def run_many_ray(specs: Sequence[EpisodeSpec], run: RunDir, catalog: Catalog, options: RunOptions | None = None,
                 address: str | None = None, on_progress: Callable[[RunProgress], None] | None = None,
                 init_options: dict[str, Any] | None = None) -> RunProgress:
    import ray

    options = options or RunOptions()
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, **(init_options or {}))
    finished = run.finished()
    pending = list({s.id: s for s in specs if s.id not in finished}.values())
    unique = len({s.id for s in specs})
    progress = RunProgress(total=unique, skipped=unique - len(pending))
    if on_progress:
        on_progress(progress)
    task = ray.remote(num_cpus=0.25, max_retries=0)(run_remote)
    catalog_ref = ray.put(catalog)
    recorder = CallRecorder(run.calls_path)
    queue, in_flight = list(pending), []
    while queue or in_flight:
        while queue and len(in_flight) < options.concurrency:
            in_flight.append(task.remote(queue.pop(0).model_dump_json(), catalog_ref, options))
        done, in_flight = ray.wait(in_flight, num_returns=1)
        episode_json, calls = ray.get(done[0])
        episode = Episode.model_validate_json(episode_json)
        for line in calls:
            recorder.write(CallRecord.model_validate_json(line))
        if episode.spec.agent.startswith("synthetic/"):
            write_planted(run.path, episode.spec.agent)
        run.append(episode)
        progress.done += 1
        progress.failed += episode.termination.reason == TerminationReason.INFRA_ERROR
        progress.cost_usd += sum(c.get("cost_usd") or 0.0 for c in episode.calls)
        if on_progress:
            on_progress(progress)
    return progress
