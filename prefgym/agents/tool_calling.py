"""A ReAct-style agent: the whole conversation to a model each turn, its reply as the action."""

from __future__ import annotations

from typing import Any

from prefgym.agents.base import Action, Agent, Observation
from prefgym.models import Completion, complete
from prefgym.types import Message, ToolSpec


class ToolCallingAgent(Agent):
    """``mock_turns``: per-turn litellm mock parameters (``mock_response`` / ``mock_tool_calls``)
    that run litellm's real code path offline; for tests and the CLI's ``--agent mock``."""

    def __init__(self, model: str, *, mock_turns: list[dict[str, Any]] | None = None, **params: Any):
        self.model = model
        self.params = params
        self.mock_turns = mock_turns
        self.seed, self.context = 0, -1
        self.history: list[Message] = []
        self._completions: list[Completion] = []

    @property
    def completions(self) -> list[Completion]:
        return self._completions

    def reset(self, seed: int = 0) -> None:
        self.history, self._completions, self.seed, self.context = [], [], seed, -1

    @property
    def sample(self) -> int:
        """The sample index of this context: distinct per episode seed and per fresh attempt."""
        return self.seed * 1000 + max(self.context, 0)

    async def act(self, observation: Observation) -> Action:
        new = [Message.model_validate(m) for m in observation["messages"]]
        if new and new[0].role == "system":  # a system message opens a conversation: a fresh context
            self.history, self.context = [], self.context + 1
        self.history.extend(new)
        tools = [ToolSpec(name=t["function"]["name"], description=t["function"].get("description", ""),
                          parameters=t["function"].get("parameters", {})) for t in observation.get("tools", [])]
        params = dict(self.params)
        if self.mock_turns is not None:
            turn = len(self._completions)
            params.update(self.mock_turns[min(turn, len(self.mock_turns) - 1)])
        completion = await complete(self.model, self.history, tools=tools or None, sample=self.sample,
                                    tags={"role": "agent"}, **params)
        self._completions.append(completion)
        if self.history[-1].role == "assistant" and not self.history[-1].tool_calls:
            self.history.pop()  # the prefill: the completion's content already starts with it
        self.history.append(completion.message)
        return completion.message.to_openai()
