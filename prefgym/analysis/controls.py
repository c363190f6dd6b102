"""The control conditions used as controls: the framing effect, and whether it follows preference.

A control condition (yes/no's ``no_entity`` and ``high_stakes``) names no entity, so the same
question is the same question for every entity: linking its accuracy to preference entity by
entity compares a constant with preference (ρ 0, p 1) and tells nothing. What the design can say
is (1) the **framing effect**: how the entity framing moves the outcome against the control, on
the same items; its unit is the item, since the control varies over items only: per item, the
mean over entities under the framing minus the control's mean, then a t interval over items;
and (2) its **interaction with preference**: whether the framing effect is larger for preferred
entities; its unit is the entity, since preference is: per entity, its mean over items of
(framed outcome − the control's outcome on that item), then Spearman over entities with a
permutation p, as every entity-level link.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from prefgym.analysis.stats import spearman_link
from prefgym.tasks import get_suite

FRAMING_METHOD = "paired over items: per item, framed mean over entities − control mean; t interval, items − 1 df"
INTERACTION_METHOD = "Spearman over entities of each entity's mean framed − control difference on the same items"


def _t_interval(d: np.ndarray) -> dict[str, float]:
    from scipy import stats as st

    n = len(d)
    mean = float(d.mean())
    if n < 2:
        return {"diff": mean, "low": math.nan, "high": math.nan, "p": math.nan}
    se = float(d.std(ddof=1) / math.sqrt(n))
    if se == 0:
        return {"diff": mean, "low": mean, "high": mean, "p": 1.0 if mean == 0 else 0.0}
    t = st.t.ppf(0.975, n - 1)
    return {"diff": mean, "low": mean - t * se, "high": mean + t * se, "p": float(2 * st.t.sf(abs(mean / se), n - 1))}


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
        by_item = framed[framed.item.isin(items)].groupby("item")[y].mean()
        effect = _t_interval((by_item[items] - control[items]).to_numpy(float))
        paired = framed[framed.item.isin(items)]
        per_entity = (paired[y] - paired.item.map(control)).groupby(paired.entity).mean()
        out[condition] = {
            "framing_effect": {**effect, "items": len(items), "unit": "item", "method": FRAMING_METHOD},
            "interaction": {**spearman_link(prefs, per_entity.to_dict()), "unit": "entity", "method": INTERACTION_METHOD},
        }
    return out
