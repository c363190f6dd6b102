"""Layer one of the runner: play one episode with one agent and return its record. No side effects."""

from __future__ import annotations

import json
from typing import Any

from prefgym.agents import Agent, NullAgent, OracleAgent, ToolCallingAgent, oracle_actions, submit_action
from prefgym.envs.core import EpisodeCore
from prefgym.sandbox import SandboxError
from prefgym.types import Episode, TaskSpec, TerminationReason


async def run_episode(core: EpisodeCore, agent: Agent, *, seed: int = 0) -> Episode:
    agent.reset()
    core.agent_name = agent.name
    try:
        try:
            observation, _ = await core.reset(seed)
        except SandboxError as e:  # no sandbox could be had: the engine's fault, recorded as such
            await core.fail(TerminationReason.INFRA_ERROR, f"sandbox: {e}")
            return core.episode()
        while not core.done:
            action = await agent.act(observation)
            observation, *_ = await core.step(action)
        return core.episode()
    finally:
        await core.release()


def mock_turns_from_oracle(task: TaskSpec) -> list[dict[str, Any]]:
    """litellm mock parameters that make a model 'say' the task's oracle: offline, real code path."""
    turns = [{"mock_tool_calls": a["tool_calls"], "mock_response": a.get("content") or ""}
             for a in oracle_actions(task.solution or "true")]
    turns.append({"mock_tool_calls": submit_action()["tool_calls"], "mock_response": ""})
    return turns


def build_agent(kind: str, task: TaskSpec) -> Agent:
    """``oracle`` | ``null`` | ``mock`` (litellm's mock path replaying the oracle) | a litellm model id."""
    if kind == "oracle":
        if not task.solution:
            raise ValueError(f"task {task.id} has no solution.sh, so no oracle agent")
        return OracleAgent(task.solution)
    if kind == "null":
        return NullAgent()
    if kind == "mock":
        agent = ToolCallingAgent("openai/mock-oracle", mock_turns=mock_turns_from_oracle(task))
        agent.name = "mock"
        return agent
    return ToolCallingAgent(kind)


def episode_line(episode: Episode) -> str:
    return json.dumps(episode.model_dump(mode="json"), ensure_ascii=False)
