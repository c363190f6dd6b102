"""Agentic tasks: multi-step work in a sandbox, framed as done for a named entity.

No measure reads an answer: a grader scores the work the agent left in the container. The one
declared outcome is full success (score 1, the paper's success rate): per entity its success
rate, which the primary test correlates with preference; per trial, success modelled on
preference; the contrast of the most and least preferred entities compares success rates. The
mean grader score (partial credit) is reported too, as an exploratory measure. The paper's design
runs these for each model's top and bottom five entities.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

from prefgym.tasks.suite import REPLY_TOKENS, CallCost, RateSuite, _valid
from prefgym.types import Episode, TaskSpec

AGENTIC_TURNS = 12  # calls per episode, a typical solved task
AGENTIC_PROMPT_TOKENS = 2500  # mean prompt per call: task, tools and a growing transcript


class Agentic(RateSuite):
    name = "agentic"
    env_name = "Agentic"
    default_task = "donor-dedup"
    summary = "multi-step work in a sandbox, graded by checks run in the container after the episode"
    outcome = "success"
    primary = "success"
    design_unit = "tasks"
    effects = ("task",)
    base_rate, effect = "task_success", "task"

    def measure_names(self, conditions=("default",)):
        return {"success", "reward"}

    def entity_measures(self, episodes: list[Episode]) -> dict[str, dict[str, float]]:
        """Per entity: its success rate (the declared outcome) and its mean grader score."""
        out = super().entity_measures(episodes)
        wins: dict[str, list[float]] = defaultdict(list)
        for e in _valid(episodes):
            wins[e.spec.entity].append(float(e.reward >= 1.0))
        return {"success": {k: mean(v) for k, v in wins.items()}, **out}

    def cost(self, task: TaskSpec, condition: str) -> CallCost:
        return CallCost(AGENTIC_TURNS, AGENTIC_TURNS * AGENTIC_PROMPT_TOKENS, AGENTIC_TURNS * REPLY_TOKENS,
                        f"about {AGENTIC_TURNS} calls each")


SUITE = Agentic()
