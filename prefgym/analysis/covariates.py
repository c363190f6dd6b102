"""Entity covariates: what else distinguishes the entities a model prefers.

A preference that tracks name length, description length or cause is a preference a behaviour
may follow for that reason instead; a reader needs to see it before reading a link as the model
favouring *those* entities. Each is tested with the entity as the unit: Spearman over entities
for the lengths, Kruskal–Wallis over causes (each entity's first tag) for the cause.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from prefgym.analysis.stats import spearman_link
from prefgym.entities import Catalog, load_catalog
from prefgym.entities.sample import stratum
from prefgym.errors import ConfigError


def run_catalog(source: str | None) -> Catalog | None:
    """The run's catalog, read once for both uses below (None when it is not where the manifest
    says: a run moved elsewhere)."""
    if not source or not Path(source).is_file():
        return None
    try:
        return load_catalog(source)
    except ConfigError:
        return None


def covariate_values(catalog: Catalog | None) -> dict[str, dict[str, float]] | None:
    """name → entity → value, for the trial models' adjustment."""
    if catalog is None:
        return None
    return {"name_len": {e.id: float(len(e.name)) for e in catalog.entities},
            "desc_len": {e.id: float(len(e.description)) for e in catalog.entities}}


def entity_covariates(prefs: dict[str, float], catalog: Catalog | None) -> dict[str, Any] | None:
    if not prefs or catalog is None:
        return None
    entities = {e.id: e for e in catalog.entities if e.id in prefs}
    if len(entities) < 4:
        return None
    lengths = covariate_values(catalog)  # spearman_link pairs them with prefs by entity
    out: dict[str, Any] = {"name length": spearman_link(prefs, lengths["name_len"]),
                           "description length": spearman_link(prefs, lengths["desc_len"])}
    groups: dict[str, list[float]] = defaultdict(list)
    for k, e in entities.items():
        groups[stratum(e)].append(prefs[k])
    several = [g for g in groups.values() if len(g) >= 2]
    if len(several) >= 2:
        from scipy import stats as st

        out["cause"] = {"p": float(st.kruskal(*several).pvalue), "causes": len(several),
                        "means": {c: sum(v) / len(v) for c, v in sorted(groups.items())}}
    return out
