"""Turn pairwise comparisons into one score per entity: Elo, Bradley–Terry and Thurstonian.

All three take the same input and give the same output, so they are interchangeable:

    scores = SCORERS["elo"]().fit(comparisons, ids, seed=0)     # or fit("bt", …), fit_all(…)
    scores["give-directly"]        # Score(value, low, high, n, sigma)
    predict_proba(scores, a, b)    # P(a preferred to b) under that scorer's model

Input: :class:`~prefgym.prefs.records.Comparison` records (read under a scoring policy, ``"skip"``
or ``"tie"``, see :mod:`prefgym.prefs.records`), :class:`~prefgym.prefs.records.Pair` triples
``(winner, loser, weight)`` or plain ``(winner, loser)`` tuples. Entities in ``ids`` that appear in
no comparison still get a finite score and a deliberately wide interval.

Scales differ: Elo is in rating points (400 points = 10:1 odds), Bradley–Terry in logits,
Thurstonian in probit units of the mean. Compare scorers by rank (Spearman), not by value.

**Elo** (the paper's choice). Start every entity at ``initial``; for each comparison in order,
``E = 1 / (1 + 10^((R_b − R_a)/400))`` and both ratings move by ``K·w·(s − E)``. The result depends
on the order, so the point estimate is the mean over ``n_permutations`` random orderings.
The 95% interval is a Poisson bootstrap of that averaged estimate: each of ``n_bootstrap``
replicates gives every comparison a Poisson(1) weight w (resampling with replacement; the step
becomes w·K) and re-runs the
first ``bootstrap_orderings`` orderings with those weights; a replicate's value is the mean over
its orderings. The interval is the replicates' 2.5–97.5 percentiles, shifted so that their median
sits on the point estimate. A replicate averages fewer orderings than the estimate, so it keeps
some of Elo's order noise (which grows with ``K`` and does not vanish with more data): the Elo
interval is conservative, narrows with more data more slowly than the likelihood scorers', and
has a floor of about ``sd(one ordering)/√bootstrap_orderings``. All orderings and replicates run
side by side in numpy arrays, with one Python loop over comparisons: 51,000 comparisons take about
2 s with the defaults (memory: 4 bytes × comparisons × ``n_permutations`` for the orderings, 41 MB
there, plus one byte × comparisons × ``n_bootstrap`` for the weights). An entity with no
comparisons keeps ``initial`` and gets the widest interval of the fit (the lowest low to the
highest high).

**Bradley–Terry**. ``P(a ≻ b) = σ(θ_a − θ_b)``, maximum a posteriori with a Gaussian prior
``θ ~ N(0, prior_sd²)`` (a ridge: identifies the scale's origin — the fitted θ sum to zero — and
keeps an entity that always wins finite), fitted by Newton trust-region (scipy ``trust-exact``)
with the analytic gradient and Hessian on counts aggregated per pair. Intervals are Wald intervals
from the observed information (the negative Hessian of the log posterior), for the centred θ:
``θ ± 1.96·se``. An entity with no comparisons sits at 0 with ``se ≈ prior_sd``.

**Thurstonian** (Utility Engineering). Each entity has a mean ``μ`` and a standard deviation ``σ``
(fitted as ``log σ``); ``P(a ≻ b) = Φ((μ_a − μ_b) / √(σ_a² + σ_b²))``. MAP with priors
``μ ~ N(0, prior_sd²)`` and ``log σ ~ N(0, log_sigma_sd²)``, fitted with scipy L-BFGS-B and the
analytic gradient. The likelihood is unchanged when μ is shifted, or when every μ and σ is
multiplied by one constant, so values are reported in fixed units: μ with mean zero, divided (with
σ) by the geometric mean of σ (so that the σ have geometric mean 1). Intervals are Laplace: the
inverse Hessian of the negative log posterior at the optimum (central differences of the analytic
gradient), carried to those units by the delta method, ``μ ± 1.96·se``. ``Score.sigma`` is σ in the
same units.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import Field
from scipy import optimize, special, stats

from prefgym.prefs.records import (
    Comparison,
    Pair,
    Policy,
    _check_policy,
    comparison_score,
)
from prefgym.types import SCHEMA_VERSION, Record

# --------------------------------------------------------------------------- results


class Score(Record):
    value: float
    low: float  # interval bounds (95% unless the scorer was configured otherwise)
    high: float
    n: float = 0.0  # comparisons involving this entity (weighted: a tie pair counts its weight)
    sigma: float | None = None  # Thurstonian σ


class Scores(Record):
    """One scorer's fit: id → :class:`Score`, plus what is needed to predict from it."""

    schema_version: int = SCHEMA_VERSION
    scorer: str
    scores: dict[str, Score]
    n_comparisons: float = 0.0  # weighted comparisons used
    params: dict[str, Any] = Field(default_factory=dict)  # the scorer's settings

    def __getitem__(self, entity_id: str) -> Score:
        return self.scores[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.scores

    def __len__(self) -> int:
        return len(self.scores)

    @property
    def ids(self) -> list[str]:
        return list(self.scores)

    def means(self) -> dict[str, float]:
        """id → point estimate."""
        return {k: s.value for k, s in self.scores.items()}

    def ranking(self) -> list[str]:
        """Ids from most to least preferred."""
        return sorted(self.scores, key=lambda k: -self.scores[k].value)

    def predict_proba(self, a: str, b: str) -> float:
        return predict_proba(self, a, b)


# --------------------------------------------------------------------------- input


@dataclass
class PairData:
    """Comparisons as arrays: row r says entity ``a[r]`` scored ``s[r]`` (1 win, ½ tie, 0 loss)
    against ``b[r]``, with weight ``w[r]``."""

    ids: list[str]
    a: np.ndarray
    b: np.ndarray
    s: np.ndarray
    w: np.ndarray

    def __len__(self) -> int:
        return int(self.a.size)

    @property
    def n_per_id(self) -> np.ndarray:
        n = len(self.ids)
        return np.bincount(self.a, self.w, minlength=n) + np.bincount(self.b, self.w, minlength=n)

    def aggregate(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per unordered pair (i < j): ``(i, j, y, n)`` with ``y`` the weighted score of i and ``n``
        the total weight."""
        n_ids = len(self.ids)
        lo = np.minimum(self.a, self.b)
        hi = np.maximum(self.a, self.b)
        s_lo = np.where(self.a == lo, self.s, 1.0 - self.s)
        key = lo.astype(np.int64) * n_ids + hi
        uniq, inv = np.unique(key, return_inverse=True)
        y = np.bincount(inv, self.w * s_lo, minlength=uniq.size)
        n = np.bincount(inv, self.w, minlength=uniq.size)
        keep = n > 0
        return (uniq // n_ids)[keep], (uniq % n_ids)[keep], y[keep], n[keep]


Data = Iterable[Comparison] | Iterable[Pair] | Iterable[tuple]


def pair_data(data: Data | PairData, ids: Sequence[str] | None = None, policy: Policy = "skip") -> PairData:
    """Normalise any accepted input to :class:`PairData` (ids given, or sorted from the data)."""
    _check_policy(policy)
    if isinstance(data, PairData):
        if ids is not None and list(ids) != data.ids:
            raise ValueError("PairData was built for other ids")
        return data
    rows: list[tuple[str, str, float, float]] = []
    for item in data:
        if isinstance(item, Comparison):
            s = comparison_score(item, policy)
            if s is not None:
                rows.append((item.first, item.second, s, 1.0))
        elif isinstance(item, tuple) and len(item) in (2, 3):
            w = float(item[2]) if len(item) == 3 else 1.0
            if w < 0 or not np.isfinite(w):
                raise ValueError(f"pair weight must be finite and ≥ 0, got {item!r}")
            if item[0] == item[1]:
                raise ValueError(f"a pair needs two different entities, got {item!r}")
            rows.append((item[0], item[1], 1.0, w))
        else:
            raise TypeError(f"expected Comparison or (winner, loser[, weight]) tuples, got {type(item).__name__}")
    if ids is None:
        ids = sorted({r[0] for r in rows} | {r[1] for r in rows})
    ids = list(ids)
    if len(set(ids)) != len(ids):
        raise ValueError("ids contain duplicates")
    pos = {e: i for i, e in enumerate(ids)}
    unknown = sorted({e for r in rows for e in r[:2] if e not in pos})
    if unknown:
        raise ValueError(f"comparisons name entities not in ids: {unknown[:5]}{'…' if len(unknown) > 5 else ''}")
    a = np.fromiter((pos[r[0]] for r in rows), dtype=np.int64, count=len(rows))
    b = np.fromiter((pos[r[1]] for r in rows), dtype=np.int64, count=len(rows))
    s = np.fromiter((r[2] for r in rows), dtype=float, count=len(rows))
    w = np.fromiter((r[3] for r in rows), dtype=float, count=len(rows))
    return PairData(ids, a, b, s, w)


_BLAS_LOCAL: dict[str, Any] = {}  # path → ctypes function, for OpenBLAS builds that have it


def _openblas_thread_setters() -> list[Any]:
    """``openblas_set_num_threads_local`` of every OpenBLAS loaded in this process (Linux)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {ln.split()[-1] for ln in f if "openblas" in ln.lower() and ".so" in ln}
    except OSError:
        return []
    out = []
    for path in sorted(paths):
        if path not in _BLAS_LOCAL:
            try:
                fn = ctypes.CDLL(path).openblas_set_num_threads_local
                fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
            except (OSError, AttributeError):
                fn = None
            _BLAS_LOCAL[path] = fn
        if _BLAS_LOCAL[path] is not None:
            out.append(_BLAS_LOCAL[path])
    return out


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with OpenBLAS single-threaded *in this thread only* (thread-local setting).

    The likelihood fits do linear algebra on ~N×N matrices (N ≈ 72–150), where OpenBLAS's threads
    cost more than they give; on a busy 2-core machine, measured here, L-BFGS-B on 144 parameters
    took 400 ms threaded against 3.5 ms on one thread, and a whole active-sampling run 9 s against
    0.5 s. A no-op where the OpenBLAS in use lacks the thread-local call.
    """
    setters = _openblas_thread_setters()
    previous = []
    for fn in setters:
        prev = fn(1)
        previous.append((fn, prev if 1 <= prev <= 4096 else None))
    try:
        yield
    finally:
        for fn, prev in previous:
            if prev is not None:
                fn(prev)


def _rng(seed: int | None, rng: np.random.Generator | None) -> np.random.Generator:
    return rng if rng is not None else np.random.default_rng(seed)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


# --------------------------------------------------------------------------- protocol


@runtime_checkable
class Scorer(Protocol):
    name: str

    def fit(self, data: Data | PairData, ids: Sequence[str] | None = None, *, policy: Policy = "skip",
            seed: int | None = None, rng: np.random.Generator | None = None) -> Scores: ...

    @staticmethod
    def proba(scores: Scores, a: Sequence[str], b: Sequence[str]) -> np.ndarray: ...


# --------------------------------------------------------------------------- Elo


@dataclass
class EloScorer:
    k: float = 32.0
    initial: float = 1500.0
    scale: float = 400.0  # rating difference for 10:1 odds
    n_permutations: int = 200  # orderings averaged for the point estimate
    n_bootstrap: int = 100  # bootstrap replicates (0: no interval, low = high = NaN)
    bootstrap_orderings: int = 10  # orderings averaged within each replicate
    confidence: float = 0.95
    block: int = 1024  # comparisons whose indices are prepared at once (memory vs numpy overhead)
    name: str = field(default="elo", init=False)

    def fit(self, data, ids=None, *, policy="skip", seed=None, rng=None) -> Scores:
        pdata = pair_data(data, ids, policy)
        gen = _rng(seed, rng)
        n_ids, m = len(pdata.ids), len(pdata)
        if self.n_permutations < 1 or self.bootstrap_orderings < 1:
            raise ValueError("n_permutations and bootstrap_orderings must be ≥ 1")
        p, nb = self.n_permutations, max(0, self.n_bootstrap)
        r_ord = min(self.bootstrap_orderings, p)
        point = np.full(p * n_ids, float(self.initial))  # row r: ordering r, flat
        boot = np.full((r_ord, nb, n_ids), float(self.initial))  # [ordering, replicate, entity]
        if m:
            offs = (np.arange(p, dtype=np.int64) * n_ids)[None, :]
            perms = np.empty((m, p), dtype=np.int32 if m < 2**31 else np.int64)  # column r: ordering r
            for r in range(p):
                perms[:, r] = gen.permutation(m)
            # replicate g re-runs the point estimate's first r_ord orderings with Poisson(1) weights
            # on the comparisons (the Poisson bootstrap); its value is the mean over those orderings
            boot_w = gen.poisson(1.0, size=(m, nb)).astype(np.uint8) if nb else None
            rr = np.arange(r_ord)
            c = np.log(10.0) / self.scale
            for t0 in range(0, m, self.block):
                t1 = min(m, t0 + self.block)
                idx = perms[t0:t1]  # (steps, orderings), C order: a step's indices are adjacent
                a_blk, b_blk = pdata.a[idx], pdata.b[idx]
                ia_blk, ib_blk = offs + a_blk, offs + b_blk
                s_blk = pdata.s[idx]
                kw_blk = self.k * pdata.w[idx]
                for t in range(t1 - t0):
                    ia, ib = ia_blk[t], ib_blk[t]
                    ra, rb = point[ia], point[ib]
                    d = kw_blk[t] * (s_blk[t] - 1.0 / (1.0 + np.exp(c * (rb - ra))))
                    point[ia] = ra + d
                    point[ib] = rb - d
                    if nb:
                        ar, br = a_blk[t, :r_ord], b_blk[t, :r_ord]
                        ra, rb = boot[rr, :, ar], boot[rr, :, br]  # (orderings, replicates)
                        kw = kw_blk[t, :r_ord, None] * boot_w[idx[t, :r_ord]]
                        d = kw * (s_blk[t, :r_ord, None] - 1.0 / (1.0 + np.exp(c * (rb - ra))))
                        boot[rr, :, ar] = ra + d
                        boot[rr, :, br] = rb - d
        value = point.reshape(p, n_ids).mean(axis=0)
        if nb:
            alpha = 1 - self.confidence
            boot = boot.mean(axis=0)  # (replicates, entities)
            med = np.median(boot, axis=0)
            low = value + np.quantile(boot, alpha / 2, axis=0) - med
            high = value + np.quantile(boot, 1 - alpha / 2, axis=0) - med
        else:
            low = high = np.full(n_ids, np.nan)
        n_per = pdata.n_per_id
        empty = n_per == 0
        if empty.any() and nb:
            if (~empty).any():
                wide_lo, wide_hi = float(low[~empty].min()), float(high[~empty].max())
            else:
                wide_lo, wide_hi = self.initial - self.scale, self.initial + self.scale
            low = np.where(empty, min(wide_lo, self.initial), low)
            high = np.where(empty, max(wide_hi, self.initial), high)
        return _scores(self.name, pdata, value, low, high, params=asdict(self) | {"policy": policy})

    @staticmethod
    def proba(scores: Scores, a, b) -> np.ndarray:
        ra, rb = _values(scores, a), _values(scores, b)
        return 1.0 / (1.0 + 10.0 ** ((rb - ra) / float(scores.params.get("scale", 400.0))))


# --------------------------------------------------------------------------- Bradley–Terry


@dataclass
class BradleyTerryScorer:
    prior_sd: float = 5.0  # Gaussian prior on θ (logits); the ridge is 1 / prior_sd²
    confidence: float = 0.95
    name: str = field(default="bt", init=False)

    def fit(self, data, ids=None, *, policy="skip", seed=None, rng=None) -> Scores:
        with one_blas_thread():
            return self._fit(pair_data(data, ids, policy), policy)

    def _fit(self, pdata: PairData, policy: str) -> Scores:
        n_ids = len(pdata.ids)
        i, j, y, n = pdata.aggregate()
        lam = 1.0 / self.prior_sd**2

        def f(theta):
            d = theta[i] - theta[j]
            ll = -(y * np.logaddexp(0.0, -d) + (n - y) * np.logaddexp(0.0, d)).sum()
            return -ll + 0.5 * lam * theta @ theta

        def grad(theta):
            d = theta[i] - theta[j]
            r = y - n * special.expit(d)
            g = -np.bincount(i, r, minlength=n_ids) + np.bincount(j, r, minlength=n_ids)
            return g + lam * theta

        def hess(theta):
            d = theta[i] - theta[j]
            pq = special.expit(d)
            wgt = n * pq * (1.0 - pq)
            h = np.zeros((n_ids, n_ids))
            np.add.at(h, (i, j), -wgt)
            np.add.at(h, (j, i), -wgt)
            h[np.diag_indices(n_ids)] = -h.sum(axis=1) + lam
            return h

        x0 = np.zeros(n_ids)
        converged = True
        if i.size:
            res = optimize.minimize(f, x0, jac=grad, hess=hess, method="trust-exact", options={"gtol": 1e-8})
            theta, converged = res.x, bool(res.success)
        else:
            theta = x0
        theta = theta - theta.mean()
        se = _centred_se(np.linalg.inv(hess(theta)))
        z = _z(self.confidence)
        return _scores(self.name, pdata, theta, theta - z * se, theta + z * se,
                       params=asdict(self) | {"policy": policy, "converged": converged})

    @staticmethod
    def proba(scores: Scores, a, b) -> np.ndarray:
        return special.expit(_values(scores, a) - _values(scores, b))


# --------------------------------------------------------------------------- Thurstonian


@dataclass
class ThurstonianScorer:
    prior_sd: float = 5.0  # prior on μ
    log_sigma_sd: float = 0.5  # prior on log σ (fixes the scale)
    confidence: float = 0.95
    maxiter: int = 5000
    name: str = field(default="thurstonian", init=False)

    def fit(self, data, ids=None, *, policy="skip", seed=None, rng=None) -> Scores:
        with one_blas_thread():
            return self._fit(pair_data(data, ids, policy), policy)

    def _fit(self, pdata: PairData, policy: str) -> Scores:
        n_ids = len(pdata.ids)
        i, j, y, n = pdata.aggregate()
        lam_mu, lam_rho = 1.0 / self.prior_sd**2, 1.0 / self.log_sigma_sd**2

        def fg(x):
            mu, rho = x[:n_ids], x[n_ids:]
            var = np.exp(2.0 * rho)
            s2 = var[i] + var[j]
            s = np.sqrt(s2)
            z = (mu[i] - mu[j]) / s
            lp, lq = special.log_ndtr(z), special.log_ndtr(-z)
            f = -(y * lp + (n - y) * lq).sum() + 0.5 * (lam_mu * mu @ mu + lam_rho * rho @ rho)
            logphi = -0.5 * z * z - 0.5 * np.log(2 * np.pi)
            dz = y * np.exp(logphi - lp) - (n - y) * np.exp(logphi - lq)  # d loglik / dz
            g_mu = -(np.bincount(i, dz / s, minlength=n_ids) - np.bincount(j, dz / s, minlength=n_ids))
            common = dz * z / s2  # d loglik/d rho_k = dz * (-z σ_k² / s²)
            g_rho = np.bincount(i, common * var[i], minlength=n_ids) + np.bincount(j, common * var[j], minlength=n_ids)
            return f, np.concatenate([g_mu + lam_mu * mu, g_rho + lam_rho * rho])

        x0 = np.zeros(2 * n_ids)
        if i.size:
            # a Bradley–Terry-like start: μ from win shares, which L-BFGS then refines
            share = (np.bincount(i, y, minlength=n_ids) + np.bincount(j, n - y, minlength=n_ids) + 0.5) / (
                pdata.n_per_id + 1.0)
            x0[:n_ids] = stats.norm.ppf(np.clip(share, 0.01, 0.99)) * np.sqrt(2.0)
            res = optimize.minimize(fg, x0, jac=True, method="L-BFGS-B",
                                    options={"maxiter": self.maxiter, "gtol": 1e-7, "ftol": 1e-13})
            x, converged = res.x, bool(res.success)
        else:
            x, converged = x0, True
        h = _numeric_hessian(lambda v: fg(v)[1], x)
        try:
            cov = np.linalg.inv(h)
        except np.linalg.LinAlgError:
            cov = np.linalg.pinv(h)
        # Report μ in fixed units: mean zero and geometric-mean σ of 1, μ' = (μ − mean μ) / g with
        # g = exp(mean log σ). The data cannot tell the overall scale apart (only the prior does),
        # so its uncertainty must not widen every interval: the delta method on μ' removes it.
        g = float(np.exp(x[n_ids:].mean()))
        mu = (x[:n_ids] - x[:n_ids].mean()) / g
        sigma = np.exp(x[n_ids:]) / g
        jac = np.hstack([(np.eye(n_ids) - 1.0 / n_ids) / g, -np.outer(mu, np.ones(n_ids)) / n_ids])
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, cov, jac), 0.0, None))
        z = _z(self.confidence)
        return _scores(self.name, pdata, mu, mu - z * se, mu + z * se, sigma=sigma,
                       params=asdict(self) | {"policy": policy, "converged": converged})

    @staticmethod
    def proba(scores: Scores, a, b) -> np.ndarray:
        sa = np.array([scores[e].sigma for e in np.atleast_1d(a)], dtype=float)
        sb = np.array([scores[e].sigma for e in np.atleast_1d(b)], dtype=float)
        return special.ndtr((_values(scores, a) - _values(scores, b)) / np.sqrt(sa**2 + sb**2))


def _centred_se(cov: np.ndarray) -> np.ndarray:
    """Standard errors of the values *after* centring to mean zero: the common level is set by the
    prior alone, so its (large) variance must not leak into every entity's interval."""
    k = cov.shape[0]
    proj = np.eye(k) - 1.0 / k
    return np.sqrt(np.clip(np.diag(proj @ cov @ proj), 0.0, None))


def _numeric_hessian(grad, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    k = x.size
    h = np.empty((k, k))
    for c in range(k):
        step = np.zeros(k)
        step[c] = eps
        h[:, c] = (grad(x + step) - grad(x - step)) / (2 * eps)
    return 0.5 * (h + h.T)


# --------------------------------------------------------------------------- shared


def _values(scores: Scores, ids) -> np.ndarray:
    return np.array([scores[e].value for e in np.atleast_1d(ids)], dtype=float)


def _scores(name: str, pdata: PairData, value, low, high, *, sigma=None, params=None) -> Scores:
    n_per = pdata.n_per_id
    out = {}
    for k, eid in enumerate(pdata.ids):
        out[eid] = Score(value=float(value[k]), low=float(low[k]), high=float(high[k]), n=float(n_per[k]),
                         sigma=None if sigma is None else float(sigma[k]))
    return Scores(scorer=name, scores=out, n_comparisons=float(pdata.w.sum()), params=dict(params or {}))


SCORERS: dict[str, type] = {"elo": EloScorer, "bt": BradleyTerryScorer, "thurstonian": ThurstonianScorer}


def get_scorer(name: str, **options: Any) -> Scorer:
    """A configured scorer by registry name (``"elo"``, ``"bt"``, ``"thurstonian"``)."""
    try:
        cls = SCORERS[name]
    except KeyError:
        raise ValueError(f"unknown scorer {name!r}; choose one of {sorted(SCORERS)}") from None
    return cls(**options)


def fit(name: str, data, ids: Sequence[str] | None = None, *, policy: Policy = "skip", seed: int | None = None,
        rng: np.random.Generator | None = None, **options: Any) -> Scores:
    return get_scorer(name, **options).fit(data, ids, policy=policy, seed=seed, rng=rng)


def fit_all(data, ids: Sequence[str] | None = None, *, scorers: Sequence[str] = tuple(SCORERS),
            policy: Policy = "skip", seed: int | None = None,
            options: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Scores]:
    """Fit several scorers to the same data (read once). ``options`` maps scorer name → settings."""
    pdata = pair_data(data, ids, policy)
    opts = options or {}
    unknown = set(opts) - set(scorers)
    if unknown:
        raise ValueError(f"options for scorers not being fitted: {sorted(unknown)}")
    return {name: get_scorer(name, **opts.get(name, {})).fit(pdata, seed=seed) for name in scorers}


def predict_proba_many(scores: Scores, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """P(a[k] preferred to b[k]) for each k, under the model of the scorer that made ``scores``."""
    try:
        cls = SCORERS[scores.scorer]
    except KeyError:
        raise ValueError(f"scores come from unknown scorer {scores.scorer!r}") from None
    return np.asarray(cls.proba(scores, list(a), list(b)), dtype=float)


def predict_proba(scores: Scores, a: str, b: str) -> float:
    """P(a preferred to b) (position ignored) under the model of the scorer that made ``scores``."""
    return float(predict_proba_many(scores, [a], [b])[0])
