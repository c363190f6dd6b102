"""The simulated user's contract: open the conversation, then answer or end it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prefgym.types import Framing, Message

if TYPE_CHECKING:
    from prefgym.models import Completion


@dataclass
class UserTurn:
    message: Message | None  # None when the user ends the conversation
    end: bool = False
    reason: str = ""


class UserFailure(RuntimeError):
    """The simulated user could not produce a turn: a user_error, never blamed on the agent."""


class SimulatedUser(ABC):
    @property
    def completions(self) -> Sequence[Completion]:
        """The model calls this user made in the current episode, in order (none for a script):
        the episode record lists them, tagged as the user's."""
        return ()

    @abstractmethod
    async def start(self, framing: Framing, opening: str) -> Message:
        """The user's opening message; ``opening`` is the task's template for this condition."""

    @abstractmethod
    async def reply(self, messages: list[Message]) -> UserTurn:
        """Answer the agent's latest message (the last of ``messages``), or end the conversation."""
