"""Which pairs to ask about: active sampling in the style of Utility Engineering (Mazeika et al. 2025).

Asking every pair in both orders K times costs ``2·K·N(N−1)/2`` calls. Active sampling asks far
fewer: start from a random 2-regular graph (:func:`random_regular_pairs`: every entity in exactly
two pairs), fit a scorer, then repeatedly add the batch of not-yet-asked pairs that are most
uncertain (predicted P(a ≻ b) nearest ½, i.e. the closest means) among the least-sampled entities
(:func:`next_batch`), refit, and stop at a budget of pairs, by default ``round(2·N·log2 N)``
(:func:`default_budget`). A held-out set of pairs (:func:`held_out_pairs`), never used for
fitting, measures how well the scores predict new answers (:func:`heldout_metrics`).

:class:`ActiveSampler` holds that loop's state so that any caller (sync or async) can drive it:
``next_pairs()`` → ask both orders of each pair K times → ``add(comparisons)`` → repeat until
``next_pairs()`` returns nothing. :func:`run_active` is the same loop for a synchronous ``ask``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prefgym.prefs.records import Comparison, Policy, _check_policy, comparison_score
from prefgym.prefs.scorers import Scores, fit, predict_proba_many

PairT = tuple[str, str]


def _key(a: str, b: str) -> PairT:
    return (a, b) if a <= b else (b, a)


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def default_budget(n: int) -> int:
    """``round(2·n·log2 n)`` pairs (Utility Engineering's budget), never more than all n(n−1)/2 pairs."""
    if n < 2:
        return 0
    return min(round(2 * n * math.log2(n)), n * (n - 1) // 2)


def all_pairs(ids: Sequence[str]) -> list[PairT]:
    ids = list(ids)
    return [(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]


def random_regular_pairs(ids: Sequence[str], degree: int = 2,
                         rng: np.random.Generator | int | None = None) -> list[PairT]:
    """Edges of a random simple ``degree``-regular graph on ``ids``.

    Even degree: a union of ``degree/2`` random Hamiltonian cycles with no edge repeated (redrawn
    until they are disjoint). Odd degree needs an even number of entities and adds a random perfect
    matching. Small N: with ``degree ≥ N − 1`` the result is every pair (N = 2: the one pair, each
    entity then in one pair only; N ≤ 1: no pairs). Each edge is ``(a, b)`` in random order.
    """
    ids = list(ids)
    if len(set(ids)) != len(ids):
        raise ValueError("ids contain duplicates")
    if degree < 0:
        raise ValueError("degree must be ≥ 0")
    gen = _rng(rng)
    n = len(ids)
    if n < 2 or degree == 0:
        return []
    if degree >= n - 1:
        edges = all_pairs(ids)
    else:
        if degree % 2 and n % 2:
            raise ValueError(f"no {degree}-regular graph on an odd number ({n}) of entities")
        for _attempt in range(1000):
            chosen: set[PairT] = set()
            ok = True
            for kind in ["cycle"] * (degree // 2) + ["matching"] * (degree % 2):
                perm = [ids[k] for k in gen.permutation(n)]
                if kind == "cycle":
                    new = [_key(perm[k], perm[(k + 1) % n]) for k in range(n)]
                else:
                    new = [_key(perm[k], perm[k + 1]) for k in range(0, n, 2)]
                if chosen.intersection(new) or len(set(new)) != len(new):
                    ok = False
                    break
                chosen.update(new)
            if ok:
                edges = sorted(chosen)
                break
        else:  # pragma: no cover - dense degrees close to n: practically unreachable for degree 2
            raise RuntimeError(f"could not draw a {degree}-regular graph on {n} entities")
    order = gen.permutation(len(edges))
    flip = gen.random(len(edges)) < 0.5
    return [(edges[k][1], edges[k][0]) if f else edges[k] for k, f in zip(order, flip)]


def held_out_pairs(ids: Sequence[str], k: int, rng: np.random.Generator | int | None = None,
                   exclude: Iterable[PairT] = ()) -> list[PairT]:
    """``k`` distinct random unordered pairs (sorted within), none in ``exclude``."""
    gen = _rng(rng)
    ex = {_key(*p) for p in exclude}
    pool = [p for p in all_pairs(sorted(ids)) if p not in ex]
    if k > len(pool):
        raise ValueError(f"asked for {k} held-out pairs but only {len(pool)} are available")
    pick = gen.choice(len(pool), size=k, replace=False) if k else []
    return [pool[i] for i in sorted(pick)]


def next_batch(scores: Scores | None, counts: Mapping[str, float], ids: Sequence[str], batch_size: int,
               exclude: Iterable[PairT] = (), rng: np.random.Generator | int | None = None, *,
               pool: float = 0.5, max_per_entity: int = 2) -> list[PairT]:
    """The next ``batch_size`` pairs to ask.

    Candidates are the unordered pairs not in ``exclude`` (pairs already asked, held-out pairs). The
    least-sampled entities are the ``pool`` fraction of ``ids`` with the smallest ``counts`` (ties
    broken at random); candidates touching at least one of them come first, ordered by how
    uncertain they are, ``|P(a ≻ b) − ½|`` under ``scores`` (with no scores yet, at random).
    Picking is greedy with each entity in at most ``max_per_entity`` pairs of the batch; if that
    leaves the batch short, the cap and then the pool restriction are relaxed.
    """
    ids = list(ids)
    gen = _rng(rng)
    if batch_size <= 0 or len(ids) < 2:
        return []
    ex = {_key(*p) for p in exclude}
    cand = [p for p in all_pairs(ids) if _key(*p) not in ex]
    if not cand:
        return []
    a = [p[0] for p in cand]
    b = [p[1] for p in cand]
    if scores is not None:
        missing = [e for e in ids if e not in scores]
        if missing:
            raise ValueError(f"scores lack entities {missing[:5]}")
        uncertainty = np.abs(predict_proba_many(scores, a, b) - 0.5)
    else:
        uncertainty = np.zeros(len(cand))
    cnt = np.array([float(counts.get(e, 0.0)) for e in ids])
    by_count = np.lexsort((gen.random(len(ids)), cnt))
    n_pool = max(1, math.ceil(pool * len(ids)))
    in_pool = {ids[k] for k in by_count[:n_pool]}
    touches = np.array([x in in_pool or y in in_pool for x, y in cand])
    jitter = gen.random(len(cand))
    ranked = np.lexsort((jitter, uncertainty, ~touches))  # pool first, then most uncertain, ties random
    chosen: list[PairT] = []
    taken: set[int] = set()
    for cap, only_pool in ((max_per_entity, True), (max_per_entity, False), (math.inf, False)):
        used: dict[str, int] = {}
        for pr in chosen:
            for e in pr:
                used[e] = used.get(e, 0) + 1
        for r in ranked:
            if len(chosen) >= batch_size:
                return chosen
            if r in taken or (only_pool and not touches[r]):
                continue
            x, y = cand[r]
            if used.get(x, 0) >= cap or used.get(y, 0) >= cap:
                continue
            chosen.append(cand[r])
            taken.add(r)
            used[x] = used.get(x, 0) + 1
            used[y] = used.get(y, 0) + 1
    return chosen


@dataclass
class HeldOutMetrics:
    accuracy: float  # decisive answers whose winner the scores predicted (p = ½ counts half)
    log_loss: float  # mean −log P(observed), ties as ½/½, over all answers used
    n: int  # answers used (decisive + ties)
    n_decisive: int


def heldout_metrics(scores: Scores, heldout: Sequence[Comparison], policy: Policy = "skip",
                    eps: float = 1e-6) -> HeldOutMetrics:
    """How well ``scores`` predict held-out answers (position ignored). Refusals / unparseable
    answers follow ``policy``: skipped, or ties."""
    _check_policy(policy)
    rows = [(c.first, c.second, s) for c in heldout if (s := comparison_score(c, policy)) is not None]
    if not rows:
        return HeldOutMetrics(accuracy=math.nan, log_loss=math.nan, n=0, n_decisive=0)
    p = np.clip(predict_proba_many(scores, [r[0] for r in rows], [r[1] for r in rows]), eps, 1 - eps)
    y = np.array([r[2] for r in rows])
    ll = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    dec = (y == 0.0) | (y == 1.0)
    hit = np.where(p == 0.5, 0.5, ((p > 0.5) == (y == 1.0)).astype(float))
    acc = float(hit[dec].mean()) if dec.any() else math.nan
    return HeldOutMetrics(accuracy=acc, log_loss=float(ll.mean()), n=len(rows), n_decisive=int(dec.sum()))


# --------------------------------------------------------------------------- the loop


@dataclass
class ActiveSampler:
    """State of one active-sampling run. Drive it with ``next_pairs()`` / ``add()``.

    ``next_pairs()`` first returns the held-out pairs together with a random ``degree``-regular
    graph, then batches from :func:`next_batch` (refitting ``scorer`` on all training answers so
    far), and ``[]`` once ``budget`` training pairs have been handed out. The caller asks every
    returned pair in both orders, K samples each, and passes the answers to ``add``; answers about a
    held-out pair are kept apart and never fitted.
    """

    ids: Sequence[str]
    budget: int | None = None  # training pairs; default: default_budget(N)
    batch_size: int | None = None  # pairs per round after the first; default: N
    degree: int = 2
    heldout: int = 0  # held-out pairs
    scorer: str = "thurstonian"
    scorer_options: dict[str, Any] = field(default_factory=dict)
    policy: Policy = "skip"
    pool: float = 0.5
    max_per_entity: int = 2
    seed: int | None = None

    def __post_init__(self) -> None:
        self.ids = list(self.ids)
        self._rng = np.random.default_rng(self.seed)
        n = len(self.ids)
        self.budget = default_budget(n) if self.budget is None else int(self.budget)
        self.batch_size = max(1, n) if self.batch_size is None else int(self.batch_size)
        self.heldout_pairs: list[PairT] = held_out_pairs(self.ids, self.heldout, self._rng)
        self._heldout_keys = {_key(*p) for p in self.heldout_pairs}
        self.asked: list[PairT] = []  # training pairs handed out, in order
        self.comparisons: list[Comparison] = []  # training answers
        self.heldout_comparisons: list[Comparison] = []
        self.rounds = 0
        self.scores: Scores | None = None

    @property
    def remaining(self) -> int:
        return max(0, self.budget - len(self.asked))

    def add(self, comparisons: Iterable[Comparison]) -> None:
        for c in comparisons:
            (self.heldout_comparisons if _key(c.first, c.second) in self._heldout_keys else self.comparisons).append(c)
        self.scores = None

    def counts(self) -> dict[str, int]:
        """Answers used for fitting so far, per entity."""
        out = dict.fromkeys(self.ids, 0)
        for c in self.comparisons:
            out[c.first] += 1
            out[c.second] += 1
        return out

    def fit(self, seed: int | None = None) -> Scores:
        if self.scores is None:
            self.scores = fit(self.scorer, self.comparisons, self.ids, policy=self.policy,
                              seed=self.seed if seed is None else seed, **self.scorer_options)
        return self.scores

    def next_pairs(self) -> list[PairT]:
        if self.remaining == 0:
            return []
        if self.rounds == 0:
            graph = random_regular_pairs(self.ids, self.degree, self._rng)
            graph = [p for p in graph if _key(*p) not in self._heldout_keys][: self.remaining]
            self.asked += graph
            self.rounds += 1
            return self.heldout_pairs + graph
        exclude = {_key(*p) for p in self.asked} | self._heldout_keys
        scores = self.fit() if self.comparisons else None
        batch = next_batch(scores, self.counts(), self.ids, min(self.batch_size, self.remaining), exclude,
                           self._rng, pool=self.pool, max_per_entity=self.max_per_entity)
        self.asked += batch
        self.rounds += 1
        return batch


@dataclass
class ActiveResult:
    scores: Scores
    comparisons: list[Comparison]
    heldout_comparisons: list[Comparison]
    pairs: list[PairT]
    heldout_pairs: list[PairT]
    rounds: int
    calls: int  # answers collected, held-out included
    heldout: HeldOutMetrics | None


def run_active(ids: Sequence[str], ask: Callable[[list[PairT]], list[Comparison]], **options: Any) -> ActiveResult:
    """Run :class:`ActiveSampler` to its budget with a synchronous ``ask(pairs) -> comparisons``
    (``ask`` should query both orders of each pair, K samples each). ``options`` go to
    :class:`ActiveSampler`."""
    sampler = ActiveSampler(ids, **options)
    calls = 0
    while pairs := sampler.next_pairs():
        answers = list(ask(pairs))
        calls += len(answers)
        sampler.add(answers)
    scores = sampler.fit()
    metrics = heldout_metrics(scores, sampler.heldout_comparisons, sampler.policy) if sampler.heldout_comparisons else None
    return ActiveResult(scores=scores, comparisons=sampler.comparisons, heldout_comparisons=sampler.heldout_comparisons,
                        pairs=list(sampler.asked), heldout_pairs=list(sampler.heldout_pairs), rounds=sampler.rounds,
                        calls=calls, heldout=metrics)
