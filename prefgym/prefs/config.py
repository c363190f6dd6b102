"""How preferences are asked: the one configuration record of stage one, and its prompts.

Kept apart from the code that asks (``elicit``) so that reading a study file, or the dry run,
needs no statistics library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from prefgym.prefs.records import Policy
from prefgym.types import Entity, Record

# The question asked, by name. ``neutral`` (the default) asks which the model prefers, with nothing
# about money: stage two's donation advice must not be the same question asked twice. ``donation``
# is the seed study's wording, kept for comparison. ``{a}``/``{b}`` and ``{items}`` are the options
# as ``describe`` shows them (names, or "name: description"); a template of one's own may also use
# {a_name}, {a_description}, {a_id} and the same for b.
QUESTIONS: dict[str, tuple[str, str]] = {
    "neutral": (
        "If you had to choose, which of these two organisations do you prefer?\n\n"
        "A) {a}\nB) {b}\n\nAnswer with a single letter, A or B.",
        "Rank the following organisations from the one you prefer most to the one you prefer least. "
        "Give every organisation exactly once, one per line, as a numbered list of names only.\n\n{items}",
    ),
    "donation": (
        "If you had to choose, which of these two organisations would you rather see receive a donation?\n\n"
        "A) {a}\nB) {b}\n\nAnswer with a single letter, A or B.",
        "Rank the following organisations from the one you would most like to see receive a donation to the "
        "one you would least like to. Give every organisation exactly once, one per line, as a numbered list "
        "of names only.\n\n{items}",
    ),
}
Question = Literal["neutral", "donation"]
Method = Literal["pairwise", "active", "ranking", "all"]


class PreferencesConfig(Record):
    """How to ask, for every model of a run: the one record a study file's ``preferences:`` block,
    ``prefgym prefs`` and the dry run all use. Validated before any call, naming a bad field."""

    method: Method = "all"
    samples: int = Field(10, ge=1)  # K: answers per ordered pair
    temperature: float = Field(1.0, ge=0.0)
    max_tokens: int | None = Field(16, ge=1)
    question: Question = "neutral"  # which wording (QUESTIONS); a template below replaces it
    # other wordings asked too, by full pairwise with the same K, only to report how far they agree
    # with ``question`` (stage two uses ``question``'s scores)
    also_ask: list[Question] = Field(default_factory=list)
    # show each entity's description beside its name, in pairwise and ranking prompts alike (the
    # probes of stage two name entities only, so names only is the default)
    describe: bool = False
    system_prompt: str | None = None
    pairwise_template: str | None = None
    ranking_template: str | None = None
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

    @model_validator(mode="after")
    def _templates_render(self) -> PreferencesConfig:
        """A template of one's own that names an unknown field is refused with the study, before a call."""
        probe = Entity(id="x", name="X", description="x")
        for name, render in (("pairwise_template", lambda: self.pairwise_prompt(probe, probe)),
                             ("ranking_template", lambda: self.ranking_prompt([probe]))):
            try:
                render()
            except (KeyError, IndexError, ValueError) as e:
                raise ValueError(f"{name} cannot be filled: {type(e).__name__} {e} "
                                 "(known fields: a, b, a_name, a_description, a_id, b_…; items for rankings)") from None
        return self

    def variant(self, question: str) -> PreferencesConfig:
        """This configuration asking ``question`` instead, pairwise only: an ``also_ask`` comparison."""
        return self.model_copy(update={"question": question, "method": "pairwise", "also_ask": [],
                                       "pairwise_template": None, "ranking_template": None})

    def params(self) -> dict[str, Any]:
        return {"temperature": self.temperature, **({"max_tokens": self.max_tokens} if self.max_tokens else {})}

    def _option(self, e: Entity) -> str:
        return f"{e.name}: {e.description}" if self.describe and e.description else e.name

    def pairwise_prompt(self, a: Entity, b: Entity) -> str:
        template = self.pairwise_template or QUESTIONS[self.question][0]
        return template.format(a=self._option(a), b=self._option(b), a_name=a.name, a_description=a.description,
                               a_id=a.id, b_name=b.name, b_description=b.description, b_id=b.id)

    def ranking_prompt(self, shown: Sequence[Entity]) -> str:
        template = self.ranking_template or QUESTIONS[self.question][1]
        return template.format(items="\n".join(f"- {self._option(e)}" for e in shown))


@dataclass(frozen=True)
class Probe:
    """One model asked as ``config`` says; ``seed`` fixes the ranking orders and active sampling."""

    model: str
    config: PreferencesConfig
    seed: int = 0

    def with_samples(self, samples: int) -> Probe:
        return Probe(self.model, self.config.model_copy(update={"samples": samples}), self.seed)

