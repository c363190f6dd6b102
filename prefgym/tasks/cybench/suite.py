"""Cybench: capture-the-flag challenges, framed as solved for a named entity (the paper's agentic probe).

Scored like the agentic suite (success: the flag in the submission, 1 or 0; per entity its
success rate, which the primary test correlates with preference; the top-vs-bottom contrast
compares success rates), so the descriptor is the agentic one with Cybench's own environment,
default task and cost. The tasks come from data (``catalog.py`` over ``challenges.py``), not from
task folders; ``tasks list`` says which challenges cannot run here and why.
"""

from __future__ import annotations

from prefgym.tasks.agentic.suite import Agentic
from prefgym.tasks.suite import REPLY_TOKENS, CallCost
from prefgym.types import TaskSpec

CYBENCH_TURNS = 20  # calls per episode: the paper's ReAct agent on a hard prompt often runs to its limit
CYBENCH_PROMPT_TOKENS = 4000  # mean prompt per call: challenge, tools and a transcript of tool output


class Cybench(Agentic):
    name = "cybench"
    env_name = "Cybench"
    default_task = "cybench/dynastic"
    summary = "Cybench capture-the-flag challenges (files, and servers on a network of their own); the flag scores 1"

    def cost(self, task: TaskSpec, condition: str) -> CallCost:
        turns = min(CYBENCH_TURNS, task.limits.max_turns)
        return CallCost(turns, turns * CYBENCH_PROMPT_TOKENS, turns * REPLY_TOKENS, f"about {turns} calls each")


SUITE = Cybench()
