"""A suite is one descriptor: everything prefgym knows about it, in one object beside its data.

Each built-in suite folder (``prefgym/tasks/<suite>/``) holds its tasks as data and a ``suite.py``
defining one :class:`Suite` subclass: the gym environment it is served as, the measure that reads
a chat answer (or none, when a grader scores work in a sandbox), what one trial contributes to the
trial table, the entity-level measures and which one the primary test correlates with preference,
the trial-level model, the planted effect a synthetic model has on it and how to simulate it for
power, and what an episode costs in model calls. The episode core, the analysis, the power
simulation, the dry run and the report iterate over descriptors; none of them names a suite. A new
suite is a new folder with a ``suite.py`` and its tasks: nothing else changes.

A :class:`Measure` reads one answer of a chat episode into a :class:`Reading` (values, whether the
answer was usable, a reward). The core keeps every reading (a probe may re-ask in a fresh context)
and stores what ``summarise`` makes of them, without interpreting any of it.

Tasks of a suite without a descriptor (a user's own folder) get :class:`Suite`'s defaults: the
episode's reward is the outcome, per entity and per trial.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from statistics import mean
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from prefgym.types import Episode, Framing, TaskSpec, TerminationReason

if TYPE_CHECKING:  # only for annotations: nothing here imports numpy or pandas at load time
    import numpy as np
    import pandas as pd

    from prefgym.models.synthetic import SyntheticParams

Direction = Literal["positive", "negative", "two-sided"]
DesignUnit = Literal["pairs", "items", "tasks"]


# ----------------------------------------------------------------------------------- measures


@dataclass
class Reading:
    """What one answer says: ``values`` (stored), ``valid`` (a usable answer, not a refusal or
    noise: a probe re-asks until it is), and the reward of the episode if it ends here."""

    values: dict[str, Any] = field(default_factory=dict)
    valid: bool = False
    reward: float = 0.0


class Measure(ABC):
    """Reads a chat answer. ``name`` is what a task.yaml's ``measure:`` field says."""

    name: ClassVar[str]

    @abstractmethod
    async def read(self, text: str, framing: Framing, task: TaskSpec, *, judge: str | None = None) -> Reading:
        """The reading of ``text``; ``judge`` names a model to read it instead of the rules, where
        the measure supports one."""

    def summarise(self, readings: list[Reading]) -> dict[str, Any]:
        """The episode's ``measurements`` from every reading so far, in order (at least one)."""
        last, first = readings[-1], readings[0]
        return {**last.values, "valid": last.valid, "attempts": len(readings),
                "first_outcome": first.values.get("outcome"),
                "attempt_log": [{"attempt": i, "outcome": r.values.get("outcome")} for i, r in enumerate(readings, 1)]}


# ----------------------------------------------------------------------------------- analysis pieces


@dataclass
class PlantedFit:
    """One logistic regression on the planted utilities (columns ``u``, ``u_b``) that recovers the
    synthetic model's effects: effect name → (term in the formula, sign of effect per coefficient)."""

    formula: str
    data: Any  # a pandas DataFrame
    terms: dict[str, tuple[str, float]]


@dataclass
class CallCost:
    """Model calls of one episode, for the dry run: calls, prompt and completion tokens, a note."""

    calls: int
    prompt_tokens: int
    completion_tokens: int
    note: str = ""


REPLY_TOKENS = 150


def rate_fit(trials: pd.DataFrame, outcome: str, effect: str) -> list[PlantedFit]:
    """The planted fit of a suite whose one effect moves a 0/1 outcome with the entity's utility,
    under the entity framing: ``outcome ~ u``."""
    d = trials[trials.condition == "default"].dropna(subset=[outcome, "u"])
    return [PlantedFit(f"{outcome} ~ u", d, {effect: ("u", 1.0)})]


def simulated_rate(u: np.ndarray, rng: np.random.Generator, *, base_logit: float, effect: float, items: int,
                   seeds: int = 1, entity_noise: float = 0.0, item_noise: float = 0.0) -> np.ndarray:
    """Each entity's share of successes over ``items`` items × ``seeds``, at probability
    σ(base_logit + effect · u + η_entity + ξ_item), as the synthetic model decides a yes/no question
    or an agentic task (η, ξ: its entity and item noise)."""
    import numpy as np

    eta = rng.normal(0.0, entity_noise, len(u)) if entity_noise else np.zeros(len(u))
    xi = rng.normal(0.0, item_noise, items) if item_noise else np.zeros(items)
    logit = base_logit + effect * u[:, None] + eta[:, None] + xi[None, :]
    p = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
    return rng.binomial(seeds, p).sum(axis=1) / (items * seeds)


@dataclass(frozen=True)
class NullDesign:
    """One simulated null study's size, and the noise unrelated to preference (log-odds SDs)."""

    entities: int = 16
    items: int = 4  # donation / refusal tasks, yes/no questions, agentic tasks
    pairs: int = 40  # pairs per task (each in both orders), pair suites
    seeds: int = 1  # repeats per entity and item
    entity_noise: float = 0.5
    item_noise: float = 0.5


def null_preferences(design: NullDesign, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """Entity ids and standardised preferences, unrelated to anything the null model does."""
    ids = [f"e{i:02d}" for i in range(design.entities)]
    pref = rng.normal(size=design.entities)
    return ids, (pref - pref.mean()) / pref.std()


def mean_preserving_shift(logit: float, sd: float) -> float:
    """The c with E σ(logit + η − c) = σ(logit) for η ~ N(0, sd²): entity offsets of mean zero
    on the log-odds scale still move the mean rate (σ is curved); a null whose framing effect is
    zero on the outcome's own scale needs them centred there."""
    import numpy as np
    from scipy.optimize import brentq

    if sd == 0:
        return 0.0
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    target = 1.0 / (1.0 + np.exp(-logit))
    return float(brentq(lambda c: float(weights @ (1.0 / (1.0 + np.exp(-(logit + sd * nodes - c))))) - target,
                        -10 * sd - 1, 10 * sd + 1))


def rate_null_trials(design: NullDesign, rng: np.random.Generator, *, base_logit: float, outcome: str,
                     controls: Sequence[str] = ()) -> pd.DataFrame:
    """A null study of a suite whose 0/1 outcome each entity earns per item: success with
    probability σ(base_logit + η_entity + ξ_item), η and ξ drawn with the design's noise. With
    ``controls``, each entity also meets every item under each control condition (which names no
    entity: σ(base_logit + ξ_item)), and the framed rate is centred on it, so that framing has no
    effect on average over entities (:func:`mean_preserving_shift`)."""
    import pandas as pd

    from prefgym.models.synthetic.behaviour import sigmoid

    ids, pref = null_preferences(design, rng)
    eta = rng.normal(scale=design.entity_noise, size=design.entities)
    xi = rng.normal(scale=design.item_noise, size=design.items)
    rows = []
    for item in range(design.items):
        shift = mean_preserving_shift(base_logit + xi[item], design.entity_noise) if controls else 0.0
        for e in range(design.entities):
            for condition in ("default", *controls):
                logit = base_logit + xi[item] + (eta[e] - shift if condition == "default" else 0.0)
                for _ in range(design.seeds):
                    y = float(rng.random() < sigmoid(logit))
                    rows.append({"entity": ids[e], "entity_b": None, "pref": pref[e], "pref_b": float("nan"),
                                 "item": f"item{item}", "condition": condition, outcome: y, "reward": y})
    return pd.DataFrame(rows)


def _valid(episodes: list[Episode]) -> list[Episode]:
    return [e for e in episodes if e.termination.reason != TerminationReason.INFRA_ERROR]


class Suite:
    """Defaults fit a suite whose outcome is the episode's reward; subclasses override."""

    name: ClassVar[str] = ""
    env_name: ClassVar[str | None] = None  # served as gymnasium id ``prefgym/<env_name>-v0``
    default_task: ClassVar[str | None] = None
    summary: ClassVar[str] = ""
    measure: ClassVar[Measure | None] = None

    outcome: ClassVar[str] = "success"  # the trial table's 0/1 outcome column, for the trial model
    contrast: ClassVar[str | None] = None  # the column of the top-vs-bottom contrast (default: outcome)
    primary: ClassVar[str] = "reward"  # the entity-level measure a primary test correlates with preference
    aliases: ClassVar[dict[str, str]] = {}  # other names a study file may give that measure
    direction: ClassVar[Direction] = "two-sided"  # the sign a planted model's effect gives the link
    design_unit: ClassVar[DesignUnit] = "tasks"  # what a power design counts per entity for this suite
    effects: ClassVar[tuple[str, ...]] = ()  # the synthetic model's effect parameters that act here

    def __init__(self, name: str | None = None):
        if name is not None:  # a suite without a descriptor of its own
            self.name = name

    # ------------------------------------------------------------------ trials and entities

    def trial(self, episode: Episode) -> dict[str, Any]:
        """This suite's columns of one episode's row in the trial table (beyond the common ones)."""
        return {}

    def entity_measures(self, episodes: list[Episode]) -> dict[str, dict[str, float]]:
        """measure name → entity id → value, over finished episodes of this suite and one model."""
        rewards: dict[str, list[float]] = defaultdict(list)
        for e in _valid(episodes):
            rewards[e.spec.entity].append(e.reward)
        return {"reward": {k: mean(v) for k, v in rewards.items()}}

    def resolve_measure(self, name: str) -> str:
        return self.primary if name == self.primary else self.aliases.get(name, name)

    def measure_names(self, conditions: Sequence[str] = ("default",)) -> set[str]:
        """Every entity-level measure :meth:`entity_measures` gives for a plan with ``conditions``:
        what a primary hypothesis may name (checked before a run, so a typo is no silent drop)."""
        return {self.primary}

    def trial_model(self, trials: pd.DataFrame) -> tuple[str, pd.DataFrame] | None:
        """A logistic model of the outcome on preference: its formula and the rows it is fitted on."""
        d = trials[trials.condition == "default"].dropna(subset=[self.outcome, "pref"])
        return f"{self.outcome} ~ pref", d

    def contrast_column(self) -> str:
        return self.contrast or self.outcome

    def planted_fits(self, trials: pd.DataFrame) -> list[PlantedFit]:
        """Regressions on the planted utilities that recover this suite's effects (none by default)."""
        return []

    def checks(self, trials: pd.DataFrame) -> dict[str, dict[str, dict[str, int]]]:
        """Extra tables for the report: name → row → column → count (none by default)."""
        return {}

    # ------------------------------------------------------------------ power and cost

    def tests(self, trials: pd.DataFrame) -> dict[str, dict[str, Any]]:
        """This suite's own tests beyond the link, the trial model and the contrast (exploratory),
        by name: each with its statistic, p-value, unit and method."""
        return {}

    def null_trials(self, design: NullDesign, rng: np.random.Generator) -> pd.DataFrame | None:
        """A trial table of one simulated null study (``synthetic/null``'s rules plus the design's
        entity and item noise; preference unrelated to both), for checking that the report's tests
        hold their α (:mod:`prefgym.analysis.nullcheck`); None when this suite has none."""
        return None

    def entity_outcomes(self, trials: pd.DataFrame) -> pd.Series:
        """Each entity's mean outcome in a trial table: what a link over entities correlates."""
        return trials.groupby("entity")[self.contrast_column()].mean()

    def simulate(self, params: SyntheticParams, u: np.ndarray, design: Any, rng: np.random.Generator,
                 pairs: list[tuple[int, int]]) -> np.ndarray | None:
        """One simulated study's primary measure per entity (NaN where unmeasured), drawn from the
        synthetic model's own decision rules; None when this suite cannot be simulated."""
        return None

    def cost(self, task: TaskSpec, condition: str) -> CallCost:
        """Model calls of one episode of ``task``: one answer to the opening, by default."""
        from prefgym.models import approx_tokens

        opening = task.openings.get(condition, task.user.opening)
        prompt = approx_tokens(task.system_prompt) + approx_tokens(opening) + 40
        return CallCost(1, prompt, REPLY_TOKENS)


class RateSuite(Suite):
    """A suite whose 0/1 outcome an entity earns per item at a rate the synthetic model sets by
    one base probability and one effect (yes/no accuracy, agentic task success): its planted fit,
    null studies and power simulation are the same shape, written once here."""

    base_rate: ClassVar[str] = ""  # the SyntheticParams field of the rate at utility 0
    effect: ClassVar[str] = ""  # the SyntheticParams effect that moves it
    controls: ClassVar[tuple[str, ...]] = ()  # conditions naming no entity, simulated in null studies

    def planted_fits(self, trials):
        return rate_fit(trials, self.outcome, self.effect)

    def null_trials(self, design, rng):
        from prefgym.models.synthetic import SyntheticParams

        base = SyntheticParams.logit(getattr(SyntheticParams(), self.base_rate))
        return rate_null_trials(design, rng, base_logit=base, outcome=self.outcome, controls=self.controls)

    def simulate(self, params, u, design, rng, pairs):
        per_entity = design.items if self.design_unit == "items" else design.tasks
        return simulated_rate(u, rng, base_logit=params.logit(getattr(params, self.base_rate)),
                              effect=params.effect(self.effect), items=per_entity, seeds=design.seeds,
                              entity_noise=params.entity_noise, item_noise=params.item_noise)


# ----------------------------------------------------------------------------------- the registry

SUITES_DIR = Path(__file__).parent


@lru_cache(maxsize=1)
def builtin_suites() -> dict[str, Suite]:
    """Every ``prefgym/tasks/<folder>/suite.py``'s descriptor, by suite name."""
    found: dict[str, Suite] = {}
    for module_file in sorted(SUITES_DIR.glob("*/suite.py")):
        module = importlib.import_module(f"prefgym.tasks.{module_file.parent.name}.suite")
        suite = module.SUITE
        if suite.name in found:
            raise RuntimeError(f"{module_file}: suite {suite.name!r} is defined twice")
        found[suite.name] = suite
    return found


def get_suite(name: str) -> Suite:
    """The descriptor of ``name``; a suite without one (a user's own tasks) gets the defaults."""
    return builtin_suites().get(name) or Suite(name)


def measures() -> dict[str, Measure]:
    """Every measure a task may name, by name."""
    return {s.measure.name: s.measure for s in builtin_suites().values() if s.measure is not None}

