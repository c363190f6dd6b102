"""One spec played until it ends for a reason other than infrastructure, up to a number of retries.

An infra error (Docker, a provider outage past its retries) is not the agent's doing, so the
episode is played again; only the last attempt is kept, with the number of attempts it took. The
core checks its time limit between steps; a guard here catches an episode that hangs inside one.
Every backend runs specs through this function, so retries mean the same thing everywhere.
"""

from __future__ import annotations

import asyncio
import time

from prefgym.entities import Catalog
from prefgym.envs.core import SandboxFactory
from prefgym.runner.episode import run_spec
from prefgym.types import Episode, EpisodeSpec, TaskSpec, Termination, TerminationReason, Timings

HANG_GRACE_S = 120.0


async def run_with_retries(spec: EpisodeSpec, task: TaskSpec, catalog: Catalog, sandbox_factory: SandboxFactory,
                           retries: int) -> Episode:
    limit = task.limits.time_limit_s + HANG_GRACE_S
    for attempt in range(retries + 1):
        try:
            episode = await asyncio.wait_for(run_spec(spec, task, catalog, sandbox_factory=sandbox_factory), timeout=limit)
        except asyncio.TimeoutError:
            episode = stub(spec, TerminationReason.TIME_LIMIT, f"no end after {limit:.0f}s")
        if episode.termination.reason != TerminationReason.INFRA_ERROR:
            if attempt:
                episode.measurements["infra_retries"] = attempt  # attempts lost to the infrastructure first
            break
        episode.measurements["infra_attempts"] = attempt + 1
    return episode


def stub(spec: EpisodeSpec, reason: TerminationReason, detail: str) -> Episode:
    """The record of an episode that never produced one of its own."""
    now = time.time()
    return Episode(id=f"stub-{spec.id}-{now}", spec=spec, reward=0.0, termination=Termination(reason=reason, detail=detail),
                   turns=0, messages=[], timings=Timings(started_at=now, ended_at=now, duration_s=0.0))
