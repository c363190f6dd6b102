"""Records of preference elicitation, and the few pure helpers that read them.

A :class:`Comparison` is one answer to one forced-choice question: the two entity ids in the order
the model saw them, what it answered, and its raw text. Refusals and unparseable answers are kept
as data; a *scoring policy* decides what they count as when scores are fitted:

``"skip"``
    refused / unparseable answers are dropped. Explicit ``"tie"`` outcomes still count as ties.
``"tie"``
    refused / unparseable answers count as ties: half a win for each entity.

:func:`position_bias` reports how often the first-presented option wins among decisive answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from pydantic import Field, model_validator

from prefgym.types import SCHEMA_VERSION, Record

Outcome = Literal["first", "second", "tie", "refused", "unparseable"]
Policy = Literal["skip", "tie"]
POLICIES: tuple[str, ...] = ("skip", "tie")
DECISIVE: tuple[str, ...] = ("first", "second")


class Comparison(Record):
    """One pairwise forced-choice answer (one line of ``prefs/pairwise.jsonl``)."""

    schema_version: int = SCHEMA_VERSION
    first: str = Field(min_length=1)  # entity id shown first (option A)
    second: str = Field(min_length=1)  # entity id shown second (option B)
    outcome: Outcome
    sample: int = Field(default=0, ge=0)  # which of the K samples of this ordered pair
    raw: str = ""  # the model's text, kept verbatim
    model: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Comparison:
        if self.first == self.second:
            raise ValueError(f"a comparison needs two different entities, got {self.first!r} twice")
        return self

    @property
    def decisive(self) -> bool:
        return self.outcome in DECISIVE

    @property
    def winner(self) -> str | None:
        return self.first if self.outcome == "first" else self.second if self.outcome == "second" else None

    @property
    def loser(self) -> str | None:
        return self.second if self.outcome == "first" else self.first if self.outcome == "second" else None


class Pair(NamedTuple):
    """``winner`` beat ``loser`` with ``weight`` (1 for a win; a tie is two pairs of weight 0.5)."""

    winner: str
    loser: str
    weight: float = 1.0


def _check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise ValueError(f"unknown scoring policy {policy!r}; choose one of {POLICIES}")


def comparison_score(c: Comparison, policy: Policy = "skip") -> float | None:
    """Score of ``c.first`` against ``c.second`` (1 win, 0.5 tie, 0 loss), or None when dropped."""
    _check_policy(policy)
    if c.outcome == "first":
        return 1.0
    if c.outcome == "second":
        return 0.0
    if c.outcome == "tie":
        return 0.5
    return 0.5 if policy == "tie" else None


def to_pairs(comparisons: Iterable[Comparison], policy: Policy = "skip") -> list[Pair]:
    """Comparisons → ``(winner, loser, weight)`` pairs under ``policy``.

    A decisive answer gives one pair of weight 1. A tie (an explicit ``"tie"``, or under the ``"tie"``
    policy a refusal / unparseable answer) gives two pairs of weight 0.5, one each way: half a win for
    each entity. Under ``"skip"``, refusals and unparseable answers give nothing.
    """
    out: list[Pair] = []
    for c in comparisons:
        s = comparison_score(c, policy)
        if s is None:
            continue
        if s == 1.0:
            out.append(Pair(c.first, c.second, 1.0))
        elif s == 0.0:
            out.append(Pair(c.second, c.first, 1.0))
        else:
            out.append(Pair(c.first, c.second, 0.5))
            out.append(Pair(c.second, c.first, 0.5))
    return out


def outcome_counts(comparisons: Iterable[Comparison]) -> dict[str, int]:
    """How many answers of each outcome (all five keys, zeros included)."""
    counts = {k: 0 for k in ("first", "second", "tie", "refused", "unparseable")}
    for c in comparisons:
        counts[c.outcome] += 1
    return counts


class PositionBias(Record):
    """First-option win rate among decisive answers, a 95% Clopper–Pearson interval, and the
    two-sided exact binomial p-value against 0.5 (no bias). With no decisive answers every number is
    NaN and ``n`` is 0."""

    n: int  # decisive answers
    first_wins: int
    rate: float
    low: float
    high: float
    p_value: float


def position_bias(comparisons: Sequence[Comparison] | Iterable[Comparison], confidence: float = 0.95) -> PositionBias:
    decisive = [c for c in comparisons if c.decisive]
    n = len(decisive)
    k = sum(c.outcome == "first" for c in decisive)
    if n == 0:
        nan = float("nan")
        return PositionBias(n=0, first_wins=0, rate=nan, low=nan, high=nan, p_value=nan)
    from scipy import stats  # here, not at import: records are read where no statistics are computed

    test = stats.binomtest(k, n, 0.5, alternative="two-sided")
    ci = test.proportion_ci(confidence_level=confidence, method="exact")
    return PositionBias(n=n, first_wins=k, rate=k / n, low=float(ci.low), high=float(ci.high),
                        p_value=float(test.pvalue))
