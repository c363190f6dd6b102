"""Asking a model what it prefers: pairwise forced choice, active sampling, and direct ranking.

Every question is its own conversation (a fresh context: no answer can lean on an earlier one),
sent through :mod:`prefgym.models`, so it is cached, retried, capped and recorded like any call.
Both orders of every pair are asked, K samples each (the sample index keys the cache, so a rerun
is free). Answers that cannot be read, and refusals, are kept as data (see ``records.py``).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import Field

from prefgym.models import complete
from prefgym.prefs.matching import RankingParse, match_ranking
from prefgym.prefs.parsing import parse_choice
from prefgym.prefs.records import Comparison, Policy
from prefgym.prefs.sampling import ActiveSampler, PairT, all_pairs
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


class PrefsConfig(Record):
    """How to ask. Validated before any call, so a typo fails at once, naming the field."""

    model: str
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
    seed: int = 0

    def params(self) -> dict[str, Any]:
        return {"temperature": self.temperature, **({"max_tokens": self.max_tokens} if self.max_tokens else {})}


def _messages(cfg: PrefsConfig, prompt: str) -> list[dict[str, str]]:
    system = [{"role": "system", "content": cfg.system_prompt}] if cfg.system_prompt else []
    return [*system, {"role": "user", "content": prompt}]


def pairwise_prompt(template: str, a: Entity, b: Entity) -> str:
    return template.format(a_name=a.name, a_description=a.description, a_id=a.id,
                           b_name=b.name, b_description=b.description, b_id=b.id)


class RankingAnswer(Record):
    """One direct ranking (one line of ``ranking.jsonl``)."""

    repeat: int
    shown: list[str]  # ids in the order presented
    raw: str
    parse: RankingParse
    model: str


Progress = Callable[[int], None]


async def _bounded(jobs: Sequence[Callable[[], Any]], limit: int, progress: Progress | None) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Any]) -> Any:
        async with semaphore:
            result = await job()
        if progress:
            progress(1)
        return result

    return await asyncio.gather(*(one(j) for j in jobs))


async def ask_pair(cfg: PrefsConfig, a: Entity, b: Entity, sample: int) -> Comparison:
    """One forced choice with ``a`` shown first."""
    completion = await complete(cfg.model, _messages(cfg, pairwise_prompt(cfg.pairwise_template, a, b)),
                                sample=sample, prefill=cfg.prefill, tags={"probe": "pairwise"}, **cfg.params())
    text = completion.message.content or ""
    if cfg.prefill and text.startswith(cfg.prefill):
        text = text[len(cfg.prefill):]
    return Comparison(first=a.id, second=b.id, outcome=parse_choice(text, names=(a.name, b.name)),
                      sample=sample, raw=completion.message.content or "", model=cfg.model)


async def ask_pairs(cfg: PrefsConfig, entities: dict[str, Entity], pairs: Sequence[PairT],
                    progress: Progress | None = None) -> list[Comparison]:
    """Both orders of every pair, K samples each."""
    jobs = [lambda a=a, b=b, k=k: ask_pair(cfg, entities[a], entities[b], k)
            for x, y in pairs for a, b in ((x, y), (y, x)) for k in range(cfg.samples)]
    return await _bounded(jobs, cfg.concurrency, progress)


async def run_pairwise(cfg: PrefsConfig, entities: Sequence[Entity], progress: Progress | None = None) -> list[Comparison]:
    by_id = {e.id: e for e in entities}
    return await ask_pairs(cfg, by_id, all_pairs(list(by_id)), progress)


async def run_active(cfg: PrefsConfig, entities: Sequence[Entity],
                     progress: Progress | None = None) -> tuple[ActiveSampler, list[Comparison]]:
    """Active sampling to its budget; returns the sampler (scores, held-out answers) and every answer."""
    by_id = {e.id: e for e in entities}
    sampler = ActiveSampler(list(by_id), budget=cfg.active_budget, heldout=cfg.heldout_pairs,
                            policy=cfg.policy, seed=cfg.seed)
    answers: list[Comparison] = []
    asking = cfg.model_copy(update={"samples": cfg.active_samples})
    while pairs := sampler.next_pairs():
        batch = await ask_pairs(asking, by_id, pairs, progress)
        sampler.add(batch)
        answers += batch
    return sampler, answers


async def ask_ranking(cfg: PrefsConfig, entities: Sequence[Entity], repeat: int) -> RankingAnswer:
    shown = list(entities)
    random.Random(f"{cfg.seed}:{repeat}").shuffle(shown)  # a fresh order each repeat: no list-position effect
    items = "\n".join(f"- {e.name}" for e in shown)
    params = cfg.params()
    params["max_tokens"] = cfg.ranking_max_tokens or 16 * len(shown) + 32
    completion = await complete(cfg.model, _messages(cfg, cfg.ranking_template.format(items=items)),
                                sample=repeat, tags={"probe": "ranking"}, **params)
    raw = completion.message.content or ""
    return RankingAnswer(repeat=repeat, shown=[e.id for e in shown], raw=raw,
                         parse=match_ranking(raw, {e.id: e.name for e in shown}), model=cfg.model)


async def run_ranking(cfg: PrefsConfig, entities: Sequence[Entity], progress: Progress | None = None) -> list[RankingAnswer]:
    jobs = [lambda r=r: ask_ranking(cfg, entities, r) for r in range(cfg.ranking_repeats)]
    return await _bounded(jobs, cfg.concurrency, progress)
