"""Preference elicitation: the pure, model-free parts.

- :mod:`~prefgym.prefs.records`: the :class:`Comparison` record, scoring policies, position bias;
- :mod:`~prefgym.prefs.parsing`: forced-choice answers → first / second / refused / unparseable;
- :mod:`~prefgym.prefs.matching`: direct rankings → entity ids, mean ranks;
- :mod:`~prefgym.prefs.scorers`: Elo, Bradley–Terry, Thurstonian (interchangeable);
- :mod:`~prefgym.prefs.sampling`: active pair sampling, held-out evaluation;
- :mod:`~prefgym.prefs.consistency`: Spearman agreement between methods and models.

Nothing here calls a model or touches the disk; the elicitation runner builds on these.
"""

from prefgym.prefs.consistency import (
    AgreementMatrix,
    Correlation,
    agreement_matrix,
    spearman,
    spearman_ci,
    spearman_test,
)
from prefgym.prefs.matching import (
    MeanRank,
    RankingParse,
    match_ranking,
    mean_ranks,
    ranking_scores,
)
from prefgym.prefs.parsing import ChoiceParse, explain_choice, parse_choice
from prefgym.prefs.records import (
    Comparison,
    Pair,
    PositionBias,
    outcome_counts,
    position_bias,
    to_pairs,
)
from prefgym.prefs.sampling import (
    ActiveResult,
    ActiveSampler,
    HeldOutMetrics,
    default_budget,
    held_out_pairs,
    heldout_metrics,
    next_batch,
    random_regular_pairs,
    run_active,
)
from prefgym.prefs.scorers import (
    SCORERS,
    BradleyTerryScorer,
    EloScorer,
    PairData,
    Score,
    Scorer,
    Scores,
    ThurstonianScorer,
    fit,
    fit_all,
    get_scorer,
    pair_data,
    predict_proba,
    predict_proba_many,
)

__all__ = [
    "SCORERS", "ActiveResult", "ActiveSampler", "AgreementMatrix", "BradleyTerryScorer", "ChoiceParse", "Comparison",
    "Correlation", "EloScorer", "HeldOutMetrics", "MeanRank", "Pair", "PairData", "PositionBias", "RankingParse",
    "Score", "Scorer", "Scores", "ThurstonianScorer", "agreement_matrix", "default_budget", "explain_choice", "fit",
    "fit_all", "get_scorer", "held_out_pairs", "heldout_metrics", "match_ranking", "mean_ranks", "next_batch",
    "outcome_counts", "pair_data", "parse_choice", "position_bias", "predict_proba", "predict_proba_many",
    "random_regular_pairs", "ranking_scores", "run_active", "spearman", "spearman_ci", "spearman_test", "to_pairs",
]
