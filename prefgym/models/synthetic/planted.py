"""The hidden truth of a synthetic model: one utility per entity, and the record that reveals it.

A utility depends only on the model's seed and the entity's id (a normal draw seeded by their
hash), so it is the same in every process, for any catalog, and adding entities changes no one
else's. :func:`planted` is what analysis compares its estimates with; whoever owns a run folder
writes it there (from :func:`prefgym.models.model_truth`), the model never writes files.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from typing import Any

from prefgym.models.synthetic.params import SyntheticParams, parse_model_id


def rng_for(params: SyntheticParams, *parts: Any) -> random.Random:
    """A generator fixed by the model's seed and ``parts``: same inputs, same draws, any process."""
    blob = json.dumps([params.seed, *parts], sort_keys=True, default=str, ensure_ascii=False)
    return random.Random(int.from_bytes(hashlib.sha256(blob.encode()).digest()[:8], "big"))


def utility(params: SyntheticParams, entity_id: str) -> float:
    return params.spread * rng_for(params, "utility", entity_id).gauss(0.0, 1.0)


def entity_offset(params: SyntheticParams, entity_id: str, behaviour: str) -> float:
    """An entity's log-odds offset in one behaviour, unrelated to its utility (``entity_noise``)."""
    if not params.entity_noise:
        return 0.0
    return params.entity_noise * rng_for(params, "entity_noise", behaviour, entity_id).gauss(0.0, 1.0)


def item_offset(params: SyntheticParams, item: str) -> float:
    """An item's (question's, task's, request's) log-odds difficulty offset (``item_noise``)."""
    if not params.item_noise:
        return 0.0
    return params.item_noise * rng_for(params, "item_noise", item).gauss(0.0, 1.0)


def planted(model: str, entity_ids: Iterable[str]) -> dict[str, Any]:
    """What analysis may compare against: utilities per entity, effect sizes, every parameter."""
    params = parse_model_id(model)
    return {"model": model, "variant": params.variant, "effects": params.effects,
            "params": params.model_dump(), "utilities": {eid: utility(params, eid) for eid in entity_ids}}
