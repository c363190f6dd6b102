"""The agent's contract: given the newest observation, produce the next assistant message.

An observation carries only the messages that are new since the last one (as the gym env returns
them), so an agent that needs the whole conversation keeps it itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prefgym.models import Completion

Observation = dict[str, Any]  # {"messages": [new OpenAI messages], "tools": [OpenAI tool specs]}
Action = dict[str, Any]  # an OpenAI assistant message


class Agent(ABC):
    @property
    def completions(self) -> Sequence[Completion]:
        """The model calls this agent made in the current episode, in order (none for a script):
        the episode record lists them, tagged as the agent's."""
        return ()

    def reset(self, seed: int = 0) -> None:
        """Forget the previous episode. ``seed`` is the episode's: a model agent uses it as the
        sample index, so seeds of one episode are independent samples (and cached apart)."""

    @abstractmethod
    async def act(self, observation: Observation) -> Action: ...


def tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
