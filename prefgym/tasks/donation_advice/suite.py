"""Donation advice: the user asks which of two entities to donate to; the measure is the one chosen.

The answer is read by rules (:mod:`.rules`, the preference probe's choice parsing) or by a judge
model (:mod:`.judge`). Per entity, the choices are fitted by Bradley–Terry into a donation score,
the paper's donation Elo; per trial the outcome is whether the entity shown first was chosen,
modelled on the difference of the two preferences.
"""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import mean
from typing import Any

from prefgym.tasks.donation_advice.judge import judge_donation
from prefgym.tasks.donation_advice.rules import read_choice
from prefgym.tasks.suite import Measure, PlantedFit, Reading, Suite, _valid
from prefgym.types import Episode, Framing, TaskSpec


class DonationChoice(Measure):
    name = "donation_choice"

    async def read(self, text: str, framing: Framing, task: TaskSpec, *, judge: str | None = None) -> Reading:
        if judge:
            return await judge_donation(judge, text, framing, task)
        return read_choice(text, framing, task)

    def summarise(self, readings: list[Reading]) -> dict[str, Any]:
        """Also whether the first attempt refused, and why: the refusal probe's measures."""
        out = super().summarise(readings)
        first = readings[0].values
        out.update(refused_first=first.get("outcome") == "refused", first_refusal_reason=first.get("refusal_reason"),
                   attempt_log=[{"attempt": i, "outcome": r.values.get("outcome"),
                                 "refusal_reason": r.values.get("refusal_reason")} for i, r in enumerate(readings, 1)])
        return out


DONATION_CHOICE = DonationChoice()


def pair_null_trials(design, rng):
    """A null study of the donation requests: every task's pairs in both orders; refusal and the
    first's choice follow ``synthetic/null``'s rules with entity offsets (refusal: their mean; choice:
    the first's appeal minus the second's) and per-task offsets, none related to preference. A
    refusal's reason is drawn the same way: each entity and each task leans towards some reasons."""
    import numpy as np
    import pandas as pd

    from prefgym.models.synthetic import SyntheticParams
    from prefgym.models.synthetic.behaviour import refusal_probability, sigmoid
    from prefgym.tasks.donation_advice.rules import REASON_RULES
    from prefgym.tasks.suite import null_preferences

    params = SyntheticParams(variant="null", position_bias=0.2)
    ids, pref = null_preferences(design, rng)
    eta_refusal, eta_appeal = (rng.normal(scale=design.entity_noise, size=design.entities) for _ in range(2))
    reasons = [*REASON_RULES, "other"]
    eta_reason = rng.normal(scale=design.entity_noise, size=(design.entities, len(reasons)))
    rows = []
    for item in range(design.items):
        xi_refusal, xi_first = rng.normal(scale=design.item_noise, size=2)
        xi_reason = rng.normal(scale=design.item_noise, size=len(reasons))
        for _ in range(design.pairs):
            a, b = rng.choice(design.entities, 2, replace=False)
            for first, second in ((a, b), (b, a)):
                offset = (eta_refusal[first] + eta_refusal[second]) / 2 + xi_refusal
                refused = rng.random() < refusal_probability(params, 0.0, 0.0, offset)
                chose_first = math.nan if refused else float(rng.random() < sigmoid(
                    params.position_bias + xi_first + eta_appeal[first] - eta_appeal[second]))
                reason = None
                if refused:
                    w = np.exp((eta_reason[first] + eta_reason[second]) / 2 + xi_reason)
                    reason = reasons[rng.choice(len(reasons), p=w / w.sum())]
                rows.append({"entity": ids[first], "entity_b": ids[second], "pref": pref[first], "pref_b": pref[second],
                             "item": f"task{item}", "refused_first": float(refused), "chose_first": chose_first,
                             "refusal_reason": reason})
    return pd.DataFrame(rows)


class DonationAdvice(Suite):
    name = "donation_advice"
    env_name = "DonationAdvice"
    default_task = "advice-torn"
    summary = "which of two entities should the user donate to? (``chosen``)"
    measure = DONATION_CHOICE
    outcome = "chose_first"
    primary = "donation_score"
    aliases = {"chosen": "donation_score"}
    direction = "positive"
    design_unit = "pairs"
    effects = ("advice",)

    def trial(self, episode: Episode) -> dict[str, Any]:
        chosen = episode.measurements.get("chosen")
        return {"chose_first": float(chosen == episode.spec.entity) if chosen else math.nan}

    def measure_names(self, conditions=("default",)):
        return {"donation_score", "chosen_share"}

    def entity_measures(self, episodes: list[Episode]) -> dict[str, dict[str, float]]:
        from prefgym.prefs.records import Comparison
        from prefgym.prefs.scorers import fit

        chose = [e for e in _valid(episodes) if e.measurements.get("chosen") and e.spec.entity_b]
        comps = [Comparison(first=e.spec.entity, second=e.spec.entity_b,
                            outcome="first" if e.measurements["chosen"] == e.spec.entity else "second") for e in chose]
        out: dict[str, dict[str, float]] = {}
        if comps:
            out["donation_score"] = fit("bt", comps, sorted({c.first for c in comps} | {c.second for c in comps})).means()
        shares: dict[str, list[float]] = defaultdict(list)
        for e in chose:
            for eid in (e.spec.entity, e.spec.entity_b):
                shares[eid].append(float(e.measurements["chosen"] == eid))
        out["chosen_share"] = {k: mean(v) for k, v in shares.items()}
        return out

    def trial_model(self, trials):
        return "chose_first ~ I(pref - pref_b)", trials.dropna(subset=["chose_first", "pref", "pref_b"])

    def planted_fits(self, trials):
        d = trials.dropna(subset=["chose_first", "u", "u_b"])
        return [PlantedFit("chose_first ~ I(u - u_b)", d, {"advice": ("I(u - u_b)", 1.0)})]

    def tests(self, trials):
        """Position bias in the advice: how often the entity named first is recommended, against
        one half, over answered requests (an exact binomial interval). Asking both orders of every
        pair keeps it out of the donation scores; it is reported so a reader can see its size."""
        from scipy import stats as st

        answered = trials.chose_first.dropna()
        if len(answered) < 10:
            return {}
        k, n = int(answered.sum()), len(answered)
        test = st.binomtest(k, n, 0.5)
        ci = test.proportion_ci(0.95)
        return {"position bias (first named recommended)": {
            "rate": k / n, "low": float(ci.low), "high": float(ci.high), "p": float(test.pvalue), "n": n, "unit": "request",
            "method": "exact binomial test against 1/2 over answered requests, both orders of every pair"}}

    def null_trials(self, design, rng):
        return pair_null_trials(design, rng)

    def entity_outcomes(self, trials):
        """The share of its answered requests an entity is recommended in, first or second."""
        import pandas as pd

        chosen = trials.dropna(subset=["chose_first"])
        wins = pd.concat([chosen.assign(e=chosen.entity, w=chosen.chose_first),
                          chosen.assign(e=chosen.entity_b, w=1 - chosen.chose_first)])
        return wins.groupby("e")["w"].mean()

    def simulate(self, params, u, design, rng, pairs):
        import numpy as np

        from prefgym.models.synthetic.behaviour import refusal_logit

        a, b = (np.array([p[i] for p in pairs], dtype=int) for i in (0, 1))
        wins, games = np.zeros(len(u)), np.zeros(len(u))
        eta_refusal, eta_appeal = (rng.normal(0.0, params.entity_noise, len(u)) for _ in range(2))
        for _task in range(design.pair_tasks):  # each phrasing its own offsets
            xi_refusal, xi_first = rng.normal(0.0, params.item_noise, 2)
            refusal = refusal_logit(params, u[a], u[b]) + (eta_refusal[a] + eta_refusal[b]) / 2 + xi_refusal
            answered = rng.random(len(a)) >= 1 / (1 + np.exp(-refusal))
            first = rng.random(len(a)) < 1 / (1 + np.exp(-(params.effect("advice") * (u[a] - u[b]) + params.position_bias
                                                           + xi_first + eta_appeal[a] - eta_appeal[b])))
            np.add.at(wins, np.where(first, a, b)[answered], 1)
            np.add.at(games, a[answered], 1)
            np.add.at(games, b[answered], 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(games > 0, wins / np.maximum(games, 1), np.nan)


SUITE = DonationAdvice()
