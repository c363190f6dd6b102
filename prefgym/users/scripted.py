"""A deterministic user: an opening message, pattern → reply rules, a default, an end condition."""

from __future__ import annotations

import re

from prefgym.types import Framing, Message, UserScript
from prefgym.users.base import SimulatedUser, UserTurn


class ScriptedUser(SimulatedUser):
    def __init__(self, script: UserScript):
        self.script = script
        self._rules = [(re.compile(r.pattern, re.IGNORECASE), r.reply) for r in script.rules]
        self._ends = [re.compile(p, re.IGNORECASE) for p in script.end_patterns]
        self._framing: Framing | None = None
        self._replies = 0

    async def start(self, framing: Framing, opening: str) -> Message:
        self._framing, self._replies = framing, 0
        return Message(role="user", content=framing.fill(opening))

    async def reply(self, messages: list[Message]) -> UserTurn:
        assert self._framing is not None, "start() first"
        last = next((m.content or "" for m in reversed(messages) if m.role == "assistant"), "")
        if any(p.search(last) for p in self._ends):
            return UserTurn(None, end=True, reason="the agent's message matched an end pattern")
        if self._replies >= self.script.max_user_turns:
            return UserTurn(None, end=True, reason=f"the user has replied {self._replies} times")
        self._replies += 1
        text = next((reply for pattern, reply in self._rules if pattern.search(last)), self.script.default_reply)
        return UserTurn(Message(role="user", content=self._framing.fill(text)))
