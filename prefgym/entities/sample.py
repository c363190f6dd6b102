"""Which entities a study runs when it runs fewer than its catalog has: a seeded, stratified sample.

The first N of a catalog are whatever its author listed first (the built-in one lists global
health first: its first 72 hold no education, arts, AI-safety or libertarian entries), so a
result on them speaks for the top of a file, not for the catalog. A sample stratified by each
entity's first tag (its cause) keeps every cause in proportion, and its seed makes it the same
sample on every rerun. ``first`` keeps the old behaviour for a catalog whose order is deliberate.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Literal

from prefgym.types import Entity

EntitySampling = Literal["stratified", "first"]


def stratum(entity: Entity) -> str:
    return entity.tags[0] if entity.tags else "untagged"


def stratified_sample(entities: list[Entity], n: int, seed: int) -> list[Entity]:
    """``n`` of ``entities``, each stratum in proportion to its size (largest remainders, so every
    stratum gets its floor, and none gets more than one over its share), drawn at random within
    strata by ``seed``; returned in the catalog's order."""
    if n >= len(entities):
        return list(entities)
    strata: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        strata[stratum(e)].append(e)
    rng = random.Random(f"entities:{seed}")
    shares = {k: n * len(v) / len(entities) for k, v in sorted(strata.items())}
    take = {k: int(share) for k, share in shares.items()}
    by_remainder = sorted(shares, key=lambda k: (-(shares[k] - take[k]), rng.random()))
    for k in by_remainder[: n - sum(take.values())]:
        take[k] += 1
    chosen = {e.id for k, members in sorted(strata.items()) for e in rng.sample(members, take[k])}
    return [e for e in entities if e.id in chosen]


def select(entities: list[Entity], n: int | None, how: EntitySampling, seed: int) -> list[Entity]:
    if not n or n >= len(entities):
        return list(entities)
    return entities[:n] if how == "first" else stratified_sample(entities, n, seed)
