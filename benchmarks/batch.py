"""The batch path's overhead per 10,000 requests, against the unbatched path and the physical limit.

Every path answers the same pairwise questions with the synthetic model ``synthetic/planted``:

- floor: the answers computed directly (``synthetic_answer``), no gateway, no litellm, no HTTP:
  what any path must at least spend;
- unbatched: ``complete()`` through the gateway and litellm's custom handler, 16 at a time (the
  default provider cap), recorded into a temp run directory's calls.jsonl;
- batched: ``complete()`` inside ``batch_calls()``: a JSONL file uploaded through litellm's
  ``create_file``, ``create_batch``, polled with ``retrieve_batch``, the output downloaded with
  ``file_content``, to the synthetic endpoint on 127.0.0.1, with the journal written in a temp run
  directory (fsync'd).

Prints seconds per 10,000 requests and the ratios. A hosted provider's batch takes minutes to
hours; what is measured here is prefgym's own cost around it.

    python benchmarks/batch.py [--n 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from prefgym.entities import default_catalog  # noqa: E402
from prefgym.models import BatchConfig, Gateway, batch_calls, complete, use_gateway  # noqa: E402
from prefgym.models.synthetic.answer import synthetic_answer  # noqa: E402
from prefgym.runner import RunDir  # noqa: E402
from prefgym.tasks import synthetic_world  # noqa: E402

MODEL = "synthetic/planted"


def requests(n: int, world) -> list[list[dict]]:
    names = [world.entity_name(e) for e in world.entity_ids()]
    pairs = [(a, b) for a in names for b in names if a != b]
    return [[{"role": "user", "content": f"Which do you prefer? A) {a} or B) {b}. Answer A or B."}]
            for a, b in pairs[:n]]


async def through_gateway(gateway: Gateway, asks: list[list[dict]], batched: bool) -> float:
    started = time.perf_counter()
    with use_gateway(gateway), batch_calls(batched):
        answers = await asyncio.gather(*(complete(MODEL, m, temperature=1.0) for m in asks))
    assert len(answers) == len(asks)
    return time.perf_counter() - started


async def both(tmp: str, world, asks: list[list[dict]]) -> tuple[float, float, int]:
    """Each path warmed first (litellm imported, the endpoint started), each recording into a run."""
    runs = [RunDir(os.path.join(tmp, name)) for name in ("warm", "plain", "warm-batch", "batch")]
    await through_gateway(runs[0].gateway(world), asks[:50], False)
    unbatched = await through_gateway(runs[1].gateway(world), asks, False)
    await through_gateway(runs[2].gateway(world, batch=BatchConfig()), asks[:50], True)
    gateway = runs[3].gateway(world, batch=BatchConfig())
    batched = await through_gateway(gateway, asks, True)
    return unbatched, batched, gateway.batcher.progress.submitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per path (figures are scaled to 10,000)")
    args = parser.parse_args()
    world = synthetic_world(default_catalog().entities, [])
    asks = requests(args.n, world)
    n = len(asks)

    started = time.perf_counter()
    for m in asks:
        synthetic_answer(MODEL, world, m, None, 0)
    floor = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        unbatched, batched, batches = asyncio.run(both(tmp, world, asks))  # one loop: litellm keeps its clients
    per = 10_000 / n
    print(f"{n:,} pairwise requests to {MODEL} ({batches} batch(es)); seconds per 10,000 requests")
    print(f"{'floor: synthetic answers computed directly':48} {floor * per:10.2f}")
    print(f"{'unbatched: complete() through litellm, 16 at once':48} {unbatched * per:10.2f}")
    print(f"{'batched: files + batches API over HTTP, journal':48} {batched * per:10.2f}")
    print(f"batched / unbatched {batched / unbatched:.2f}; batched / floor {batched / floor:.1f}; "
          f"unbatched / floor {unbatched / floor:.1f}; batch overhead over the floor "
          f"{(batched - floor) * per:.2f} s per 10,000")


if __name__ == "__main__":
    main()
