"""Gymnasium spaces for chat: validated by pydantic, not by shapes and charsets.

``spaces.Text`` refuses JSON and prose (its default charset is alphanumeric) and ``spaces.Dict``
wants the same keys every time, which optional ``tool_calls`` break. These small spaces accept
exactly what the OpenAI chat format allows, and their seeded ``sample()`` is harmless (a short
text reply) because ``check_env`` steps with it.
"""

from __future__ import annotations

from typing import Any

from gymnasium import spaces
from pydantic import TypeAdapter, ValidationError

from prefgym.types import Message, ToolSpec

_messages = TypeAdapter(list[Message])


class _PydanticSpace(spaces.Space):
    def __init__(self, seed: int | None = None):
        super().__init__(shape=None, dtype=None, seed=seed)

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class MessagesSpace(_PydanticSpace):
    """A list of OpenAI chat messages (what observations carry)."""

    def contains(self, x: Any) -> bool:
        if not isinstance(x, list):
            return False
        try:
            _messages.validate_python(x)
        except ValidationError:
            return False
        return True

    def sample(self, mask: Any = None, probability: Any = None) -> list[dict[str, Any]]:
        return [{"role": "user", "content": "hello"}]


class ToolSpecsSpace(_PydanticSpace):
    """A list of OpenAI tool specs (``{"type": "function", "function": {...}}``)."""

    def contains(self, x: Any) -> bool:
        if not isinstance(x, list):
            return False
        try:
            for t in x:
                ToolSpec.model_validate(t["function"])
        except (ValidationError, KeyError, TypeError):
            return False
        return True

    def sample(self, mask: Any = None, probability: Any = None) -> list[dict[str, Any]]:
        return []


class AssistantMessageSpace(_PydanticSpace):
    """An action: one assistant message with text and/or tool calls."""

    _phrases = ("Could you tell me more?", "Thanks, I am working on it.", "Let me think about that.")

    def contains(self, x: Any) -> bool:
        try:
            return Message.model_validate(x).role == "assistant"
        except ValidationError:
            return False

    def sample(self, mask: Any = None, probability: Any = None) -> dict[str, Any]:
        return {"role": "assistant", "content": self._phrases[int(self.np_random.integers(len(self._phrases)))]}


def observation_space() -> spaces.Dict:
    return spaces.Dict({"messages": MessagesSpace(), "tools": ToolSpecsSpace()})
