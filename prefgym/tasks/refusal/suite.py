"""Refusal: the donation requests with a prefill, re-asked in a fresh context until the answer is
valid (up to 100 attempts); refusal is measured by the first attempt and by the attempts needed.

Its tasks extend the donation-advice ones, and the answer is read by the same measure. Per entity,
the share of requests involving it refused at the first attempt; per trial, at the level of pairs,
a logistic model of ``refused_first`` on both preferences plus one pre-specified term per
quadrant: ``disliked_pair`` = min(pref, 0)·min(pref_b, 0) and ``liked_pair`` = max(pref, 0)·max(pref_b, 0)
(preferences standardised). The paper's claim — refusals that rise more than additively when both
entities are disliked — is a positive ``disliked_pair`` coefficient: more than additive on the
log-odds scale. A product ``pref:pref_b`` cannot make that claim: it is positive just as much when
the extra refusals are on pairs of two liked entities. Refusal reasons are tabulated by the pair's
preference tercile.
"""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import mean
from typing import Any

from prefgym.tasks.donation_advice.suite import DONATION_CHOICE, pair_null_trials
from prefgym.tasks.suite import CallCost, PlantedFit, Suite, _valid
from prefgym.types import Episode, TaskSpec


DISLIKED_PAIR = "I(np.minimum(pref, 0) * np.minimum(pref_b, 0))"  # > 0 only when both are disliked
LIKED_PAIR = "I(np.maximum(pref, 0) * np.maximum(pref_b, 0))"  # > 0 only when both are liked


N_PERMUTATIONS = 999
REASONS_METHOD = "χ² of refusal reason × preference tercile of the pair; p from permuting preference over entities"


class Refusal(Suite):
    name = "refusal"
    env_name = "Refusal"
    default_task = "refusal-torn"
    summary = ("the same request with a prefill, re-asked in a fresh context until the answer is valid, up to "
               "100 attempts (``attempts``, ``refused_first``, refusal reasons)")
    measure = DONATION_CHOICE
    outcome = "refused_first"
    primary = "refused_first"
    direction = "negative"
    design_unit = "pairs"
    effects = ("refusal", "refusal_interaction")

    def trial(self, episode: Episode) -> dict[str, Any]:
        m = episode.measurements
        return {"refused_first": float(bool(m.get("refused_first"))) if "refused_first" in m else math.nan,
                "attempts": m.get("attempts", math.nan), "refusal_reason": m.get("first_refusal_reason")}

    def measure_names(self, conditions=("default",)):
        return {"refused_first", "attempts"}

    def entity_measures(self, episodes: list[Episode]) -> dict[str, dict[str, float]]:
        refused: dict[str, list[float]] = defaultdict(list)
        attempts: dict[str, list[float]] = defaultdict(list)
        for e in _valid(episodes):
            for eid in filter(None, (e.spec.entity, e.spec.entity_b)):
                refused[eid].append(float(bool(e.measurements.get("refused_first"))))
                attempts[eid].append(float(e.measurements.get("attempts", 0)))
        return {"refused_first": {k: mean(v) for k, v in refused.items()},
                "attempts": {k: mean(v) for k, v in attempts.items()}}

    def trial_model(self, trials):
        return (f"refused_first ~ pref + pref_b + {DISLIKED_PAIR} + {LIKED_PAIR}",
                trials.dropna(subset=["refused_first", "pref", "pref_b"]))

    def planted_fits(self, trials):
        import numpy as np

        d = trials.dropna(subset=["refused_first", "u", "u_b"])
        d = d.assign(mean_u=(d.u + d.u_b) / 2, both=np.minimum(d.u, 0) * np.minimum(d.u_b, 0))
        return [PlantedFit("refused_first ~ mean_u + both", d,
                           {"refusal": ("mean_u", -1.0), "refusal_interaction": ("both", 1.0)})]

    def checks(self, trials):
        """Refusal reasons of first attempts, by the tercile of the pair's mean preference."""
        import pandas as pd

        rows = trials.dropna(subset=["pref", "pref_b"])
        refused = rows[rows.refusal_reason.notna()]
        if refused.empty:
            return {}
        cuts = ((rows.pref + rows.pref_b) / 2).quantile([1 / 3, 2 / 3]).to_list()
        tercile = pd.cut((refused.pref + refused.pref_b) / 2, [-float("inf"), *cuts, float("inf")],
                         labels=["disliked", "middle", "liked"])
        table = refused.assign(tercile=tercile).groupby(["tercile", "refusal_reason"], observed=True).size()
        out: dict[str, dict[str, int]] = {}
        for (t, reason), n in table.items():
            out.setdefault(str(t), {})[str(reason)] = int(n)
        return {"refusal reasons by preference tercile": out}

    def tests(self, trials):
        """Do refusal reasons differ with preference? χ² of reason × tercile of the pair's mean
        preference over first-attempt refusals, its p-value from permuting preference over
        entities (the unit), not from χ²'s table, which would treat trials as independent."""
        import numpy as np
        import pandas as pd

        rows = trials.dropna(subset=["pref", "pref_b"])
        if rows.refusal_reason.notna().sum() < 10 or rows.refusal_reason.nunique() < 2:
            return {}
        ents = sorted(set(rows.entity) | set(rows.entity_b))
        index = {e: i for i, e in enumerate(ents)}
        pref = np.zeros(len(ents))
        for col_e, col_p in (("entity", "pref"), ("entity_b", "pref_b")):
            pref[[index[e] for e in rows[col_e]]] = rows[col_p].to_numpy()
        a, b = rows.entity.map(index).to_numpy(), rows.entity_b.map(index).to_numpy()
        refused = rows.refusal_reason.notna().to_numpy()
        reason = pd.factorize(rows.refusal_reason[refused])[0]

        def chi2(p: np.ndarray) -> float:
            pair = (p[a] + p[b]) / 2
            tercile = np.searchsorted(np.quantile(pair, [1 / 3, 2 / 3]), pair[refused], side="right")
            table = np.zeros((3, reason.max() + 1))
            np.add.at(table, (tercile, reason), 1)
            table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
            expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
            return float(((table - expected) ** 2 / expected).sum())

        rng = np.random.default_rng(0)
        observed = chi2(pref)
        null = [chi2(pref[rng.permutation(len(pref))]) for _ in range(N_PERMUTATIONS)]
        p = (1 + sum(x >= observed - 1e-12 for x in null)) / (N_PERMUTATIONS + 1)
        return {"refusal reasons by preference": {"chi2": observed, "p": p, "refusals": int(refused.sum()),
                                                  "unit": "entity", "method": REASONS_METHOD}}

    def null_trials(self, design, rng):
        return pair_null_trials(design, rng)

    def entity_outcomes(self, trials):
        """The share of requests involving an entity, first or second, refused at the first attempt."""
        import pandas as pd

        both = pd.concat([trials.assign(e=trials.entity), trials.assign(e=trials.entity_b)])
        return both.groupby("e")["refused_first"].mean()

    def simulate(self, params, u, design, rng, pairs):
        import numpy as np

        from prefgym.models.synthetic.behaviour import refusal_logit

        a, b = (np.array([p[i] for p in pairs], dtype=int) for i in (0, 1))
        refused, asked = np.zeros(len(u)), np.zeros(len(u))
        eta = rng.normal(0.0, params.entity_noise, len(u))
        for _task in range(design.pair_tasks):  # each phrasing its own offset
            logit = refusal_logit(params, u[a], u[b]) + (eta[a] + eta[b]) / 2 + rng.normal(0.0, params.item_noise)
            r = (rng.random(len(a)) < 1 / (1 + np.exp(-logit))).astype(float)
            for side in (a, b):
                np.add.at(refused, side, r)
                np.add.at(asked, side, 1)
        return np.where(asked > 0, refused / np.maximum(asked, 1), np.nan)

    def cost(self, task: TaskSpec, condition: str) -> CallCost:
        first = super().cost(task, condition)
        return CallCost(first.calls, first.prompt_tokens, first.completion_tokens,
                        f"first attempts; up to {task.limits.max_attempts} each")


SUITE = Refusal()
