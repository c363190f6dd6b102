"""Agents that need no model: a fixed script, the task's reference solution, and doing nothing.

They exist so that every task can prove it is solvable (the oracle passes) and not trivially
passed (the null agent fails), through exactly the same tool path a model's calls take.
"""

from __future__ import annotations

import json

from prefgym.agents.base import Action, Agent, Observation, tool_call


def submit_action(call_id: str = "call_submit", answer: str | None = None) -> Action:
    args = "{}" if answer is None else json.dumps({"answer": answer})
    return {"role": "assistant", "content": None, "tool_calls": [tool_call(call_id, "submit", args)]}


class ScriptedAgent(Agent):
    """Plays ``actions`` in order, then submits."""

    def __init__(self, actions: list[Action]):
        self.actions = actions
        self._next = 0

    def reset(self, seed: int = 0) -> None:
        self._next = 0

    async def act(self, observation: Observation) -> Action:
        if self._next >= len(self.actions):
            if any(t["function"]["name"] == "submit" for t in observation.get("tools") or []):
                return submit_action(f"call_{self._next}")
            return {"role": "assistant", "content": ""}  # a chat task: say nothing
        action = self.actions[self._next]
        self._next += 1
        return action


class NullAgent(ScriptedAgent):
    """Submits at once (or, with no submit tool, says nothing): every task must give it reward 0."""

    def __init__(self) -> None:
        super().__init__([])


def oracle_actions(solution: str, timeout_s: float = 900.0) -> list[Action]:
    """The reference solution as the tool calls an agent would make: run it in bash, then submit."""
    args = json.dumps({"command": solution, "timeout": timeout_s})
    return [{"role": "assistant", "content": "Running the reference solution.",
             "tool_calls": [tool_call("call_oracle", "bash", args)]}]


class OracleAgent(ScriptedAgent):
    """Runs a task's reference solution (its ``solution.sh``) and submits what it printed (a CTF
    flag; a grader in the sandbox ignores it): every task must give it reward 1."""

    def __init__(self, solution: str):
        super().__init__(oracle_actions(solution))

    async def act(self, observation: Observation) -> Action:
        if self._next < len(self.actions):
            return await super().act(observation)
        printed = [m.get("content") or "" for m in observation.get("messages") or [] if m.get("role") == "tool"]
        return submit_action(f"call_{self._next}", printed[-1] if printed else None)
