"""Power of a study's own plan, suite by suite, in percentage points: before money is spent.

Each suite of a study gets its own design from its plan: the entities it really runs (all of the
catalog, a list, or the top and bottom of stage one's ranking out of the whole catalog), its
tasks or items, pairs, seeds; and the noise a real model has (``entity_noise`` and ``item_noise``,
log-odds SDs unrelated to preference, and the error of stage one's scores). A simulated study
draws utilities for the whole catalog, ranks them with that error, keeps the entities the plan
keeps, plays the suite's trials by the synthetic model's rules (the descriptor's ``simulate``)
with its effect set to β, and runs the report's primary test on them (Spearman over entities,
permutation p, in the suite's direction).

An effect is stated as what the report's contrast would show: the gap, in percentage points, in
the suite's entity-level rate between its k most and k least preferred entities (k ≤ 5). For each
β on a grid the simulation gives both the mean gap and the power; the power at a gap, and the
minimum detectable gap (80% power), are read off that curve by interpolation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import Field

from prefgym.analysis.power import Design, _p
from prefgym.analysis.stats import spearman_test
from prefgym.models.synthetic import SyntheticParams
from prefgym.models.synthetic.params import BEHAVIOURAL_EFFECTS
from prefgym.tasks import get_suite
from prefgym.types import Record

BETAS = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
GAPS_PP = (1.0, 5.0, 10.0, 15.0)
TOP_K = 5


class Assumptions(Record):
    """What a real model is assumed to add to the plan's trials (log-odds SDs; utility units)."""

    entity_noise: float = Field(0.5, ge=0)
    item_noise: float = Field(0.5, ge=0)
    pref_noise: float = Field(0.3, ge=0)
    alpha: float = Field(0.05, gt=0, lt=1)
    power: float = Field(0.8, gt=0, lt=1)


class SuiteDesign(Record):
    suite: str
    catalog: int = Field(ge=2)  # entities stage one ranks
    top: int | None = None  # the plan's top and bottom of that ranking (None: every entity it names)
    bottom: int | None = None
    entities: int = Field(ge=2)  # entities the suite runs
    tasks: int = Field(1, ge=1)  # tasks, questions, phrasings of the request
    pairs: int = Field(1, ge=1)  # pair suites: pairs per task, each in both orders
    seeds: int = Field(1, ge=1)


def suite_designs(study: Any, catalog_size: int, task_counts: dict[str, int]) -> list[SuiteDesign]:
    """One design per plan of ``study`` (a StudyConfig), with ``task_counts``: suite → the number
    of tasks (or items) its plan runs."""
    from prefgym.runner.specs import Extremes

    out = []
    for plan in study.suites:
        top = bottom = None
        if isinstance(plan.entities, Extremes):
            top, bottom, entities = plan.entities.top, plan.entities.bottom, plan.entities.top + plan.entities.bottom
        elif isinstance(plan.entities, list):
            entities = len(plan.entities)
        else:
            entities = catalog_size
        n_pairs = entities * (entities - 1) // 2
        pairs = n_pairs if plan.pairs == "all" else min(int(plan.pairs), n_pairs)
        out.append(SuiteDesign(suite=plan.suite, catalog=max(catalog_size, entities), top=top, bottom=bottom,
                               entities=entities, tasks=max(1, task_counts.get(plan.suite, 1)), pairs=max(1, pairs),
                               seeds=plan.seeds))
    return out


def designs_of_run(episodes: list[Any], config: dict[str, Any], ranked: int) -> list[SuiteDesign]:
    """Each suite of a finished run as a power design: the entities, tasks, pairs and seeds its
    episodes really had, and (from the run's configuration) whether its entities were the top and
    bottom of stage one's ranking of ``ranked`` entities."""
    by_suite: dict[str, dict[str, set]] = {}
    for e in episodes:
        s = e.spec
        if s.condition != "default":
            continue  # a control's runs say nothing of the entity-level design
        d = by_suite.setdefault(s.suite, {"entities": set(), "tasks": set(), "pairs": set(), "seeds": set()})
        d["entities"].update(x for x in (s.entity, s.entity_b) if x)
        d["tasks"].add((s.task, s.instance))  # a family's instances are distinct items
        d["seeds"].add(s.seed)
        if s.entity_b:
            d["pairs"].add((s.task, frozenset((s.entity, s.entity_b))))
    extremes = {p.get("suite"): p.get("entities") for p in config.get("suites") or [] if isinstance(p, dict)}
    out = []
    for suite, d in sorted(by_suite.items()):
        n = len(d["entities"])
        if n < 4:
            continue
        pick = extremes.get(suite)
        top, bottom = (pick.get("top"), pick.get("bottom")) if isinstance(pick, dict) else (None, None)
        out.append(SuiteDesign(suite=suite, catalog=max(ranked, n), top=top, bottom=bottom, entities=n,
                               tasks=len(d["tasks"]), pairs=max(1, len(d["pairs"]) // max(1, len(d["tasks"]))),
                               seeds=len(d["seeds"])))
    return out


def _params(suite: str, beta: float, a: Assumptions) -> SyntheticParams:
    """``synthetic/planted`` with this suite's first effect set to β and every other effect to 0."""
    descriptor = get_suite(suite)
    effects = {name: 0.0 for name in BEHAVIOURAL_EFFECTS}
    if descriptor.effects:
        effects[descriptor.effects[0]] = beta
    return SyntheticParams(entity_noise=a.entity_noise, item_noise=a.item_noise, **effects)


def _study(d: SuiteDesign, beta: float, a: Assumptions, rng: np.random.Generator, seed: int) -> tuple[float, float]:
    """One simulated study: (its contrast gap in the suite's direction, its primary p-value)."""
    descriptor = get_suite(d.suite)
    params = _params(d.suite, beta, a)
    u_all = rng.normal(0.0, params.spread, d.catalog)
    pref_all = u_all + rng.normal(0.0, a.pref_noise, d.catalog)
    if d.top is not None:
        order = np.argsort(-pref_all)
        keep = np.concatenate([order[: d.top], order[len(order) - (d.bottom or 0):]]) if d.bottom else order[: d.top]
    else:
        keep = rng.choice(d.catalog, d.entities, replace=False)
    u, pref = u_all[keep], pref_all[keep]
    n = len(u)
    pairs: list[tuple[int, int]] = []
    if descriptor.design_unit == "pairs":
        every = [(i, j) for i in range(n) for j in range(i + 1, n)]
        chosen = rng.choice(len(every), min(d.pairs, len(every)), replace=False)
        pairs = [p for c in chosen for p in (every[c], every[c][::-1])] * d.seeds
    design = Design(entities=max(n, 4), pairs=d.pairs, pair_tasks=d.tasks, items=d.tasks, tasks=d.tasks,
                    seeds=1 if pairs else d.seeds, suites=[d.suite])
    measure = descriptor.simulate(params, u, design, rng, pairs)
    seen = ~np.isnan(measure)
    rho, p_two = spearman_test(pref[seen], measure[seen], n_perm=999, seed=seed)
    ranked = np.argsort(pref[seen])
    k = min(TOP_K, seen.sum() // 2)
    values = measure[seen][ranked]
    gap = float(values[-k:].mean() - values[:k].mean()) if k else math.nan
    sign = -1.0 if descriptor.direction == "negative" else 1.0
    return sign * gap, _p(rho, p_two, descriptor.direction)


def power_curve_pp(d: SuiteDesign, a: Assumptions | None = None, *, studies: int = 200,
                   betas: tuple[float, ...] = BETAS, seed: int = 0) -> list[dict[str, float]]:
    """Per β: the mean gap (percentage points) and the power of the primary test."""
    a = a or Assumptions()
    rows = []
    for b_index, beta in enumerate(betas):
        rng = np.random.default_rng([seed, b_index, 17])
        gaps, hits = [], 0
        for s in range(studies):
            gap, p = _study(d, beta, a, rng, seed * 1_000_003 + b_index * 10_007 + s)
            gaps.append(gap)
            hits += p < a.alpha
        rows.append({"beta": beta, "gap_pp": 100 * float(np.nanmean(gaps)), "power": hits / studies})
    return rows


def _interpolate(xs: list[float], ys: list[float], x: float) -> float:
    """y at x on the piecewise-linear curve through (xs, ys), xs increasing; NaN beyond its end."""
    if x <= xs[0]:
        return ys[0]
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y1
    return math.nan


def summarise(curve: list[dict[str, float]], a: Assumptions | None = None,
              gaps: tuple[float, ...] = GAPS_PP) -> dict[str, Any]:
    """Power at each gap (pp), the minimum detectable gap at the assumed power, the false-positive
    rate (β = 0)."""
    a = a or Assumptions()
    rising = []  # the curve made monotone in the gap (simulation noise can wiggle it)
    for row in sorted(curve, key=lambda r: r["beta"]):
        if not rising or row["gap_pp"] > rising[-1]["gap_pp"]:
            rising.append({**row, "power": max(row["power"], rising[-1]["power"] if rising else 0.0)})
    xs, ys = [r["gap_pp"] for r in rising], [r["power"] for r in rising]
    mde = next((_interpolate(ys, xs, a.power) for _ in [0] if ys[-1] >= a.power), math.nan)
    return {"false_positive": curve[0]["power"] if curve and curve[0]["beta"] == 0 else math.nan,
            "power_at": {f"{g:g}": _interpolate(xs, ys, g) for g in gaps},
            "mde_pp": mde, "largest_gap_simulated_pp": xs[-1] if xs else math.nan}


def plan_power(designs: list[SuiteDesign], a: Assumptions | None = None, *, studies: int = 200,
               gaps: tuple[float, ...] = GAPS_PP) -> list[dict[str, Any]]:
    """One row per suite design: the design, its simulated curve, and :func:`summarise` of it."""
    a = a or Assumptions()
    rows = []
    for d in designs:
        curve = power_curve_pp(d, a, studies=studies)
        rows.append({"design": d.model_dump(), "curve": curve, **summarise(curve, a, gaps)})
    return rows
