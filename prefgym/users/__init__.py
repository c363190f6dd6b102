"""Simulated users: who the agent talks to."""

from prefgym.types import UserScript
from prefgym.users.base import SimulatedUser, UserFailure, UserTurn
from prefgym.users.llm import LLMUser
from prefgym.users.scripted import ScriptedUser


def build_user(script: UserScript, user_model: str | None = None) -> SimulatedUser:
    """The task's scripted user, or, when ``user_model`` names a model, that model playing the user
    (with the script's cap on replies)."""
    if user_model is None:
        return ScriptedUser(script)
    return LLMUser(user_model, max_user_turns=script.max_user_turns)


__all__ = ["LLMUser", "ScriptedUser", "SimulatedUser", "UserFailure", "UserTurn", "build_user"]
