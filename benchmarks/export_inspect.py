"""``prefgym export --format inspect`` against the physical limit: seconds per 10,000 episodes.

A real small run (boolq and donation_advice by two synthetic models, no container; with
``--agentic``, also donor-sql in a real sandbox, tool calls and all) is replicated to N episodes
(default 10,000) through ``RunDir.append``, each clone with a new id and seed, so every one is its
own sample. Timed, median and p90 of ``--repeat`` rounds, in seconds per 10,000 episodes:

  (a) the export: every (model, suite) log built with Inspect's classes and written as ``.eval``;
  (b) the limit: reading and validating the same episodes.jsonl through ``RunDir.episodes()``,
      which the export has to do first;
  (c) also: reading them so and writing them back as one JSON document (``json.dumps``), the
      least a converter to another JSON format does;

and the ratios (a) ÷ (b) and (a) ÷ (c), and the size of the logs against episodes.jsonl.

    .venv/bin/python benchmarks/export_inspect.py [--n 10000] [--repeat 3] [--agentic]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path

from prefgym.analysis.inspect_log import write_logs
from prefgym.entities import default_catalog
from prefgym.models import Gateway, use_gateway
from prefgym.runner.many import RunOptions, run_many
from prefgym.runner.rundir import RunDir
from prefgym.runner.specs import SuitePlan, build_specs

from sandbox import row  # noqa: E402  (benchmarks/sandbox.py, run from this folder)

MODELS = ("synthetic/planted", "synthetic/null")
PER = 10_000


def real_episodes(folder: Path, agentic: bool) -> list:
    catalog = default_catalog().subset(default_catalog().ids[:4])
    plans = [SuitePlan(suite="boolq", items=3), SuitePlan(suite="donation_advice", tasks=["advice-torn"], pairs=2)]
    if agentic:
        plans.append(SuitePlan(suite="agentic", tasks=["donor-sql"]))
    specs = [s for plan in plans for model in MODELS for s in build_specs(plan, model, catalog)]
    run = RunDir(folder)
    run.start({"bench": "export_inspect"})
    with use_gateway(Gateway()):
        asyncio.run(run_many(specs, run, catalog, RunOptions(concurrency=8, sandboxes=2, run_id="bench-export")))
    return list(run.episodes())


def replicate(templates: list, folder: Path, n: int) -> RunDir:
    run = RunDir(folder)
    run.start({"bench": "export_inspect", "n": n})
    for k in range(n):
        e = templates[k % len(templates)]
        seed = 1000 + k // len(templates)
        run.append(e.model_copy(update={"id": f"{k:032x}", "spec": e.spec.model_copy(update={"seed": seed})}))
    return run


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=PER, help="episodes in the replicated run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--agentic", action="store_true", help="also an agentic episode (needs Docker)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        templates = real_episodes(Path(tmp) / "real", args.agentic)
        run = replicate(templates, Path(tmp) / "big", args.n)
        size = run.episodes_path.stat().st_size
        print(f"{len(templates)} real episodes → {args.n:,} in {size / 2**20:.1f} MiB of episodes.jsonl "
              f"({size / args.n / 1024:.1f} KiB each)")
        scale = PER / args.n
        print(f"{'seconds per 10,000 episodes':48} {'median':>10} {'p90':>10}")

        def export() -> None:
            shutil.rmtree(run.inspect_dir(), ignore_errors=True)
            write_logs(run.path)

        def write_json() -> None:
            records = [e.model_dump(mode="json") for e in run.episodes()]
            (Path(tmp) / "same.json").write_text(json.dumps(records))

        ours = row("(a) export --format inspect", timed(export, args.repeat), unit=scale)
        read = row("(b) read + validate episodes.jsonl (RunDir)", timed(lambda: list(run.episodes()), args.repeat),
                   unit=scale)
        both = row("(c) read + write them as one JSON document", timed(write_json, args.repeat), unit=scale)
        logs = sorted(run.inspect_dir().glob("*"))
        out = sum(p.stat().st_size for p in logs)
        print(f"{len(logs)} logs, {out / 2**20:.1f} MiB in all ({out / size:.2f} × episodes.jsonl)")
        print(f"ratio (a) ÷ (b): {ours / read:.1f}×   (a) ÷ (c): {ours / both:.1f}×")


if __name__ == "__main__":
    main()
