"""From episodes to one behaviour number per entity, per model and suite (each suite's descriptor
says which numbers: :meth:`prefgym.tasks.Suite.entity_measures`), and how the episodes ended."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Any

from prefgym.tasks import get_suite
from prefgym.types import Episode


def per_entity(suite: str, episodes: list[Episode]) -> dict[str, dict[str, float]]:
    """measure name → entity id → value."""
    return get_suite(suite).entity_measures(episodes)


def trial_counts(episodes: list[Episode]) -> dict[str, Any]:
    """How many episodes, how many gave a valid answer (coverage), and how they ended."""
    ends: dict[str, int] = defaultdict(int)
    for e in episodes:
        ends[e.termination.reason.value] += 1
    measured = [e for e in episodes if "valid" in e.measurements]
    coverage = mean(float(e.measurements["valid"]) for e in measured) if measured else None
    return {"episodes": len(episodes), "coverage": coverage, "terminations": dict(ends)}
