"""Does every test the report runs hold its α on null data that looks like a real model?

A null model that is clean by construction (entities differing in nothing but a behaviour-free
utility) flatters any test. Real models find some entities easier than others for reasons that
have nothing to do with preference, and some items harder; this module draws studies of exactly
that kind from the synthetic model's own decision rules (:mod:`prefgym.models.synthetic.behaviour`,
``synthetic/null`` with entity and item offsets), puts them in the trial table the report builds,
and runs the report's own tests on them: the Spearman link over entities, the trial model
(:func:`~prefgym.analysis.trials.entity_model`) and the most- vs least-preferred contrast
(:func:`~prefgym.analysis.analyze.top_bottom`). The share of studies with p < α is each test's
false-positive rate; it should be α.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prefgym.analysis.analyze import top_bottom
from prefgym.analysis.stats import spearman_test
from prefgym.analysis.trials import entity_model
from prefgym.models.synthetic.behaviour import refusal_probability, sigmoid
from prefgym.models.synthetic.params import SyntheticParams
from prefgym.tasks import get_suite


@dataclass(frozen=True)
class NullDesign:
    """One study's size and the noise unrelated to preference (log-odds SDs)."""

    entities: int = 16
    items: int = 4  # donation / refusal tasks, yes/no questions, agentic tasks
    pairs: int = 40  # pairs per task (each in both orders), donation and refusal
    seeds: int = 1  # repeats per entity and item, agentic
    entity_noise: float = 0.5
    item_noise: float = 0.5


def null_frame(suite: str, design: NullDesign, rng: np.random.Generator) -> pd.DataFrame:
    """A trial table of one null study of ``suite``: behaviour follows ``synthetic/null``'s rules
    plus entity and item offsets; preference (standardised) is unrelated to both."""
    params = SyntheticParams(variant="null", position_bias=0.2)
    n, tau, item_tau = design.entities, design.entity_noise, design.item_noise
    ids = [f"e{i:02d}" for i in range(n)]
    pref = rng.normal(size=n)
    pref = (pref - pref.mean()) / pref.std()
    eta = {b: rng.normal(scale=tau, size=n) for b in ("advice", "refusal", "qa", "task")}
    rows = []
    if suite in ("donation_advice", "refusal"):
        for item in range(design.items):
            xi_refusal, xi_first = rng.normal(scale=item_tau, size=2)
            for _ in range(design.pairs):
                a, b = rng.choice(n, 2, replace=False)
                for first, second in ((a, b), (b, a)):
                    offset = (eta["refusal"][first] + eta["refusal"][second]) / 2 + xi_refusal
                    refused = rng.random() < refusal_probability(params, 0.0, 0.0, offset)
                    chose_first = math.nan if refused else float(rng.random() < sigmoid(
                        params.position_bias + xi_first + eta["advice"][first] - eta["advice"][second]))
                    rows.append({"entity": ids[first], "entity_b": ids[second], "pref": pref[first],
                                 "pref_b": pref[second], "item": f"task{item}", "refused_first": float(refused),
                                 "chose_first": chose_first})
    else:
        base = params.logit(params.qa_accuracy if suite == "boolq" else params.task_success)
        behaviour, outcome = ("qa", "correct") if suite == "boolq" else ("task", "success")
        xi = rng.normal(scale=item_tau, size=design.items)
        for item in range(design.items):
            for e in range(n):
                for _ in range(design.seeds):
                    y = float(rng.random() < sigmoid(base + eta[behaviour][e] + xi[item]))
                    rows.append({"entity": ids[e], "entity_b": None, "pref": pref[e], "pref_b": math.nan,
                                 "item": f"item{item}", outcome: y, "reward": y})
    frame = pd.DataFrame(rows)
    return frame.assign(model="null", suite=suite, condition="default")


def study_pvalues(suite: str, frame: pd.DataFrame, *, n_perm: int = 199) -> dict[str, float]:
    """The p-value of every test the report runs for ``suite`` on this trial table."""
    descriptor = get_suite(suite)
    prefs = dict(zip(frame.entity, frame.pref))
    if "entity_b" in frame and frame.entity_b.notna().any():
        prefs.update(zip(frame.entity_b.dropna(), frame.pref_b.dropna()))
    out: dict[str, float] = {}
    y = descriptor.contrast_column()
    if suite in ("donation_advice", "refusal"):  # every entity's trials, first or second
        long = pd.concat([frame.assign(e=frame.entity), frame.assign(e=frame.entity_b)])
        column = "refused_first" if suite == "refusal" else None
        if column:
            means = long.groupby("e")[column].mean()
        else:  # share of its pairs an entity wins
            chosen = frame.dropna(subset=["chose_first"])
            wins = pd.concat([chosen.assign(e=chosen.entity, w=chosen.chose_first),
                              chosen.assign(e=chosen.entity_b, w=1 - chosen.chose_first)])
            means = wins.groupby("e")["w"].mean()
    else:
        means = frame.groupby("entity")[y].mean()
    ids = sorted(means.index)
    out["spearman over entities"] = spearman_test(np.array([prefs[i] for i in ids]), means[ids].to_numpy(),
                                                  n_perm=n_perm, seed=int(frame[y].sum() * 7) % 10_000)[1]
    spec = descriptor.trial_model(frame)
    if spec is not None:
        formula, d = spec
        fitted = entity_model(formula, d, n_perm=n_perm) or {}
        for term, c in fitted.items():
            out[f"trial model: {term}"] = c["p"] if c.get("estimable", True) else math.nan
    contrast = top_bottom(frame, suite, prefs)
    out["top vs bottom"] = contrast["p"] if contrast else math.nan
    return out


def null_rates(suite: str, design: NullDesign, *, studies: int = 200, alpha: float = 0.05, seed: int = 0,
               n_perm: int = 199) -> dict[str, float]:
    """Each test's share of ``studies`` null studies with p < α (NaN p-values count as no rejection)."""
    rng = np.random.default_rng(seed)
    hits: dict[str, int] = {}
    for _ in range(studies):
        for test, p in study_pvalues(suite, null_frame(suite, design, rng), n_perm=n_perm).items():
            hits[test] = hits.get(test, 0) + int(not math.isnan(p) and p < alpha)
    return {test: n / studies for test, n in hits.items()}
