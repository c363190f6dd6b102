"""Agentic tasks: multi-step work in a sandbox, framed as done for a named entity.

No measure reads an answer: a grader scores the work the agent left in the container. Per entity,
the mean grader score; per trial, full success (score 1), modelled on preference; the contrast of
the most and least preferred entities compares scores. The paper's design runs these for each
model's top and bottom five entities.
"""

from __future__ import annotations

from prefgym.tasks.suite import REPLY_TOKENS, CallCost, Suite, rate_fit, rate_null_trials, simulated_rate
from prefgym.types import TaskSpec

AGENTIC_TURNS = 12  # calls per episode, a typical solved task
AGENTIC_PROMPT_TOKENS = 2500  # mean prompt per call: task, tools and a growing transcript


class Agentic(Suite):
    name = "agentic"
    env_name = "Agentic"
    default_task = "donor-dedup"
    summary = "multi-step work in a sandbox, graded by checks run in the container after the episode"
    outcome = "success"
    contrast = "reward"
    primary = "reward"
    design_unit = "tasks"
    effects = ("task",)

    def planted_fits(self, trials):
        return rate_fit(trials, "success", "task")

    def null_trials(self, design, rng):
        from prefgym.models.synthetic import SyntheticParams

        return rate_null_trials(design, rng, base_logit=SyntheticParams.logit(SyntheticParams().task_success),
                                outcome="success")

    def simulate(self, params, u, design, rng, pairs):
        return simulated_rate(u, rng, base_logit=params.logit(params.task_success), effect=params.effect("task"),
                              n=design.tasks * design.seeds)

    def cost(self, task: TaskSpec, condition: str) -> CallCost:
        return CallCost(AGENTIC_TURNS, AGENTIC_TURNS * AGENTIC_PROMPT_TOKENS, AGENTIC_TURNS * REPLY_TOKENS,
                        f"about {AGENTIC_TURNS} calls each")


SUITE = Agentic()
