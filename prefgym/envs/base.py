"""The one gymnasium shell around :class:`EpisodeCore`; each suite is a subclass naming its defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym

from prefgym.aio import run_on_runtime, run_sync
from prefgym.entities import Catalog, default_catalog, load_catalog
from prefgym.envs.core import EpisodeCore, StepResult
from prefgym.envs.spaces import AssistantMessageSpace, observation_space
from prefgym.sandbox.pool import SandboxPool
from prefgym.tasks import get_task
from prefgym.types import Episode

DEFAULT_ENTITY = "give-directly"
DEFAULT_ENTITY_B = "against-malaria-foundation"


def docker_sandbox_factory(run_id: str, config: Any = None):
    """A cold factory: one new container per call (the warm pool builds on it)."""

    async def make():
        from prefgym.sandbox.docker import DockerSandbox

        return await DockerSandbox.create(config, run_id=run_id)

    return make


class PrefgymEnv(gym.Env):
    """Observations are ``{"messages": [new messages], "tools": [tool specs]}``; an action is one
    assistant message. The reward (the grader's score in [0, 1], or the measure's) arrives when the
    episode ends.

    Construction only loads and validates the task and entities (a bad name fails here, before any
    container exists); a sandbox, for tasks with sandbox tools, is started by ``reset`` and removed
    when the episode ends. Pair tasks (which of two entities?) take ``entity_b``, shown second.
    """

    metadata = {"render_modes": ["ansi"]}
    suite = ""
    default_task = ""

    def __init__(self, task: str | None = None, entity: str = DEFAULT_ENTITY, *, entity_b: str | None = None,
                 condition: str = "default", entities: str | Path | Catalog | None = None,
                 tasks_dir: str | Path | None = None, sandbox_config: Any = None, run_id: str = "gym",
                 pool_size: int = 1, render_mode: str | None = None):
        catalog = entities if isinstance(entities, Catalog) else (load_catalog(entities) if entities else default_catalog())
        task = task or self.default_task
        self.task_spec = get_task(task, tasks_dir)
        if self.task_spec.suite != self.suite:
            raise ValueError(f"task {task!r} belongs to suite {self.task_spec.suite!r}, not {self.suite!r}")
        self.entity = catalog.get(entity)
        if self.task_spec.pair and entity_b is None:
            entity_b = DEFAULT_ENTITY_B if entity != DEFAULT_ENTITY_B else DEFAULT_ENTITY
        self.entity_b = catalog.get(entity_b) if entity_b else None
        self.render_mode = render_mode
        self.observation_space = observation_space()
        self.action_space = AssistantMessageSpace()
        # The pool is made on first reset, on the loop that will use it: no container before then.
        self._cold_factory = docker_sandbox_factory(run_id, sandbox_config)
        self._pool_size = pool_size
        self._pool: SandboxPool | None = None
        self.core = EpisodeCore(self.task_spec, self.entity, other=self.entity_b, sandbox_factory=self._acquire,
                                condition=condition)

    async def _acquire(self):
        if self._pool is None:
            self._pool = SandboxPool(self._cold_factory, size=self._pool_size)
        return await self._pool.acquire()

    async def _aclose(self) -> None:
        await self.core.release()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.aclose()

    # sync API (works inside a running event loop: the core runs on prefgym's own loop)
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        return run_sync(self.core.reset(seed))

    def step(self, action: dict[str, Any]) -> StepResult:
        return run_sync(self.core.step(action))

    def close(self) -> None:
        run_sync(self._aclose())
        super().close()

    # async API
    async def areset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        return await run_on_runtime(self.core.reset(seed))

    async def astep(self, action: dict[str, Any]) -> StepResult:
        return await run_on_runtime(self.core.step(action))

    async def aclose(self) -> None:
        await run_on_runtime(self._aclose())

    @property
    def episode(self) -> Episode:
        """The full record (messages, tool executions, grade, timings) of the current episode."""
        return self.core.episode()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        lines = []
        for m in self.core.messages:
            text = m.content or ""
            if m.tool_calls:
                text += " " + " ".join(f"[{c.function.name} {c.function.arguments[:200]}]" for c in m.tool_calls)
            lines.append(f"{m.role:>9}: {text[:500]}")
        return "\n".join(lines)
