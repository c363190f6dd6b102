"""``prefgym/Agentic-v0``: multi-step work in a sandbox, framed as done for a named entity."""

from __future__ import annotations

from prefgym.envs.base import DEFAULT_ENTITY, PrefgymEnv, docker_sandbox_factory

DEFAULT_TASK = "donor-dedup"

__all__ = ["DEFAULT_ENTITY", "DEFAULT_TASK", "AgenticEnv", "docker_sandbox_factory"]


class AgenticEnv(PrefgymEnv):
    suite = "agentic"
    default_task = DEFAULT_TASK
