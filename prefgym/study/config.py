"""A study file, validated completely before anything runs (an error names the file and the field)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from prefgym.errors import ConfigError
from prefgym.entities.sample import EntitySampling
from prefgym.models import BatchConfig
from prefgym.prefs.config import PreferencesConfig
from prefgym.runner.specs import SuitePlan
from prefgym.types import Budget, Record, Sampling
from prefgym.yamlfile import read_mapping


class StudyError(ConfigError):
    """A study file, or a run's configuration, that cannot be run: the file and field are named."""


class EntitiesConfig(Record):
    catalog: str | None = None  # a catalog YAML (relative to the study file); default: the built-in charities
    ids: list[str] | None = None  # only these entities
    limit: int | None = Field(None, ge=2)  # only N entities: a sample of them (see ``sample``)
    # how the N are chosen: a seeded sample stratified by cause (first tag), or the catalog's first N
    sample: EntitySampling = "stratified"
    sample_seed: int | None = None  # default: the study's seed


class Hypothesis(Record):
    """A primary hypothesis, declared before the run: the family corrected for multiple comparisons."""

    name: str
    suite: str
    measure: str  # e.g. chosen_share, refused_first, correct, reward
    direction: Literal["positive", "negative", "two-sided"] = "two-sided"


class ConcurrencyConfig(Record):
    episodes: int = Field(8, ge=1)
    sandboxes: int = Field(4, ge=1)
    retries: int = Field(2, ge=0)


class StudyConfig(Record):
    """The one configuration record of a run: a study file is one, and ``prefgym run`` builds one from
    its options (no preferences stage, no hypotheses). It is written whole into the manifest, and a
    resumed run must match it."""

    name: str
    models: list[str] = Field(min_length=1)
    entities: EntitiesConfig = Field(default_factory=EntitiesConfig)
    seed: int = 0
    preferences: PreferencesConfig | None = Field(default_factory=PreferencesConfig)
    suites: list[SuitePlan] = Field(default_factory=list)
    user: str = "scripted"  # or a model id playing the user
    judge: str | None = None  # a model that reads chat answers instead of the rules
    # how the models under test sample in stage two, the same for every model (recorded in each spec)
    sampling: Sampling = Field(default_factory=lambda: Sampling(temperature=1.0, max_tokens=4096))
    # what one episode of a model under test may spend (tokens, dollars); unset: no limit
    budget: Budget | None = None
    concurrency: ConcurrencyConfig = Field(default_factory=ConcurrencyConfig)
    primary_hypotheses: list[Hypothesis] = Field(default_factory=list)
    correction: Literal["holm", "bonferroni"] = "holm"
    # entities on each side of the report's most- vs least-preferred contrast, where a plan does not
    # choose them itself (a plan of the top and bottom k compares those k)
    contrast_k: int = Field(5, ge=2)
    anonymize: bool = False
    # the report's power of this design: simulated studies per effect size (0: no power section)
    power_studies: int = Field(0, ge=0)
    # send the calls that can wait (preferences, single-turn episodes) through providers' batch
    # APIs (`true` or settings; `--batch` is `true`). How calls travel is not part of what a resumed
    # run must match: the answers are the same.
    batch: BatchConfig | None = None

    @field_validator("batch", mode="before")
    @classmethod
    def _batch_true(cls, value: object) -> object:
        if value is True:
            return {}
        return None if value is False else value

    def run_config(self) -> dict:
        """What the manifest holds and a resumed run must match (the batch settings aside)."""
        return self.model_dump(mode="json", exclude={"batch"})

    @model_validator(mode="after")
    def _extremes_need_preferences(self) -> StudyConfig:
        for i, plan in enumerate(self.suites):
            if not isinstance(plan.entities, (str, list)) and self.preferences is None:
                raise ValueError(f"suites[{i}] ({plan.suite}) picks top/bottom entities, which needs a preferences stage")
        return self


def load_study(path: str | Path) -> StudyConfig:
    path = Path(path)
    raw = read_mapping(path, StudyError, "a study file")
    try:
        study = StudyConfig.model_validate(raw)
    except ValidationError as e:
        problems = [f"field '{'.'.join(str(p) for p in err['loc']) or '(study)'}': {err['msg']}" for err in e.errors()[:5]]
        raise StudyError(f"{path}: " + "; ".join(problems)) from None
    if study.entities.catalog and not Path(study.entities.catalog).is_absolute():
        study.entities.catalog = str((path.parent / study.entities.catalog).resolve())
    for plan in study.suites:  # a plan's items file, like the catalog, is relative to the study file
        if plan.items_file and not Path(plan.items_file).is_absolute():
            plan.items_file = str((path.parent / plan.items_file).resolve())
    return study
