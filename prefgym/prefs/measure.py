"""One preference measurement end to end: ask, fit every scorer, compare methods, write the files.

``OUT/pairwise.jsonl`` (every forced-choice answer, full and active), ``OUT/ranking.jsonl`` (every
direct ranking with its parse) and ``OUT/scores.json``: per entity, each method's and scorer's score
with its interval and the ranking's mean rank; method agreement (Spearman); position bias;
held-out accuracy of active sampling; answer coverage; and the calls made.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefgym.models import current_gateway
from prefgym.models.synthetic import remember_entities
from prefgym.prefs.consistency import agreement_matrix
from prefgym.prefs.elicit import PrefsConfig, Progress, RankingAnswer, run_active, run_pairwise, run_ranking
from prefgym.prefs.matching import mean_ranks, ranking_scores
from prefgym.prefs.records import Comparison, outcome_counts, position_bias
from prefgym.prefs.sampling import heldout_metrics
from prefgym.prefs.scorers import SCORERS, Scores, fit, fit_all
from prefgym.types import Entity


def _jsonl(path: Path, records: Sequence[Any]) -> None:
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n")


def _score(s: Scores, eid: str) -> dict[str, float]:
    score = s[eid]
    out = {"value": score.value, "low": score.low, "high": score.high}
    if score.sigma is not None:
        out["sigma"] = score.sigma
    return out


async def measure(cfg: PrefsConfig, entities: Sequence[Entity], out: str | Path,
                  progress: Progress | None = None) -> dict[str, Any]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    remember_entities((e.id, e.name) for e in entities)  # a synthetic model must recognise a user's catalog
    ids = [e.id for e in entities]
    methods = ["pairwise", "active", "ranking"] if cfg.method == "all" else [cfg.method]
    fits: dict[str, dict[str, Scores]] = {}
    comparisons: list[Comparison] = []
    rankings: list[RankingAnswer] = []
    summary: dict[str, Any] = {"schema_version": 1, "model": cfg.model, "config": cfg.model_dump(mode="json"),
                               "entities": {e.id: {"name": e.name} for e in entities}}
    calls_before = current_gateway().stats.provider_calls

    if "pairwise" in methods:
        full = await run_pairwise(cfg, entities, progress)
        comparisons += full
        fits["pairwise"] = fit_all(full, ids, policy=cfg.policy, seed=cfg.seed)
        summary["pairwise"] = {"answers": len(full), "outcomes": outcome_counts(full),
                               "position_bias": position_bias(full).model_dump(mode="json")}
    if "active" in methods:
        sampler, answers = await run_active(cfg, entities, progress)
        comparisons += answers
        fits["active"] = {name: fit(name, sampler.comparisons, ids, policy=cfg.policy, seed=cfg.seed) for name in SCORERS}
        held = heldout_metrics(fits["active"]["thurstonian"], sampler.heldout_comparisons, cfg.policy) \
            if sampler.heldout_comparisons else None
        summary["active"] = {"answers": len(answers), "heldout_answers": len(sampler.heldout_comparisons),
                             "pairs": len(sampler.asked), "rounds": sampler.rounds,
                             "outcomes": outcome_counts(answers),
                             "position_bias": position_bias(answers).model_dump(mode="json"),
                             "heldout": held.__dict__ if held else None}
    if "ranking" in methods:
        rankings = await run_ranking(cfg, entities, progress)
        ranks = mean_ranks([r.parse for r in rankings], ids)
        summary["ranking"] = {"repeats": len(rankings), "complete": sum(r.parse.complete for r in rankings),
                              "omitted": sum(len(r.parse.omitted) for r in rankings),
                              "duplicates": sum(len(r.parse.duplicates) for r in rankings)}
        for eid, rank in ranks.items():
            summary["entities"][eid]["ranking"] = rank.model_dump(mode="json")

    for method, by_scorer in fits.items():
        for scorer, scores in by_scorer.items():
            for eid in ids:
                summary["entities"][eid].setdefault(method, {})[scorer] = _score(scores, eid)
    named = {f"{method}/{scorer}": scores.means() for method, by in fits.items() for scorer, scores in by.items()}
    if rankings:
        named["ranking/mean_rank"] = ranking_scores(mean_ranks([r.parse for r in rankings], ids))
    summary["agreement"] = agreement_matrix(named).to_dict() if len(named) > 1 else {}
    summary["calls"] = {"provider_calls": current_gateway().stats.provider_calls - calls_before,
                        "answers": len(comparisons) + len(rankings)}

    _jsonl(out / "pairwise.jsonl", comparisons)
    _jsonl(out / "ranking.jsonl", rankings)
    (out / "scores.json").write_text(json.dumps(summary, indent=1, allow_nan=True))
    return summary


def preference_scores(summary: dict[str, Any], scorer: str) -> dict[str, float]:
    """One score per entity from a stage-one summary: pairwise, else active, else the ranking."""
    out = {}
    for eid, row in summary["entities"].items():
        if "pairwise" in row:
            out[eid] = row["pairwise"][scorer]["value"]
        elif "active" in row:
            out[eid] = row["active"][scorer]["value"]
        elif "ranking" in row:
            out[eid] = -row["ranking"]["mean_rank"]
    return out
