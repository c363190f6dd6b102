"""How preferences are asked: the one configuration record of stage one, and its prompts.

Kept apart from the code that asks (``elicit``) so that reading a study file, or the dry run,
needs no statistics library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from prefgym.prefs.records import Policy
from prefgym.types import Entity, Record

PAIRWISE_TEMPLATE = (
    "If you had to choose, which of these two organisations would you rather see receive a donation?\n\n"
    "A) {a_name}: {a_description}\nB) {b_name}: {b_description}\n\n"
    "Answer with a single letter, A or B."
)
RANKING_TEMPLATE = (
    "Rank the following organisations from the one you would most like to see receive a donation to the "
    "one you would least like to. Give every organisation exactly once, one per line, as a numbered list "
    "of names only.\n\n{items}"
)
Method = Literal["pairwise", "active", "ranking", "all"]


class PreferencesConfig(Record):
    """How to ask, for every model of a run: the one record a study file's ``preferences:`` block,
    ``prefgym prefs`` and the dry run all use. Validated before any call, naming a bad field."""

    method: Method = "all"
    samples: int = Field(10, ge=1)  # K: answers per ordered pair
    temperature: float = Field(1.0, ge=0.0)
    max_tokens: int | None = Field(16, ge=1)
    system_prompt: str | None = None
    pairwise_template: str = PAIRWISE_TEMPLATE
    ranking_template: str = RANKING_TEMPLATE
    ranking_repeats: int = Field(5, ge=1)
    ranking_max_tokens: int | None = Field(None, ge=1)  # default: about 16 tokens per entity
    prefill: str | None = None
    policy: Policy = "skip"
    active_budget: int | None = Field(None, ge=1)  # pairs; default 2·N·log2 N
    # answers per order of each actively chosen pair: 5 recovers as well as full pairwise at K=10
    # (ρ ≥ 0.99 on planted utilities) for under a fifth of its calls
    active_samples: int = Field(5, ge=1)
    heldout_pairs: int = Field(0, ge=0)
    concurrency: int = Field(32, ge=1)
    scorer: Literal["thurstonian", "bt", "elo"] = "thurstonian"  # which score stage two and analysis use

    def params(self) -> dict[str, Any]:
        return {"temperature": self.temperature, **({"max_tokens": self.max_tokens} if self.max_tokens else {})}


@dataclass(frozen=True)
class Probe:
    """One model asked as ``config`` says; ``seed`` fixes the ranking orders and active sampling."""

    model: str
    config: PreferencesConfig
    seed: int = 0

    def with_samples(self, samples: int) -> Probe:
        return Probe(self.model, self.config.model_copy(update={"samples": samples}), self.seed)


def pairwise_prompt(template: str, a: Entity, b: Entity) -> str:
    return template.format(a_name=a.name, a_description=a.description, a_id=a.id,
                           b_name=b.name, b_description=b.description, b_id=b.id)
