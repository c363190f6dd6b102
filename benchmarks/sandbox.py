"""How fast is one tool call through prefgym's sandbox, against the engine's own ``exec_run``?

Prints medians and p90s over N calls of ``echo hi`` on the same container, and their ratio. The
physical limit here is the engine: ``exec_run`` is one HTTP round trip plus a process start.

    .venv/bin/python benchmarks/sandbox.py [--n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from prefgym.sandbox.docker import DockerSandbox, engine


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[int(0.9 * (len(ordered) - 1))] * 1e3


async def main(n: int) -> None:
    engine.ensure_image()
    cold = []
    for _ in range(5):
        t0 = time.perf_counter()
        sb = await DockerSandbox.create(run_id="bench")
        await sb.exec("true")
        cold.append(time.perf_counter() - t0)
        await sb.close()
    sb = await DockerSandbox.create(run_id="bench")
    try:
        container = engine.client().containers.get(sb.container_id)
        ours, theirs = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            r = await sb.exec("echo hi")
            ours.append(time.perf_counter() - t0)
            assert r.stdout == "hi\n"
        for _ in range(max(20, n // 5)):
            t0 = time.perf_counter()
            code, out = container.exec_run(["bash", "-c", "echo hi"], user="1000")
            theirs.append(time.perf_counter() - t0)
            assert out == b"hi\n"
    finally:
        await sb.close()
    (om, op), (tm, tp), (cm, cp) = summary(ours), summary(theirs), summary(cold)
    print(f"{'':40} {'median ms':>10} {'p90 ms':>10}")
    print(f"{'prefgym exec (echo hi)':40} {om:10.2f} {op:10.2f}")
    print(f"{'docker-py exec_run (echo hi)':40} {tm:10.2f} {tp:10.2f}")
    print(f"{'cold sandbox: create + first exec':40} {cm:10.1f} {cp:10.1f}")
    print(f"ratio (a) prefgym exec / exec_run = {om / tm:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    asyncio.run(main(parser.parse_args().n))
