"""One preference measurement end to end: ask, fit every scorer, compare methods.

The result is every forced-choice answer (full and active), every direct ranking with its parse,
and a :class:`PreferenceSummary`: per entity each method's and scorer's score with its interval and
the ranking's mean rank; method agreement (Spearman); position bias; held-out accuracy of active
sampling; and the calls made. Writing it is the run directory's business (``RunDir.write_preferences``).
"""

from __future__ import annotations

from collections.abc import Sequence

from prefgym.models import current_gateway
from prefgym.prefs.consistency import agreement_matrix
from prefgym.prefs.elicit import Probe, Progress, run_active, run_pairwise, run_ranking
from prefgym.prefs.matching import mean_ranks, ranking_scores
from prefgym.prefs.records import outcome_counts, position_bias
from prefgym.prefs.sampling import heldout_metrics
from prefgym.prefs.scorers import SCORERS, Scores, fit, fit_all
from prefgym.prefs.summary import (
    EntityPreference, HeldOut, MethodStats, PreferenceResult, PreferenceSummary, RankingStats, ScoreValue,
)
from prefgym.types import Entity


def _score(s: Scores, eid: str) -> ScoreValue:
    score = s[eid]
    return ScoreValue(value=score.value, low=score.low, high=score.high, sigma=score.sigma)


async def measure(probe: Probe, entities: Sequence[Entity], progress: Progress | None = None) -> PreferenceResult:
    cfg = probe.config
    ids = [e.id for e in entities]
    methods = ["pairwise", "active", "ranking"] if cfg.method == "all" else [cfg.method]
    fits: dict[str, dict[str, Scores]] = {}
    result = PreferenceResult(PreferenceSummary(model=probe.model, config=cfg.model_dump(mode="json"), seed=probe.seed,
                                                entities={e.id: EntityPreference(name=e.name) for e in entities}))
    summary = result.summary
    calls_before = current_gateway().stats.provider_calls

    if "pairwise" in methods:
        full = await run_pairwise(probe, entities, progress)
        result.comparisons += full
        fits["pairwise"] = fit_all(full, ids, policy=cfg.policy, seed=probe.seed)
        summary.pairwise = MethodStats(answers=len(full), outcomes=outcome_counts(full), position_bias=position_bias(full))
    if "active" in methods:
        sampler, answers = await run_active(probe, entities, progress)
        result.comparisons += answers
        fits["active"] = {name: fit(name, sampler.comparisons, ids, policy=cfg.policy, seed=probe.seed) for name in SCORERS}
        held = heldout_metrics(fits["active"]["thurstonian"], sampler.heldout_comparisons, cfg.policy) \
            if sampler.heldout_comparisons else None
        summary.active = MethodStats(answers=len(answers), outcomes=outcome_counts(answers),
                                     position_bias=position_bias(answers), heldout_answers=len(sampler.heldout_comparisons),
                                     pairs=len(sampler.asked), rounds=sampler.rounds,
                                     heldout=HeldOut(**held.__dict__) if held else None)
    if "ranking" in methods:
        result.rankings = await run_ranking(probe, entities, progress)
        parses = [r.parse for r in result.rankings]
        summary.ranking = RankingStats(repeats=len(parses), complete=sum(p.complete for p in parses),
                                       omitted=sum(len(p.omitted) for p in parses),
                                       duplicates=sum(len(p.duplicates) for p in parses))
        for eid, rank in mean_ranks(parses, ids).items():
            summary.entities[eid].ranking = rank

    for method, by_scorer in fits.items():
        for eid in ids:
            setattr(summary.entities[eid], method, {scorer: _score(scores, eid) for scorer, scores in by_scorer.items()})
    named = {f"{method}/{scorer}": scores.means() for method, by in fits.items() for scorer, scores in by.items()}
    if result.rankings:
        named["ranking/mean_rank"] = ranking_scores(mean_ranks([r.parse for r in result.rankings], ids))
    summary.agreement = agreement_matrix(named).to_dict() if len(named) > 1 else {}
    summary.calls = {"provider_calls": current_gateway().stats.provider_calls - calls_before,
                     "answers": len(result.comparisons) + len(result.rankings)}
    return result
