"""The control conditions used as controls: the framing effect, and whether it follows preference.

A control condition (yes/no's ``no_entity`` and ``high_stakes``) names no entity, so the same
question is the same question for every entity: linking its accuracy to preference entity by
entity compares a constant with preference (ρ 0, p 1) and tells nothing. What the design can say
is (1) the **framing effect**: how the entity framing moves the outcome against the control, on
the same items. Its differences d(entity, item) = framed outcome − the control's mean on that item
vary over two crossed populations, entities and items, so neither alone is the unit: a t interval
over items would treat the study's few entities as fixed, and one over entities the items. The
interval uses the crossed random-effects variance of the mean, (MS_entity + MS_item −
MS_residual) / (entities · items) from the two-way table of cell means, with Satterthwaite's
degrees of freedom; and (2) its **interaction with preference**: whether the framing effect is
larger for preferred entities; its unit is the entity, since preference is: per entity, its mean
over items of (framed outcome − the control's outcome on that item), then Spearman over entities
with a permutation p, as every entity-level link.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from prefgym.analysis.stats import spearman_link
from prefgym.tasks import get_suite

FRAMING_METHOD = ("framed − control on the same items; crossed entity × item variance of the mean "
                  "(two-way table of cell means), t with Satterthwaite df")
INTERACTION_METHOD = "Spearman over entities of each entity's mean framed − control difference on the same items"


def _complete(table: pd.DataFrame) -> pd.DataFrame:
    """The largest simple complete block of an entity × item table with holes (invalid answers):
    drop the items with a hole unless that leaves fewer than two, else the entities with one."""
    items = table.dropna(axis=1)
    return items if items.shape[1] >= 2 else table.dropna(axis=0)


def crossed_mean(table: pd.DataFrame) -> dict[str, float]:
    """The grand mean of an entity × item table with its interval and p against 0, entities and
    items both random (see the module docstring)."""
    from scipy import stats as st

    x = _complete(table).to_numpy(float)
    n_e, n_i = x.shape
    mean = float(x.mean()) if x.size else math.nan
    if n_e < 2 or n_i < 2:
        return {"diff": mean, "low": math.nan, "high": math.nan, "p": math.nan, "entities": n_e, "items": n_i}
    row, col = x.mean(axis=1, keepdims=True), x.mean(axis=0, keepdims=True)
    ms_e = n_i * float(((row - mean) ** 2).sum()) / (n_e - 1)
    ms_i = n_e * float(((col - mean) ** 2).sum()) / (n_i - 1)
    ms_r = float(((x - row - col + mean) ** 2).sum()) / ((n_e - 1) * (n_i - 1))
    v = ms_e + ms_i - ms_r
    if v <= 0:  # an estimate of a variance below zero: the conservative sum instead
        v = ms_e + ms_i
    if v == 0:
        return {"diff": mean, "low": mean, "high": mean, "p": 1.0 if mean == 0 else 0.0, "entities": n_e, "items": n_i}
    df = v ** 2 / (ms_e ** 2 / (n_e - 1) + ms_i ** 2 / (n_i - 1) + ms_r ** 2 / ((n_e - 1) * (n_i - 1)))
    se = math.sqrt(v / (n_e * n_i))
    t = st.t.ppf(0.975, df)
    return {"diff": mean, "low": mean - t * se, "high": mean + t * se, "p": float(2 * st.t.sf(abs(mean / se), df)),
            "df": float(df), "entities": n_e, "items": n_i}


def control_contrasts(frame: pd.DataFrame, suite: str, prefs: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Per control condition of ``suite`` present in ``frame`` (one model's trials): the framing
    effect (framed − control, in the outcome's units) and its link with preference."""
    y = get_suite(suite).outcome
    df = frame[frame.suite == suite].dropna(subset=[y]) if y in frame else frame.iloc[0:0]
    framed = df[df.condition == "default"]
    out: dict[str, dict[str, Any]] = {}
    for condition in sorted(set(df.condition) - {"default"}):
        control = df[df.condition == condition].groupby("item")[y].mean()
        items = sorted(set(control.index) & set(framed.item))
        if not items:
            continue
        paired = framed[framed.item.isin(items)]
        d = paired.assign(d=paired[y] - paired.item.map(control))
        effect = crossed_mean(d.pivot_table(index="entity", columns="item", values="d", aggfunc="mean"))
        per_entity = d.groupby("entity").d.mean()
        out[condition] = {
            "framing_effect": {**effect, "unit": "entity × item", "method": FRAMING_METHOD},
            "interaction": {**spearman_link(prefs, per_entity.to_dict()), "unit": "entity", "method": INTERACTION_METHOD},
        }
    return out
