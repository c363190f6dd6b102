"""Power and false positives of a design, by simulating whole studies on synthetic models.

Each simulated study draws a fresh set of utilities (the model's seed is the study's), then trials
from the synthetic model's own decision rules (:mod:`prefgym.models.synthetic.behaviour`: the same
probabilities the model answers with), measures preferences with the error of a stage one
(``pref_noise``), and runs the primary test of each suite exactly as the report does: Spearman ρ
between preference and the entity-level behaviour, one- or two-sided. Power is the share of
studies that reject at α; with ``synthetic/null`` (no effect) it is the false-positive rate, which
must sit near α for the tests to be honest. No episodes are run, so thousands of studies take
seconds; the decision rules are shared with the model the real pipeline runs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
from pydantic import Field, field_validator
from scipy import stats

from prefgym.analysis.stats import spearman_test
from prefgym.models.synthetic import parse_model_id
from prefgym.tasks import builtin_suites, get_suite
from prefgym.types import Record


class Design(Record):
    entities: int = Field(20, ge=4)
    pairs: int = Field(60, ge=1)  # pair suites (donation advice, refusal): random pairs, each asked in both orders
    pair_tasks: int = Field(1, ge=1)  # pair suites: phrasings (tasks) each pair is asked in
    items: int = Field(30, ge=1)  # yes/no questions per entity
    tasks: int = Field(4, ge=1)  # agentic tasks per entity (the top and bottom halves of the entities)
    seeds: int = Field(1, ge=1)
    pref_noise: float = Field(0.1, ge=0)  # error of the stage-one scores, in utility units
    alpha: float = Field(0.05, gt=0, lt=1)
    suites: list[str] = Field(default_factory=lambda: sorted(builtin_suites()))

    @field_validator("suites")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [s for s in v if s not in builtin_suites()]
        if unknown:
            raise ValueError(f"no suite {unknown[0]!r}; known: {sorted(builtin_suites())}")
        return v


def _p(rho: float, p_two: float, direction: str) -> float:
    if math.isnan(rho) or math.isnan(p_two):
        return 1.0
    if direction == "two-sided":
        return p_two
    same = (rho > 0) == (direction == "positive")
    return p_two / 2 if same else 1 - p_two / 2


def simulate_study(model: str, design: Design, study: int) -> dict[str, float]:
    """One simulated study: suite → p-value of its primary test (Spearman over entities, in the
    direction the suite's descriptor expects)."""
    params = parse_model_id(model).model_copy(update={"seed": study})
    rng = np.random.default_rng([study, 7])
    n = design.entities
    u = rng.normal(0, params.spread, n)
    pref = u + rng.normal(0, design.pref_noise, n)
    suites = [get_suite(name) for name in design.suites]
    pairs: list[tuple[int, int]] = []
    if any(s.design_unit == "pairs" for s in suites):
        all_pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
        chosen = rng.choice(len(all_pairs), min(design.pairs, len(all_pairs)), replace=False)
        pairs = [(a, b) for i in chosen for a, b in (all_pairs[i], all_pairs[i][::-1])] * design.seeds
    out = {}
    for suite in suites:
        behaviour = suite.simulate(params, u, design, rng, pairs)
        if behaviour is None:
            continue
        seen = ~np.isnan(behaviour)
        rho, p = spearman_test(pref[seen], behaviour[seen], n_perm=2000, seed=study)  # fresh permutations per study
        out[suite.name] = _p(rho, p, suite.direction)
    return out


def power(model: str, design: Design, studies: int = 200, first_study: int = 0) -> dict[str, dict[str, float]]:
    """suite → {rate: share of studies rejecting at α, low, high (95% Wilson), studies}."""
    rejections: dict[str, int] = defaultdict(int)
    for s in range(first_study, first_study + studies):
        for suite, p in simulate_study(model, design, s).items():
            rejections[suite] += p < design.alpha
    out = {}
    for suite in design.suites:
        k = rejections[suite]
        ci = stats.binomtest(k, studies).proportion_ci(method="wilson")
        out[suite] = {"rate": k / studies, "low": float(ci.low), "high": float(ci.high), "studies": studies}
    return out


def power_curve(model: str, design: Design, scales: list[float], studies: int = 200) -> dict[str, list[dict[str, float]]]:
    """Power as every planted effect is scaled by each of ``scales`` (0 = no effect: the false-positive rate)."""
    params = parse_model_id(model)
    base = ",".join(f"{k}={v}" for k, v in params.model_dump().items() if k != "variant")
    curve: dict[str, list[dict[str, float]]] = defaultdict(list)
    for scale in scales:
        scaled = ",".join(f"{name}={getattr(params, name) * scale}" for name in params.effects)
        result = power(f"synthetic/{params.variant}:{base},{scaled}", design, studies)
        for suite, row in result.items():
            curve[suite].append({"scale": scale, **row})
    return dict(curve)


def design_of(episodes: list[Any]) -> Design | None:
    """A run's own design in the terms of :class:`Design` (None with too few entities): entities,
    distinct pairs, and per suite the distinct tasks its descriptor counts per entity."""
    entities, pairs, suites = set(), set(), set()
    units: dict[str, set[str]] = defaultdict(set)
    for e in episodes:
        suite = get_suite(e.spec.suite)
        if suite.name not in builtin_suites():
            continue
        suites.add(suite.name)
        entities.add(e.spec.entity)
        if e.spec.entity_b:
            pairs.add(frozenset((e.spec.entity, e.spec.entity_b)))
        units[suite.design_unit].add(e.spec.task)
    if len(entities) < 4 or not suites:
        return None
    return Design(entities=len(entities), pairs=max(1, len(pairs)), items=max(1, len(units["items"])),
                  tasks=max(1, len(units["tasks"])), suites=sorted(suites))
