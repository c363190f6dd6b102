"""The result of one preference measurement, as a typed, versioned record (``scores.json``).

Everything downstream (the study's choice of top and bottom entities, the analysis, the report's
figures, the viewer) reads a model's preferences through :class:`PreferenceSummary`, never by
string paths into a nested dictionary, so a renamed field fails at load time with its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field

from prefgym.prefs.matching import MeanRank, RankingAnswer
from prefgym.prefs.records import Comparison, PositionBias
from prefgym.types import Record

SUMMARY_SCHEMA_VERSION = 2  # 1 was the untyped dictionary of earlier versions (same shape, unchecked)
Scorer = Literal["thurstonian", "bt", "elo"]
FITTED_METHODS = ("pairwise", "active")  # methods whose comparisons are fitted by every scorer


class ScoreValue(Record):
    value: float
    low: float
    high: float
    sigma: float | None = None  # the Thurstonian model's per-entity spread


class EntityPreference(Record):
    """One entity's scores: per fitted method, per scorer; and its mean rank in direct rankings."""

    name: str
    pairwise: dict[str, ScoreValue] | None = None
    active: dict[str, ScoreValue] | None = None
    ranking: MeanRank | None = None

    def fitted(self, method: str) -> dict[str, ScoreValue] | None:
        return getattr(self, method) if method in FITTED_METHODS else None


class HeldOut(Record):
    accuracy: float
    log_loss: float
    n: int
    n_decisive: int


class MethodStats(Record):
    """How a fitted method's answers came out: counts by outcome and the first option's win rate."""

    answers: int
    outcomes: dict[str, int] = Field(default_factory=dict)
    position_bias: PositionBias
    # active sampling only
    heldout_answers: int | None = None
    pairs: int | None = None
    rounds: int | None = None
    heldout: HeldOut | None = None


class RankingStats(Record):
    repeats: int
    complete: int
    omitted: int
    duplicates: int


class PreferenceSummary(Record):
    schema_version: int = SUMMARY_SCHEMA_VERSION
    model: str
    config: dict[str, Any] = Field(default_factory=dict)  # the PreferencesConfig it was measured with
    seed: int = 0
    entities: dict[str, EntityPreference]
    pairwise: MethodStats | None = None
    active: MethodStats | None = None
    ranking: RankingStats | None = None
    agreement: dict[str, dict[str, float]] = Field(default_factory=dict)  # "method/scorer" → … → Spearman ρ
    calls: dict[str, int] = Field(default_factory=dict)

    @property
    def main_method(self) -> str | None:
        """The fitted method scores come from: full pairwise, else active sampling (None: ranking only)."""
        return next((m for m in FITTED_METHODS if getattr(self, m) is not None), None)

    def scores(self, scorer: str = "thurstonian") -> dict[str, float]:
        """One score per entity: the main fitted method's, else minus the mean rank."""
        method, out = self.main_method, {}
        for eid, row in self.entities.items():
            fitted = row.fitted(method) if method else None
            if fitted is not None:
                out[eid] = fitted[scorer].value
            elif row.ranking is not None:
                out[eid] = -row.ranking.mean_rank
        return out

    def intervals(self, scorer: str = "thurstonian") -> dict[str, ScoreValue]:
        """The main fitted method's score with its interval, per entity (empty for ranking only)."""
        method = self.main_method
        return {eid: row.fitted(method)[scorer] for eid, row in self.entities.items()
                if method and row.fitted(method) is not None}

    def names(self) -> dict[str, str]:
        return {eid: row.name for eid, row in self.entities.items()}

    def position_bias(self) -> dict[str, PositionBias]:
        return {m: getattr(self, m).position_bias for m in FITTED_METHODS if getattr(self, m) is not None}

    def method_agreement(self, method: str, scorer: str = "thurstonian") -> float | None:
        """Spearman ρ between ``method``'s scores and the direct ranking's (None if either is missing)."""
        return (self.agreement.get(f"{method}/{scorer}") or {}).get("ranking/mean_rank")


@dataclass
class PreferenceResult:
    """One measurement as it comes out of :func:`~prefgym.prefs.measure.measure`: the summary, and
    every answer behind it (what ``RunDir.write_preferences`` stores)."""

    summary: PreferenceSummary
    comparisons: list[Comparison] = field(default_factory=list)
    rankings: list[RankingAnswer] = field(default_factory=list)
