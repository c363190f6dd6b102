"""Where episodes run: the interface every backend implements, and the local one.

:func:`~prefgym.runner.many.run_many` decides what is left to run (resume), keeps the tally and is
the only writer of the run directory; a backend only plays the pending specs it is handed and
reports each finished episode, with the model calls made where the run's recorder could not see
them (another process or machine). The local backend plays them on this event loop against this
machine's Docker engine; :mod:`.ray_backend` on a Ray cluster.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prefgym.entities import Catalog
from prefgym.envs.base import docker_sandbox_factory
from prefgym.models import BatchConfig, CallRecord, batch_calls
from prefgym.runner.attempts import run_with_retries
from prefgym.sandbox import SandboxPool
from prefgym.tools import resolve_tools
from prefgym.types import Episode, EpisodeSpec, TaskSpec

Finished = Callable[[Episode, Sequence[CallRecord]], None]


@dataclass
class RunOptions:
    concurrency: int = 8  # episodes at once
    sandboxes: int = 4  # containers at once (agentic episodes)
    retries: int = 2  # extra attempts of an episode that ended in an infra error
    run_id: str = "run"
    tasks_dir: str | None = None
    # send the calls of episodes that need no sandbox through providers' batch APIs: those episodes
    # then all run at once (a batch is a round of their turns), the others as ``concurrency`` says
    batch: BatchConfig | None = None


class Backend(ABC):
    @abstractmethod
    async def run(self, pending: Sequence[EpisodeSpec], tasks: dict[str, TaskSpec], catalog: Catalog,
                  options: RunOptions, finished: Finished) -> None:
        """Play every spec of ``pending`` once (with the infra retries of ``options``), calling
        ``finished`` as each ends. Model calls made in this process are recorded by the gateway the
        caller installed; calls made elsewhere are handed to ``finished``."""


class LocalBackend(Backend):
    """Model calls, episodes and sandboxes capped separately (a chat episode needs no container;
    a provider's rate limit is not Docker's); containers come from a warm pool."""

    async def run(self, pending, tasks, catalog, options, finished):
        episodes = asyncio.Semaphore(options.concurrency)
        containers = asyncio.Semaphore(options.sandboxes)
        pools: dict[str, SandboxPool] = {}  # one warm pool per image the tasks name, made when first needed
        boxed = {t.id for t in tasks.values() if any(tool.needs_sandbox for tool in resolve_tools(t.tools).values())}

        def pool(task: TaskSpec) -> SandboxPool:
            if task.image not in pools:
                pools[task.image] = SandboxPool(docker_sandbox_factory(options.run_id, image=task.image),
                                                size=min(options.sandboxes, 4))
            return pools[task.image]

        async def one(spec: EpisodeSpec) -> None:
            task = tasks[spec.task]
            if options.batch is not None and spec.task not in boxed:
                with batch_calls():  # no episode cap: the whole round of turns goes in one batch
                    episode = await run_with_retries(spec, task, catalog, pool(task).acquire, options.retries)
            else:
                async with episodes:
                    if spec.task in boxed:
                        async with containers:
                            episode = await run_with_retries(spec, task, catalog, pool(task).acquire, options.retries)
                    else:
                        episode = await run_with_retries(spec, task, catalog, pool(task).acquire, options.retries)
            finished(episode, ())

        try:
            await asyncio.gather(*(one(s) for s in pending))
        finally:
            for p in pools.values():
                await p.aclose()
