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
from typing import Any

from prefgym.models import batching, complete
from prefgym.prefs.config import PreferencesConfig, Probe
from prefgym.prefs.matching import RankingAnswer, match_ranking
from prefgym.prefs.parsing import parse_choice
from prefgym.prefs.records import Comparison
from prefgym.prefs.sampling import ActiveSampler, PairT, all_pairs
from prefgym.types import Entity

__all__ = ["PreferencesConfig", "Probe", "RankingAnswer", "ask_pair", "ask_pairs", "ask_ranking", "run_active",
           "run_pairwise", "run_ranking"]


def _messages(cfg: PreferencesConfig, prompt: str) -> list[dict[str, str]]:
    system = [{"role": "system", "content": cfg.system_prompt}] if cfg.system_prompt else []
    return [*system, {"role": "user", "content": prompt}]


Progress = Callable[[int], None]


async def _bounded(jobs: Sequence[Callable[[], Any]], limit: int, progress: Progress | None) -> list[Any]:
    """The jobs, ``limit`` at a time; all at once when calls are batched (a batch is a round's calls)."""
    semaphore = asyncio.Semaphore(max(len(jobs), 1) if batching() else limit)

    async def one(job: Callable[[], Any]) -> Any:
        async with semaphore:
            result = await job()
        if progress:
            progress(1)
        return result

    return await asyncio.gather(*(one(j) for j in jobs))


async def ask_pair(probe: Probe, a: Entity, b: Entity, sample: int) -> Comparison:
    """One forced choice with ``a`` shown first."""
    cfg = probe.config
    completion = await complete(probe.model, _messages(cfg, cfg.pairwise_prompt(a, b)),
                                sample=sample, prefill=cfg.prefill, tags={"probe": "pairwise"}, **cfg.params())
    text = completion.message.content or ""
    if cfg.prefill and text.startswith(cfg.prefill):
        text = text[len(cfg.prefill):]
    return Comparison(first=a.id, second=b.id, outcome=parse_choice(text, names=(a.name, b.name)),
                      sample=sample, raw=completion.message.content or "", model=probe.model)


async def ask_pairs(probe: Probe, entities: dict[str, Entity], pairs: Sequence[PairT],
                    progress: Progress | None = None) -> list[Comparison]:
    """Both orders of every pair, K samples each."""
    jobs = [lambda a=a, b=b, k=k: ask_pair(probe, entities[a], entities[b], k)
            for x, y in pairs for a, b in ((x, y), (y, x)) for k in range(probe.config.samples)]
    return await _bounded(jobs, probe.config.concurrency, progress)


async def run_pairwise(probe: Probe, entities: Sequence[Entity], progress: Progress | None = None) -> list[Comparison]:
    by_id = {e.id: e for e in entities}
    return await ask_pairs(probe, by_id, all_pairs(list(by_id)), progress)


async def run_active(probe: Probe, entities: Sequence[Entity],
                     progress: Progress | None = None) -> tuple[ActiveSampler, list[Comparison]]:
    """Active sampling to its budget; returns the sampler (scores, held-out answers) and every answer."""
    cfg = probe.config
    by_id = {e.id: e for e in entities}
    sampler = ActiveSampler(list(by_id), budget=cfg.active_budget, heldout=cfg.heldout_pairs,
                            policy=cfg.policy, seed=probe.seed)
    answers: list[Comparison] = []
    asking = probe.with_samples(cfg.active_samples)
    while pairs := sampler.next_pairs():
        batch = await ask_pairs(asking, by_id, pairs, progress)
        sampler.add(batch)
        answers += batch
    return sampler, answers


async def ask_ranking(probe: Probe, entities: Sequence[Entity], repeat: int) -> RankingAnswer:
    cfg = probe.config
    shown = list(entities)
    random.Random(f"{probe.seed}:{repeat}").shuffle(shown)  # a fresh order each repeat: no list-position effect
    params = cfg.params()
    params["max_tokens"] = cfg.ranking_max_tokens or 16 * len(shown) + 32
    completion = await complete(probe.model, _messages(cfg, cfg.ranking_prompt(shown)),
                                sample=repeat, tags={"probe": "ranking"}, **params)
    raw = completion.message.content or ""
    return RankingAnswer(repeat=repeat, shown=[e.id for e in shown], raw=raw,
                         parse=match_ranking(raw, {e.id: e.name for e in shown}), model=probe.model)


async def run_ranking(probe: Probe, entities: Sequence[Entity], progress: Progress | None = None) -> list[RankingAnswer]:
    jobs = [lambda r=r: ask_ranking(probe, entities, r) for r in range(probe.config.ranking_repeats)]
    return await _bounded(jobs, probe.config.concurrency, progress)
