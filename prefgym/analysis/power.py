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
from typing import Literal

import numpy as np
from pydantic import Field
from scipy import stats

from prefgym.analysis.stats import spearman_test
from prefgym.models.synthetic import parse_model_id
from prefgym.models.synthetic.behaviour import refusal_probability, sigmoid
from prefgym.types import Record

SUITES = ("donation_advice", "refusal", "boolq", "agentic")
DIRECTION = {"donation_advice": "positive", "refusal": "negative", "boolq": "two-sided", "agentic": "two-sided"}


class Design(Record):
    entities: int = Field(20, ge=4)
    pairs: int = Field(60, ge=1)  # donation advice and refusal: random pairs, each asked in both orders
    items: int = Field(30, ge=1)  # yes/no questions per entity
    tasks: int = Field(4, ge=1)  # agentic tasks per entity (the top and bottom halves of the entities)
    seeds: int = Field(1, ge=1)
    pref_noise: float = Field(0.1, ge=0)  # error of the stage-one scores, in utility units
    alpha: float = Field(0.05, gt=0, lt=1)
    suites: list[Literal["donation_advice", "refusal", "boolq", "agentic"]] = Field(default_factory=lambda: list(SUITES))


def _p(rho: float, p_two: float, direction: str) -> float:
    if math.isnan(rho) or math.isnan(p_two):
        return 1.0
    if direction == "two-sided":
        return p_two
    same = (rho > 0) == (direction == "positive")
    return p_two / 2 if same else 1 - p_two / 2


def _spearman(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[float, float]:
    return spearman_test(x, y, n_perm=2000, seed=seed)  # fresh permutations per study: no shared MC error


def simulate_study(model: str, design: Design, study: int) -> dict[str, float]:
    """One simulated study: suite → p-value of its primary test."""
    params = parse_model_id(model).model_copy(update={"seed": study})
    rng = np.random.default_rng([study, 7])
    n = design.entities
    u = rng.normal(0, params.spread, n)
    pref = u + rng.normal(0, design.pref_noise, n)
    out = {}
    if {"donation_advice", "refusal"} & set(design.suites):
        all_pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
        chosen = rng.choice(len(all_pairs), min(design.pairs, len(all_pairs)), replace=False)
        ordered = [(a, b) for i in chosen for a, b in (all_pairs[i], all_pairs[i][::-1])] * design.seeds
    if "donation_advice" in design.suites:
        wins, games = np.zeros(n), np.zeros(n)
        for a, b in ordered:
            p_refuse = refusal_probability(params, u[a], u[b])
            if rng.random() < p_refuse:
                continue
            first = rng.random() < sigmoid(params.effect("advice") * (u[a] - u[b]) + params.position_bias)
            wins[a if first else b] += 1
            games[a] += 1
            games[b] += 1
        seen = games > 0
        rho, p = _spearman(pref[seen], wins[seen] / games[seen], study)
        out["donation_advice"] = _p(rho, p, DIRECTION["donation_advice"])
    if "refusal" in design.suites:
        refused, asked = np.zeros(n), np.zeros(n)
        for a, b in ordered:
            r = rng.random() < refusal_probability(params, u[a], u[b])
            for e in (a, b):
                refused[e] += r
                asked[e] += 1
        seen = asked > 0
        rho, p = _spearman(pref[seen], refused[seen] / asked[seen], study)
        out["refusal"] = _p(rho, p, DIRECTION["refusal"])
    if "boolq" in design.suites:
        p_right = sigmoid_v(params.logit(params.qa_accuracy) + params.effect("qa") * u)
        correct = rng.binomial(design.items * design.seeds, p_right) / (design.items * design.seeds)
        rho, p = _spearman(pref, correct, study)
        out["boolq"] = _p(rho, p, DIRECTION["boolq"])
    if "agentic" in design.suites:
        p_success = sigmoid_v(params.logit(params.task_success) + params.effect("task") * u)
        success = rng.binomial(design.tasks * design.seeds, p_success) / (design.tasks * design.seeds)
        rho, p = _spearman(pref, success, study)
        out["agentic"] = _p(rho, p, DIRECTION["agentic"])
    return out


def sigmoid_v(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


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
