"""The agent an episode spec asks for: a model, a task's oracle, nobody, or litellm's mock of the oracle."""

from __future__ import annotations

from typing import Any

from prefgym.agents.base import Agent
from prefgym.agents.scripted import NullAgent, OracleAgent, ScriptedAgent, oracle_actions, submit_action
from prefgym.agents.tool_calling import ToolCallingAgent
from prefgym.errors import ConfigError
from prefgym.types import Framing, TaskSpec

MOCK_MODEL = "openai/mock-oracle"


def mock_turns_from_oracle(task: TaskSpec) -> list[dict[str, Any]]:
    """litellm mock parameters that make a model 'say' the task's oracle: offline, real code path."""
    turns = [{"mock_tool_calls": a["tool_calls"], "mock_response": a.get("content") or ""}
             for a in oracle_actions(task.solution or "true")]
    turns.append({"mock_tool_calls": submit_action()["tool_calls"], "mock_response": ""})
    return turns


def build_agent(kind: str, task: TaskSpec, framing: Framing, model: str | None = None,
                sampling: dict[str, Any] | None = None) -> Agent:
    """``oracle`` (a chat task's reference reply, else its ``solution.sh``) | ``null`` | ``mock``
    (litellm's mock path replaying the oracle) | ``model`` (``model``, a litellm id, sampling with
    ``sampling``'s temperature and max_tokens)."""
    if kind == "oracle":
        if task.reference:
            return ScriptedAgent([{"role": "assistant", "content": framing.fill(task.reference)}])
        if not task.solution:
            raise ConfigError(f"task {task.id} has no solution.sh or reference reply, so no oracle agent")
        return OracleAgent(task.solution)
    if kind == "null":
        return NullAgent()
    if kind == "mock":
        turns = [{"mock_response": framing.fill(task.reference)}] if task.reference else mock_turns_from_oracle(task)
        return ToolCallingAgent(MOCK_MODEL, mock_turns=turns, **(sampling or {}))
    if kind == "model" and model:
        return ToolCallingAgent(model, **(sampling or {}))
    raise ConfigError(f"no agent of kind {kind!r}" + (" (a model agent needs its model id)" if kind == "model" else "")
                      + "; kinds: oracle, null, mock, model")
