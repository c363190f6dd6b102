"""Agents: who acts in an episode (a model, a script, a task's oracle, or nobody)."""

from prefgym.agents.base import Action, Agent, Observation, tool_call
from prefgym.agents.build import build_agent, mock_turns_from_oracle
from prefgym.agents.scripted import NullAgent, OracleAgent, ScriptedAgent, oracle_actions, submit_action
from prefgym.agents.tool_calling import ToolCallingAgent

__all__ = ["Action", "Agent", "NullAgent", "Observation", "OracleAgent", "ScriptedAgent", "ToolCallingAgent",
           "build_agent", "mock_turns_from_oracle", "oracle_actions", "submit_action", "tool_call"]
