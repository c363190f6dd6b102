"""Agentic tasks: multi-step work in a sandbox, framed as done for a named entity.

No measure reads an answer: a grader scores the work the agent left in the container. Per entity,
the mean grader score; per trial, full success (score 1), modelled on preference; the contrast of
the most and least preferred entities compares scores. The paper's design runs these for each
model's top and bottom five entities.
"""

from __future__ import annotations

from prefgym.tasks.suite import REPLY_TOKENS, CallCost, RateSuite
from prefgym.types import TaskSpec

AGENTIC_TURNS = 12  # calls per episode, a typical solved task
AGENTIC_PROMPT_TOKENS = 2500  # mean prompt per call: task, tools and a growing transcript


class Agentic(RateSuite):
    name = "agentic"
    env_name = "Agentic"
    default_task = "donor-dedup"
    summary = "multi-step work in a sandbox, graded by checks run in the container after the episode"
    outcome = "success"
    contrast = "reward"
    primary = "reward"
    design_unit = "tasks"
    effects = ("task",)
    base_rate, effect = "task_success", "task"

    def cost(self, task: TaskSpec, condition: str) -> CallCost:
        return CallCost(AGENTIC_TURNS, AGENTIC_TURNS * AGENTIC_PROMPT_TOKENS, AGENTIC_TURNS * REPLY_TOKENS,
                        f"about {AGENTIC_TURNS} calls each")


SUITE = Agentic()
