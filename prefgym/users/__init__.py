"""Simulated users: who the agent talks to."""

from prefgym.users.base import SimulatedUser, UserFailure, UserTurn
from prefgym.users.llm import LLMUser
from prefgym.users.scripted import ScriptedUser

__all__ = ["LLMUser", "ScriptedUser", "SimulatedUser", "UserFailure", "UserTurn"]
