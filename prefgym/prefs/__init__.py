"""Preference elicitation: the pure, model-free parts.

- :mod:`~prefgym.prefs.records`: the :class:`Comparison` record, scoring policies, position bias;
- :mod:`~prefgym.prefs.parsing`: forced-choice answers → first / second / refused / unparseable;
- :mod:`~prefgym.prefs.matching`: direct rankings → entity ids, mean ranks;
- :mod:`~prefgym.prefs.scorers`: Elo, Bradley–Terry, Thurstonian (interchangeable);
- :mod:`~prefgym.prefs.sampling`: active pair sampling, held-out evaluation;
- :mod:`~prefgym.prefs.consistency`: Spearman agreement between methods and models.

Nothing here calls a model or touches the disk; the elicitation runner builds on these.

The names are re-exported lazily (PEP 562): ``from prefgym.prefs import fit`` imports the scorers
then, not when ``prefgym.prefs.parsing`` is imported by a measure — scipy's statistics take a
second to import, and ``import prefgym`` (every command, every gym user) should not pay for them.
"""

from __future__ import annotations

from prefgym.lazy import lazy_exports

_WHERE = {
    "ActiveResult": "sampling",
    "ActiveSampler": "sampling",
    "AgreementMatrix": "consistency",
    "BradleyTerryScorer": "scorers",
    "ChoiceParse": "parsing",
    "Comparison": "records",
    "Correlation": "consistency",
    "EloScorer": "scorers",
    "HeldOutMetrics": "sampling",
    "MeanRank": "matching",
    "Pair": "records",
    "PairData": "scorers",
    "PositionBias": "records",
    "RankingParse": "matching",
    "SCORERS": "scorers",
    "Score": "scorers",
    "Scorer": "scorers",
    "Scores": "scorers",
    "ThurstonianScorer": "scorers",
    "agreement_matrix": "consistency",
    "default_budget": "sampling",
    "explain_choice": "parsing",
    "fit": "scorers",
    "fit_all": "scorers",
    "get_scorer": "scorers",
    "held_out_pairs": "sampling",
    "heldout_metrics": "sampling",
    "match_ranking": "matching",
    "mean_ranks": "matching",
    "next_batch": "sampling",
    "outcome_counts": "records",
    "pair_data": "scorers",
    "parse_choice": "parsing",
    "position_bias": "records",
    "predict_proba": "scorers",
    "predict_proba_many": "scorers",
    "random_regular_pairs": "sampling",
    "ranking_scores": "matching",
    "run_active": "sampling",
    "spearman": "consistency",
    "spearman_ci": "consistency",
    "spearman_test": "consistency",
    "to_pairs": "records",
}

__all__ = sorted(_WHERE)


__getattr__ = lazy_exports(__name__, _WHERE, globals())


def __dir__() -> list[str]:
    return __all__
