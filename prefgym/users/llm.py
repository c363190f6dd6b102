"""A simulated user played by a language model, through the same gateway as everything else.

Its first message is the task's own opening (so the facts a grader depends on are stated exactly
as written); after that a model, given a persona and those facts, answers the agent. The model
sees the conversation from the user's side (the agent's messages as "user", its own as
"assistant"). It ends the conversation by replying with ``[END]``. An empty reply, or a model
that fails past its retries, is the user's failure (``user_error``), never the agent's.
"""

from __future__ import annotations

from typing import Any

from prefgym.models import Completion, ModelError, complete
from prefgym.types import Framing, Message
from prefgym.users.base import SimulatedUser, UserFailure, UserTurn

END = "[END]"
DEFAULT_PERSONA = "You are a busy but friendly person who volunteers for a charity and asked an AI assistant for help."
INSTRUCTIONS = """{persona}

You are the USER in this conversation, not the assistant. Your first message to the assistant was:
<<<
{opening}
>>>
Everything you know about your request is in that message. Answer the assistant's questions from
it in one to three sentences; if the answer is not there, say you don't know or have no preference.
Never invent facts, numbers, names or requirements that your first message does not contain.
When the assistant has done what you asked, or has given you its answer, reply with exactly {end}"""


class LLMUser(SimulatedUser):
    def __init__(self, model: str, *, persona: str = DEFAULT_PERSONA, max_user_turns: int = 5, **params: Any):
        self.model, self.persona, self.max_user_turns, self.params = model, persona, max_user_turns, params
        self._completions: list[Completion] = []
        self._opening = ""
        self._turns = 0

    @property
    def completions(self) -> list[Completion]:
        return self._completions

    async def start(self, framing: Framing, opening: str) -> Message:
        self._opening, self._turns, self._completions = framing.fill(opening), 0, []
        return Message(role="user", content=self._opening)

    def _prompt(self, messages: list[Message]) -> list[dict[str, Any]]:
        flipped = [{"role": "system", "content": INSTRUCTIONS.format(persona=self.persona, opening=self._opening, end=END)}]
        for m in messages:
            if m.role == "assistant" and m.content:
                flipped.append({"role": "user", "content": m.content})
            elif m.role == "user":
                flipped.append({"role": "assistant", "content": m.content or ""})
        if flipped[-1]["role"] != "user":  # the agent only called tools: nothing to answer yet
            flipped.append({"role": "user", "content": "(The assistant is still working.)"})
        return flipped

    async def reply(self, messages: list[Message]) -> UserTurn:
        if self._turns >= self.max_user_turns:
            return UserTurn(None, end=True, reason=f"the user has replied {self._turns} times")
        try:
            completion = await complete(self.model, self._prompt(messages), sample=self._turns,
                                        tags={"role": "user"}, **self.params)
        except ModelError as e:
            raise UserFailure(f"the user model failed: {e}") from None
        self._completions.append(completion)
        text = (completion.message.content or "").strip()
        if not text:
            raise UserFailure("the user model gave an empty reply")
        if END in text:
            return UserTurn(None, end=True, reason="the user said it was done")
        self._turns += 1
        return UserTurn(Message(role="user", content=text))
