"""The one gymnasium shell around :class:`EpisodeCore`: every suite is served by this class.

``gymnasium.make("prefgym/<Name>-v0")`` passes the suite (from its descriptor's ``env_name``, see
:mod:`prefgym.envs`) and the caller's keyword arguments; the env builds an :class:`EpisodeSpec`
from them, resolves it as the runner resolves a planned one, and hands that to the core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym

from prefgym.aio import run_on_runtime, run_sync
from prefgym.entities import Catalog, default_catalog, load_catalog
from prefgym.envs.core import EpisodeCore, StepResult
from prefgym.envs.spaces import AssistantMessageSpace, observation_space
from prefgym.envs.spec import resolve
from prefgym.errors import ConfigError
from prefgym.sandbox.pool import SandboxPool
from prefgym.tasks import get_suite, get_task
from prefgym.types import Episode, EpisodeSpec
from prefgym.users import build_user

DEFAULT_ENTITY = "give-directly"
DEFAULT_ENTITY_B = "against-malaria-foundation"


def docker_sandbox_factory(run_id: str, config: Any = None, image: str = "default"):
    """A cold factory: one new container per call (the warm pool builds on it), of the image a
    task names (``default`` or ``ctf``)."""

    async def make():
        from prefgym.sandbox.docker import DockerSandbox, DockerSandboxConfig
        from prefgym.sandbox.docker.image import BY_NAME

        chosen = config
        if image != "default":
            chosen = (config or DockerSandboxConfig()).model_copy(update={"image": BY_NAME[image].tag()})
        return await DockerSandbox.create(chosen, run_id=run_id)

    return make


def with_servers(factory: Any, task: Any, run_id: str):
    """``factory`` for ``task``: as it is, or, for a task with servers (a Cybench challenge's
    victim), a factory that starts them on a network of the episode's own, then the sandbox (cold
    or from a warm pool), and has the sandbox join them; the servers go when the sandbox closes."""
    if not task.services:
        return factory

    async def make():
        from prefgym.sandbox import SandboxError
        from prefgym.sandbox.docker.services import ServiceStack

        stack = await ServiceStack.start(task.services, run_id=run_id)
        try:
            sandbox = await factory()
        except BaseException:
            await stack.close()
            raise
        if not hasattr(sandbox, "join"):
            await sandbox.close()
            await stack.close()
            raise SandboxError(f"task {task.id} has servers, which only a Docker sandbox can join")
        try:
            await sandbox.join(stack)
        except BaseException:
            await sandbox.close()  # the stack with it
            raise
        return sandbox

    return make


class PrefgymEnv(gym.Env):
    """Observations are ``{"messages": [new messages], "tools": [tool specs]}``; an action is one
    assistant message. The reward (the grader's score in [0, 1], or the measure's) arrives when the
    episode ends.

    Construction only loads and validates the task and entities (a bad name fails here, before any
    container exists); a sandbox, for tasks with sandbox tools, is started by ``reset`` and removed
    when the episode ends. Pair tasks (which of two entities?) take ``entity_b``, shown second.
    ``user_model`` has a model play the user instead of the task's script; ``judge`` has a model
    read chat answers instead of the rules. ``instance`` picks instance N of a task family (its own
    data and expectations; 0 or None: the task as shipped).
    """

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, suite: str, task: str | None = None, entity: str = DEFAULT_ENTITY, *,
                 entity_b: str | None = None, condition: str = "default", instance: int | None = None,
                 user_model: str | None = None,
                 judge: str | None = None, entities: str | Path | Catalog | None = None,
                 tasks_dir: str | Path | None = None, sandbox_config: Any = None, run_id: str = "gym",
                 pool_size: int = 1, render_mode: str | None = None):
        catalog = entities if isinstance(entities, Catalog) else (load_catalog(entities) if entities else default_catalog())
        task = task or get_suite(suite).default_task
        if task is None:
            raise ConfigError(f"suite {suite!r} has no default task: name one with task=")
        self.task_spec = get_task(task, tasks_dir)
        if self.task_spec.suite != suite:
            raise ConfigError(f"task {task!r} belongs to suite {self.task_spec.suite!r}, not {suite!r}")
        if self.task_spec.pair and entity_b is None:
            entity_b = DEFAULT_ENTITY_B if entity != DEFAULT_ENTITY_B else DEFAULT_ENTITY
        spec = EpisodeSpec(suite=suite, task=task, entity=entity, entity_b=entity_b, condition=condition,
                           instance=instance or None, agent="external", user_model=user_model, judge=judge)
        resolved = resolve(spec, self.task_spec, catalog)
        self.entity, self.entity_b = resolved.entity, resolved.entity_b
        self.render_mode = render_mode
        self.observation_space = observation_space()
        self.action_space = AssistantMessageSpace()
        # The pool is made on first reset, on the loop that will use it: no container before then.
        self._cold_factory = docker_sandbox_factory(run_id, sandbox_config, self.task_spec.image)
        self._pool_size = pool_size
        self._pool: SandboxPool | None = None
        self.core = EpisodeCore(resolved, sandbox_factory=with_servers(self._acquire, self.task_spec, run_id),
                                user=build_user(self.task_spec.user, user_model))

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
