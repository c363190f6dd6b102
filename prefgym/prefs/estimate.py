"""How many calls a preference measurement will make, and what it may cost, before it makes any."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prefgym.models import approx_tokens, estimate_cost
from prefgym.prefs.config import PreferencesConfig
from prefgym.types import Entity


@dataclass
class CallEstimate:
    probe: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None  # None: litellm has no price for this model



def estimate_calls(model: str, cfg: PreferencesConfig, entities: Sequence[Entity]) -> list[CallEstimate]:
    from prefgym.prefs.sampling import default_budget  # with the scorers: only when counting calls

    n = len(entities)
    probes = ["pairwise", "active", "ranking"] if cfg.method == "all" else [cfg.method]
    system = approx_tokens(cfg.system_prompt or "")
    out = []
    for probe in probes:
        if probe == "ranking":
            calls, prompt = cfg.ranking_repeats, system + approx_tokens(cfg.ranking_prompt(entities))
            completion = cfg.ranking_max_tokens or 16 * n + 32
        else:
            every = n * (n - 1) // 2
            held = min(cfg.heldout_pairs, every)
            pairs = every if probe == "pairwise" else min(cfg.active_budget or default_budget(n), every - held) + held
            calls = 2 * (cfg.samples if probe == "pairwise" else cfg.active_samples) * pairs
            prompt = system + approx_tokens(cfg.pairwise_prompt(entities[0], entities[-1])) if entities else 0
            completion = cfg.max_tokens or 16
        cost = estimate_cost(model, prompt * calls, completion * calls)
        out.append(CallEstimate(probe, calls, prompt * calls, completion * calls, cost))
    return out
