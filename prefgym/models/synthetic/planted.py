"""The hidden truth of a synthetic model: one utility per entity, and ``planted.json`` that reveals it.

A utility depends only on the model's seed and the entity's id (a normal draw seeded by their
hash), so it is the same in every process, for any catalog, and adding entities changes no one
else's. ``planted.json`` is written beside every ``calls.jsonl`` a synthetic model answered into, so
analysis can compare what it recovered with what was planted.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
from pathlib import Path
from typing import Any

from prefgym.models.synthetic.knowledge import known_entity_ids
from prefgym.models.synthetic.params import SyntheticParams, parse_model_id


def rng_for(params: SyntheticParams, *parts: Any) -> random.Random:
    """A generator fixed by the model's seed and ``parts``: same inputs, same draws, any process."""
    blob = json.dumps([params.seed, *parts], sort_keys=True, default=str, ensure_ascii=False)
    return random.Random(int.from_bytes(hashlib.sha256(blob.encode()).digest()[:8], "big"))


def utility(params: SyntheticParams, entity_id: str) -> float:
    return params.spread * rng_for(params, "utility", entity_id).gauss(0.0, 1.0)


def planted(model: str, entity_ids: list[str] | None = None) -> dict[str, Any]:
    """What analysis may compare against: utilities per entity, effect sizes, every parameter."""
    params = parse_model_id(model)
    ids = entity_ids if entity_ids is not None else known_entity_ids()
    return {"model": model, "variant": params.variant, "effects": params.effects,
            "params": params.model_dump(), "utilities": {eid: utility(params, eid) for eid in ids}}


_written: set[tuple[str, str]] = set()
_write_lock = threading.Lock()


def write_planted(directory: str | Path, model: str) -> Path:
    """Add ``model``'s truth to ``directory/planted.json`` (a map model id → :func:`planted`)."""
    path = Path(directory) / "planted.json"
    with _write_lock:
        if (str(path), model) in _written and path.exists():
            return path
        data = json.loads(path.read_text()) if path.exists() else {}
        data[model] = planted(model)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(path)
        _written.add((str(path), model))
    return path
