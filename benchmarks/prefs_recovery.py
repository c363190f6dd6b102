"""Does preference elicitation recover the truth, and at what price? Checked on planted utilities.

On ``synthetic/planted`` (default noise) over the first N entities of the default catalog:
full pairwise (both orders, K samples), active sampling (its default budget of 2·N·log2 N pairs),
and direct ranking. Prints, per method and scorer, Spearman ρ between recovered scores and the
planted utilities, the calls each method made, and active sampling's calls as a share of full
pairwise's. Also the gateway's cost per synthetic call (the floor under every number here).

    .venv/bin/python benchmarks/prefs_recovery.py [--entities 72] [--samples 10] [--seed 0]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from scipy.stats import spearmanr

from prefgym.entities import default_catalog
from prefgym.models import Gateway, use_gateway
from prefgym.models.synthetic import parse_model_id, utility
from prefgym.prefs.config import PreferencesConfig, Probe
from prefgym.prefs.measure import measure
from prefgym.tasks import synthetic_world


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=72)
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    model = f"synthetic/planted:seed={args.seed}"
    entities = default_catalog().entities[: args.entities]
    params = parse_model_id(model)
    truth = {e.id: utility(params, e.id) for e in entities}
    probe = Probe(model, PreferencesConfig(samples=args.samples, ranking_repeats=args.repeats, heldout_pairs=100),
                  seed=args.seed)
    started = time.perf_counter()
    with use_gateway(Gateway(world=synthetic_world(entities))):
        summary = asyncio.run(measure(probe, entities)).summary
    seconds = time.perf_counter() - started

    def rho(values: dict[str, float]) -> float:
        return spearmanr([truth[i] for i in values], list(values.values()))[0]

    print(f"{model}, {len(entities)} entities, K={args.samples}, {seconds:.0f} s, "
          f"{summary.calls['provider_calls'] / seconds:.0f} calls/s")
    for method in ("pairwise", "active"):
        print(f"{method:9s} {getattr(summary, method).answers:7,d} calls  " + "  ".join(
            f"{scorer} ρ={rho({e: v.fitted(method)[scorer].value for e, v in summary.entities.items()}):.3f}"
            for scorer in ("elo", "bt", "thurstonian")))
    ranks = {e: -v.ranking.mean_rank for e, v in summary.entities.items()}
    print(f"ranking   {summary.ranking.repeats:7,d} calls  mean rank ρ={rho(ranks):.3f}")
    held = summary.active.heldout
    fitted = summary.active.answers - summary.active.heldout_answers
    print(f"active: {fitted:,} calls fitted = {fitted / summary.pairwise.answers:.1%} of full pairwise, "
          f"plus {summary.active.answers - fitted:,} held-out calls "
          f"(accuracy {held.accuracy:.3f}, log-loss {held.log_loss:.3f})")
    print(f"method agreement pairwise/thurstonian vs ranking: {summary.method_agreement('pairwise'):.3f}")


if __name__ == "__main__":
    main()
