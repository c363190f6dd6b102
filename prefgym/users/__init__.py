"""Simulated users: who the agent talks to."""

from prefgym.users.base import SimulatedUser, UserFailure, UserTurn
from prefgym.users.scripted import ScriptedUser

__all__ = ["ScriptedUser", "SimulatedUser", "UserFailure", "UserTurn"]
