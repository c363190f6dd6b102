"""Layer one of the runner: play the episode a spec describes and return its record.

The runner sees what the agent's model calls cost, so it enforces the spec's budget (tokens and
dollars per episode) after each step, and turns a context-window refusal into its own ending.

:func:`run_spec` resolves the spec once (task, entities), builds the agent and user it names, and
hands the resolved spec to the episode core, which records it as given: the episode's spec id is
the plan's. No side effects beyond the episode's own sandbox and model calls.
"""

from __future__ import annotations

from contextlib import nullcontext

from prefgym.agents import Agent, build_agent
from prefgym.entities import Catalog
from prefgym.errors import ConfigError
from prefgym.envs.base import docker_sandbox_factory, with_servers
from prefgym.envs.core import EpisodeCore, SandboxFactory
from prefgym.envs.spec import resolve
from prefgym.models import ModelError, current_gateway, tag_calls, use_gateway
from prefgym.sandbox import SandboxError
from prefgym.tasks import synthetic_world
from prefgym.types import Episode, EpisodeSpec, TaskSpec, TerminationReason
from prefgym.users import build_user


def spent(agent: Agent) -> tuple[int, float]:
    """Tokens (prompt + completion) and dollars of the agent's calls so far (an unpriced call: 0)."""
    tokens = sum(c.usage.get("prompt_tokens", 0) + c.usage.get("completion_tokens", 0) for c in agent.completions)
    return tokens, sum(c.cost_usd or 0.0 for c in agent.completions)


async def run_episode(core: EpisodeCore, agent: Agent) -> Episode:
    """Play to the end; model calls are tagged with the episode's id (for ``calls.jsonl`` and replay)."""
    agent.reset(core.spec.seed)
    try:
        try:
            observation, _ = await core.reset(core.spec.seed)
        except SandboxError as e:  # no sandbox could be had: the engine's fault, recorded as such
            await core.fail(TerminationReason.INFRA_ERROR, f"sandbox: {e}")
            return core.episode()
        with tag_calls(episode=core.episode_id):
            while not core.done:
                try:
                    action = await agent.act(observation)
                except ModelError as e:
                    if e.context_window:  # the conversation outgrew the model: an end of its own, graded
                        await core.limit(TerminationReason.CONTEXT_LENGTH, f"model: {e}")
                        break
                    # an outage that outlived its retries is infra's (the runner reruns it); a refused
                    # request (bad parameters) is the agent's own doing
                    reason = TerminationReason.INFRA_ERROR if e.transient else TerminationReason.AGENT_ERROR
                    await core.fail(reason, f"model: {e}")
                    break
                observation, *_ = await core.step(action)
                over = core.spec.budget.over(*spent(agent)) if core.spec.budget else None
                if over:
                    await core.limit(*over)
        episode = core.episode()
        episode.calls = [{**c.summary(), "role": role} for role, who in (("agent", agent), ("user", core.user))
                         for c in who.completions]
        return episode
    finally:
        await core.release()


async def run_spec(spec: EpisodeSpec, task: TaskSpec, catalog: Catalog, *,
                   sandbox_factory: SandboxFactory | None = None, run_id: str = "adhoc",
                   agent: Agent | None = None) -> Episode:
    """The episode ``spec`` describes, ``task`` being its task (looked up once by the caller) and
    ``catalog`` holding its entities; a fresh container if the task has sandbox tools, from
    ``sandbox_factory`` or a cold one labelled ``run_id``. A synthetic model answers in the current
    gateway's world, or, when it has none, in a world of this catalog and task. ``agent`` is the
    agent of a spec whose kind is ``external`` (one prefgym does not build, e.g. a vandal)."""
    resolved = resolve(spec, task, catalog)
    factory = with_servers(sandbox_factory or docker_sandbox_factory(run_id, image=task.image), task, run_id)
    core = EpisodeCore(resolved, sandbox_factory=factory,
                       user=build_user(task.user, spec.user_model))
    if (spec.agent == "external") != (agent is not None):
        raise ConfigError("an agent object goes with, and only with, a spec whose agent is 'external'")
    agent = agent or build_agent(spec.agent, task, resolved.framing, spec.model,
                                 spec.sampling.params() if spec.sampling else None)
    gateway = current_gateway()
    world = nullcontext() if gateway.world is not None else use_gateway(
        gateway.with_world(synthetic_world(catalog.entities, [task])))
    with world:
        return await run_episode(core, agent)
