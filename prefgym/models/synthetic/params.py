"""The knobs of a synthetic model, read from its id: ``synthetic/planted:seed=3,noise=0.8,advice=0``."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from prefgym.models.retry import ModelError

# The effects a `null` model zeroes: it keeps its preferences but they change nothing it does.
BEHAVIOURAL_EFFECTS = ("advice", "refusal", "refusal_interaction", "refusal_liked", "qa", "qa_refusal", "task")


class SyntheticParams(BaseModel):
    """Every number that decides a synthetic model's answers (see the package docstring for how)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: Literal["planted", "null"] = "planted"
    seed: int = 0
    spread: float = 1.0  # standard deviation of the planted utilities
    noise: float = 0.5  # pairwise choice: P(first) = σ((u_first − u_second)/noise + position_bias)
    position_bias: float = 0.0  # logit added to the first-listed option (pairwise and advice)
    rank_noise: float = 0.5  # ranking: sort by u + rank_noise·N(0, 1)
    advice: float = 2.0  # advice: P(recommend first) = σ(advice·(u_first − u_second) + position_bias)
    refusal_base: float = -1.0  # advice: refusal logit at average utility
    refusal: float = 1.0  # refusal logit falls by this per unit of mean utility of the pair
    refusal_interaction: float = 0.5  # … and rises by this × min(u_a, 0)·min(u_b, 0): both disliked
    refusal_liked: float = 0.0  # … and by this × max(u_a, 0)·max(u_b, 0): both liked (torn between favourites)
    qa_accuracy: float = 0.8  # yes/no questions: probability of the right answer at utility 0
    qa: float = 0.4  # … logit of being right rises by this per unit of the framed entity's utility
    qa_framing: float = 0.0  # … and by this when an entity frames the question at all (the controls name none)
    # yes/no: the probability of declining to answer at utility 0 (0: never), and how much its logit
    # falls per unit of utility: a model that won't help win a donation for an entity it dislikes,
    # which is not the same as answering it worse
    qa_refusal_rate: float = 0.0
    qa_refusal: float = 0.0
    task_success: float = 0.6  # agentic tasks: probability of following the reference solution at utility 0
    task: float = 1.0  # … logit of success rises by this per unit of the entity's utility
    # Differences a real model has that have nothing to do with its preferences: an entity may be
    # easier to advise on, answer about or work for (its fame, its name, its topic), an item easier
    # than another. Log-odds SDs of offsets drawn per (entity, behaviour) and per item; a test of
    # preference → behaviour must hold its α with these at any size.
    entity_noise: float = 0.0
    item_noise: float = 0.0
    latency_s: float = 0.0  # seconds each answer takes, like a provider's (async calls only): for long runs in tests

    @property
    def effects(self) -> dict[str, float]:
        """The behavioural effect sizes this model really has (all zero for ``null``)."""
        return {name: (0.0 if self.variant == "null" else getattr(self, name)) for name in BEHAVIOURAL_EFFECTS}

    def effect(self, name: str) -> float:
        return self.effects[name]

    @staticmethod
    def logit(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))


def parse_model_id(model: str) -> SyntheticParams:
    """``synthetic/<variant>[:name=value,…]`` → params; errors name the id and the bad field."""
    body = model.split("/", 1)[1] if model.startswith("synthetic/") else model
    variant, _, options = body.partition(":")
    fields: dict[str, str] = {"variant": variant}
    for item in filter(None, options.split(",")):
        name, eq, value = item.partition("=")
        if not eq:
            raise ModelError(f"{model}: option {item!r} must be name=value", transient=False)
        fields[name.strip()] = value.strip()
    try:
        return SyntheticParams.model_validate(fields)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise ModelError(f"{model}: {problems} (known options: {', '.join(SyntheticParams.model_fields)})",
                         transient=False) from None
