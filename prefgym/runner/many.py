"""Layer three of the runner: many episodes at once, surviving faults, resumable.

What is left to run is decided here, for every backend: specs whose episode is already in the run
directory (other than an infra error) are skipped, and a spec listed twice runs once. Each
finished episode is appended and flushed at once, by this process alone, so a killed run loses at
most the episodes in flight, and rerunning into the same directory skips what is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prefgym.entities import Catalog
from prefgym.models import CallRecord, use_gateway
from prefgym.runner.backend import Backend, LocalBackend, RunOptions
from prefgym.runner.rundir import RunDir
from prefgym.tasks import all_tasks, synthetic_world
from prefgym.types import Episode, EpisodeSpec, TerminationReason


@dataclass
class RunProgress:
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0  # infra errors that outlived their retries
    started: float = field(default_factory=time.monotonic)
    cost_usd: float = 0.0

    @property
    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-9)


def pending_specs(specs: Sequence[EpisodeSpec], run: RunDir) -> tuple[list[EpisodeSpec], RunProgress]:
    """The specs still to run (each once), and a tally that counts the rest as already done."""
    finished = run.finished()
    pending = list({s.id: s for s in specs if s.id not in finished}.values())
    unique = len({s.id for s in specs})
    return pending, RunProgress(total=unique, skipped=unique - len(pending))


async def run_many(specs: Sequence[EpisodeSpec], run: RunDir, catalog: Catalog, options: RunOptions | None = None,
                   on_progress: Callable[[RunProgress], None] | None = None,
                   backend: Backend | None = None) -> RunProgress:
    """Run every spec not yet finished in ``run`` on ``backend`` (local by default); returns the
    tally. The caller wrote the manifest. Holds the folder's writer lock throughout."""
    with run.lock():
        return await _run_many(specs, run, catalog, options, on_progress, backend)


async def _run_many(specs: Sequence[EpisodeSpec], run: RunDir, catalog: Catalog, options: RunOptions | None,
                    on_progress: Callable[[RunProgress], None] | None, backend: Backend | None) -> RunProgress:
    options = options or RunOptions()
    backend = backend or LocalBackend()
    pending, progress = pending_specs(specs, run)
    if on_progress:
        on_progress(progress)
    tasks = all_tasks(options.tasks_dir)  # resolved once, not per episode
    gateway = run.gateway(synthetic_world(catalog.entities, tasks.values()), batch=options.batch)
    remote_cost = 0.0

    def finished(episode: Episode, calls: Sequence[CallRecord]) -> None:
        nonlocal remote_cost
        for call in calls:
            gateway.recorder.write(call)
            remote_cost += call.cost_usd or 0.0
        run.append(episode)
        progress.done += 1
        progress.failed += episode.termination.reason == TerminationReason.INFRA_ERROR
        progress.cost_usd = gateway.stats.cost_usd + remote_cost
        if on_progress:
            on_progress(progress)

    with use_gateway(gateway):
        await backend.run(pending, tasks, catalog, options, finished)
    return progress
