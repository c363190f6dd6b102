"""The runner's speed against the physical limit: agentic episodes per second, and peak memory.

For concurrency 1, 4 and 16: N agentic episodes (donor-sql, solved or failed by synthetic/planted
as its planted probabilities say) through ``run_many`` into a fresh run directory, against the
engine's own churn limit at that parallelism (docker-py create + start + exec + remove, nothing of
prefgym), which bounds any episode that needs a fresh container. Also episodes per second for a
chat suite (no container: the runner and the model path alone), and the process's peak RSS.

    .venv/bin/python benchmarks/runner.py [--n 32]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time

from prefgym.entities import default_catalog
from prefgym.models import Gateway, use_gateway
from prefgym.runner.many import RunOptions, run_many
from prefgym.runner.rundir import RunDir
from prefgym.runner.specs import SuitePlan, build_specs

from sandbox import engine_churn  # noqa: E402  (benchmarks/sandbox.py, run from this folder)


def episodes_per_s(suite_plan: SuitePlan, n_entities: int, seeds: int, concurrency: int) -> tuple[int, float]:
    catalog = default_catalog().subset(default_catalog().ids[:n_entities])
    plan = suite_plan.model_copy(update={"seeds": seeds})
    specs = build_specs(plan, "synthetic/planted", catalog)
    with tempfile.TemporaryDirectory() as out, use_gateway(Gateway()):
        run = RunDir(out)
        run.start({"bench": concurrency})
        started = time.perf_counter()
        asyncio.run(run_many(specs, run, catalog, RunOptions(concurrency=concurrency, sandboxes=concurrency,
                                                             run_id="bench-runner")))
        return len(specs), len(specs) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=32, help="agentic episodes per concurrency level")
    args = ap.parse_args()
    from prefgym.sandbox.docker import engine

    image = engine.ensure_image()
    print(f"{'':34s} {'episodes/s':>11s} {'engine limit/s':>15s} {'ratio':>6s}")
    for c in (1, 4, 16):
        n, rate = episodes_per_s(SuitePlan(suite="agentic", tasks=["donor-sql"]), 8, max(1, args.n // 8), c)
        limit = args.n / engine_churn(image, args.n, c)  # containers per second, engine alone
        print(f"agentic, concurrency {c:2d} ({n} eps)     {rate:11.2f} {limit:15.2f} {rate / limit:6.2f}")
    n, rate = episodes_per_s(SuitePlan(suite="boolq", items=50), 8, 1, 16)
    print(f"boolq (no container), concurrency 16 ({n} eps) {rate:8.1f}")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
