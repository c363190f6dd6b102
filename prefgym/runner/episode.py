"""Layer one of the runner: play one episode and return its record; append records to a JSON-lines file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from prefgym.agents import Agent, NullAgent, OracleAgent, ScriptedAgent, ToolCallingAgent, oracle_actions, submit_action
from prefgym.envs.agentic import docker_sandbox_factory
from prefgym.entities import Catalog
from prefgym.envs.core import EpisodeCore, SandboxFactory
from prefgym.models import ModelError, tag_calls
from prefgym.models.synthetic import remember_entities
from prefgym.sandbox import SandboxError
from prefgym.types import Entity, Episode, EpisodeSpec, Framing, TaskSpec, TerminationReason
from prefgym.users import LLMUser


async def run_episode(core: EpisodeCore, agent: Agent, *, seed: int = 0) -> Episode:
    """Play to the end; model calls are tagged with the episode's id (for ``calls.jsonl`` and replay)."""
    agent.reset(seed)
    core.agent_name = agent.name
    try:
        try:
            observation, _ = await core.reset(seed)
        except SandboxError as e:  # no sandbox could be had: the engine's fault, recorded as such
            await core.fail(TerminationReason.INFRA_ERROR, f"sandbox: {e}")
            return core.episode()
        with tag_calls(episode=core.episode_id):
            while not core.done:
                try:
                    action = await agent.act(observation)
                except ModelError as e:
                    # an outage that outlived its retries is infra's (the runner reruns it); a refused
                    # request (context too long, bad parameters) is the agent's own doing
                    reason = TerminationReason.INFRA_ERROR if e.transient else TerminationReason.AGENT_ERROR
                    await core.fail(reason, f"model: {e}")
                    break
                observation, *_ = await core.step(action)
        episode = core.episode()
        episode.calls = [{**c.summary(), "role": role} for role, who in (("agent", agent), ("user", core.user))
                         for c in getattr(who, "completions", [])]
        return episode
    finally:
        await core.release()


async def run_task(task: TaskSpec, entity: Entity, agent: str, *, seed: int = 0, other: Entity | None = None,
                   condition: str = "default", user: str = "scripted", judge: str | None = None,
                   run_id: str = "adhoc", sandbox_factory: SandboxFactory | None = None) -> Episode:
    """One episode of ``task`` for ``entity`` (and ``other``, for a pair task) by an agent named as
    ``build_agent`` takes it; a fresh container if the task has sandbox tools (from
    ``sandbox_factory``, or a cold one labelled ``run_id``). ``user``: ``scripted`` (the task's
    script) or a model id (an :class:`LLMUser`); ``judge``: a model that reads chat answers."""
    remember_entities((e.id, e.name) for e in (entity, other) if e)  # a synthetic model must know a user's catalog
    core = EpisodeCore(task, entity, other=other, condition=condition,
                       sandbox_factory=sandbox_factory or docker_sandbox_factory(run_id),
                       user=None if user == "scripted" else LLMUser(user, max_user_turns=task.user.max_user_turns),
                       judge=judge)
    return await run_episode(core, build_agent(agent, task, core.framing), seed=seed)


async def run_spec(spec: EpisodeSpec, task: TaskSpec, catalog: Catalog, *, sandbox_factory: SandboxFactory) -> Episode:
    """The episode a spec describes (layer one: no side effects beyond its own sandbox)."""
    return await run_task(task, catalog.get(spec.entity), spec.agent, seed=spec.seed,
                          other=catalog.get(spec.entity_b) if spec.entity_b else None, condition=spec.condition,
                          user=spec.user, judge=spec.judge, sandbox_factory=sandbox_factory)


def mock_turns_from_oracle(task: TaskSpec) -> list[dict[str, Any]]:
    """litellm mock parameters that make a model 'say' the task's oracle: offline, real code path."""
    turns = [{"mock_tool_calls": a["tool_calls"], "mock_response": a.get("content") or ""}
             for a in oracle_actions(task.solution or "true")]
    turns.append({"mock_tool_calls": submit_action()["tool_calls"], "mock_response": ""})
    return turns


def build_agent(kind: str, task: TaskSpec, framing: Framing | None = None) -> Agent:
    """``oracle`` | ``null`` | ``mock`` (litellm's mock path replaying the oracle) | a litellm model id."""
    if kind == "oracle":
        if task.reference and framing is not None:  # a chat task: its reference reply
            agent = ScriptedAgent([{"role": "assistant", "content": framing.fill(task.reference)}])
            agent.name = "oracle"
            return agent
        if not task.solution:
            raise ValueError(f"task {task.id} has no solution.sh or reference reply, so no oracle agent")
        return OracleAgent(task.solution)
    if kind == "null":
        return NullAgent()
    if kind == "mock":
        turns = ([{"mock_response": framing.fill(task.reference)}] if task.reference and framing is not None
                 else mock_turns_from_oracle(task))
        agent = ToolCallingAgent("openai/mock-oracle", mock_turns=turns)
        agent.name = "mock"
        return agent
    return ToolCallingAgent(kind)


def append_episodes(path: str | Path, episodes: Iterable[Episode]) -> None:
    """Append each Episode as one JSON line and flush, so a crash loses at most the line in flight."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        for episode in episodes:
            f.write(json.dumps(episode.model_dump(mode="json"), ensure_ascii=False) + "\n")
            f.flush()
