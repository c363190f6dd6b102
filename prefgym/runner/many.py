"""Layer three of the runner: many episodes at once, surviving faults, resumable.

Model calls, episodes and sandboxes are capped separately (a chat episode needs no container; a
provider's rate limit is not Docker's). An infra error (Docker, a provider outage past its
retries) is retried; only the last attempt is written. Each finished episode is appended and
flushed at once, by this process alone, so a killed run loses at most the episode in flight, and
rerunning into the same directory skips what is done.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prefgym.entities import Catalog
from prefgym.envs.base import docker_sandbox_factory
from prefgym.models import use_gateway
from prefgym.runner.episode import run_spec
from prefgym.runner.rundir import RunDir
from prefgym.sandbox import SandboxPool
from prefgym.tasks import all_tasks
from prefgym.tools import resolve_tools
from prefgym.types import Episode, EpisodeSpec, TaskSpec, Termination, TerminationReason, Timings


@dataclass
class RunOptions:
    concurrency: int = 8  # episodes at once
    sandboxes: int = 4  # containers at once (agentic episodes)
    retries: int = 2  # extra attempts of an episode that ended in an infra error
    run_id: str = "run"
    tasks_dir: str | None = None


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


async def _attempts(spec: EpisodeSpec, task: TaskSpec, catalog: Catalog, factory, options: RunOptions) -> Episode:
    limit = task.limits.time_limit_s + 120.0  # the core checks its limit between steps; this catches a hang
    for attempt in range(options.retries + 1):
        try:
            episode = await asyncio.wait_for(run_spec(spec, task, catalog, sandbox_factory=factory), timeout=limit)
        except asyncio.TimeoutError:
            episode = _stub(spec, TerminationReason.TIME_LIMIT, f"no end after {limit:.0f}s")
        if episode.termination.reason != TerminationReason.INFRA_ERROR:
            break
        episode.measurements["infra_attempts"] = attempt + 1
    return episode


def _stub(spec: EpisodeSpec, reason: TerminationReason, detail: str) -> Episode:
    now = time.time()
    return Episode(id=f"stub-{spec.id}-{now}", spec=spec, reward=0.0, termination=Termination(reason=reason, detail=detail),
                   turns=0, messages=[], timings=Timings(started_at=now, ended_at=now, duration_s=0.0))


async def run_many(specs: Sequence[EpisodeSpec], run: RunDir, catalog: Catalog, options: RunOptions | None = None,
                   on_progress: Callable[[RunProgress], None] | None = None) -> RunProgress:
    """Run every spec not yet finished in ``run``; returns the tally. The caller wrote the manifest."""
    options = options or RunOptions()
    finished = run.finished()
    pending = list({s.id: s for s in specs if s.id not in finished}.values())  # a spec twice runs once
    unique = len({s.id for s in specs})
    progress = RunProgress(total=unique, skipped=unique - len(pending))
    if on_progress:
        on_progress(progress)
    episodes = asyncio.Semaphore(options.concurrency)
    containers = asyncio.Semaphore(options.sandboxes)
    pool = SandboxPool(docker_sandbox_factory(options.run_id), size=min(options.sandboxes, 4))
    gateway = run.gateway()

    tasks = all_tasks(options.tasks_dir)  # resolved once, not per episode
    boxed = {t.id for t in tasks.values() if any(tool.needs_sandbox for tool in resolve_tools(t.tools).values())}

    async def one(spec: EpisodeSpec) -> None:
        async with episodes:
            if spec.task in boxed:
                async with containers:
                    episode = await _attempts(spec, tasks[spec.task], catalog, pool.acquire, options)
            else:
                episode = await _attempts(spec, tasks[spec.task], catalog, pool.acquire, options)
        run.append(episode)
        progress.done += 1
        progress.failed += episode.termination.reason == TerminationReason.INFRA_ERROR
        progress.cost_usd = gateway.stats.cost_usd
        if on_progress:
            on_progress(progress)

    try:
        with use_gateway(gateway):
            await asyncio.gather(*(one(s) for s in pending))
    finally:
        await pool.aclose()
    return progress
