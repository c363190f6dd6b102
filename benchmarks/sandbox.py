"""Sandbox speed and memory against the physical limit: the Docker engine driven by docker-py.

Prints medians and p90s, and three ratios:
  (a) one `echo hi` tool call through prefgym ÷ docker-py `exec_run` on the same container;
  (b) acquire from a warm pool ÷ a cold `containers.run` + first `exec_run`;
  (c) 32 short episodes (acquire, 5 commands, release) at concurrency 8 vs one at a time;
and the resident memory of this (runner) process and of one idle sandbox container.

    .venv/bin/python benchmarks/sandbox.py [--n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import time

from prefgym.sandbox import SandboxPool
from prefgym.sandbox.docker import DockerSandbox, engine

RUN_ID = "bench"


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def row(name: str, samples: list[float], unit: float = 1e3, fmt: str = "{:10.2f}") -> float:
    med, p90 = stats(samples)
    print(f"{name:48} {fmt.format(med * unit)} {fmt.format(p90 * unit)}")
    return med


async def exec_ratio(n: int) -> tuple[float, float]:
    sb = await DockerSandbox.create(run_id=RUN_ID)
    try:
        container = engine.client().containers.get(sb.container_id)
        ours, theirs = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            assert (await sb.exec("echo hi")).stdout == "hi\n"
            ours.append(time.perf_counter() - t0)
        for _ in range(max(20, n // 5)):
            t0 = time.perf_counter()
            _, out = container.exec_run(["bash", "-c", "echo hi"], user="1000")
            theirs.append(time.perf_counter() - t0)
            assert out == b"hi\n"
    finally:
        await sb.close()
    return row("(a) prefgym exec `echo hi`", ours), row("    docker-py exec_run `echo hi`", theirs)


def cold_run_once(image: str) -> float:
    t0 = time.perf_counter()
    c = engine.client().containers.run(image, detach=True, network_mode="none", labels={"prefgym.managed": "1",
                                       "prefgym.run": RUN_ID}, user="1000")
    c.exec_run(["bash", "-c", "echo hi"])
    elapsed = time.perf_counter() - t0
    engine.remove_container(c.id)
    return elapsed


async def acquire_ratio(image: str, n: int = 10) -> tuple[float, float]:
    cold = [await asyncio.to_thread(cold_run_once, image) for _ in range(n)]
    warm = []
    async with SandboxPool(lambda: DockerSandbox.create(run_id=RUN_ID), size=2) as pool:
        for _ in range(n):
            await pool.warm_up()
            t0 = time.perf_counter()
            sb = await pool.acquire()
            warm.append(time.perf_counter() - t0)
            await sb.close()
    return row("(b) acquire from a warm pool", warm), row("    docker-py containers.run + first exec_run", cold)


async def episodes(total: int, concurrency: int) -> float:
    async def one(pool: SandboxPool) -> None:
        sb = await pool.acquire()
        for i in range(5):
            assert (await sb.exec(f"echo step-{i} > /work/s{i}; cat /work/s{i}")).exit_code == 0
        await sb.close()

    gate = asyncio.Semaphore(concurrency)

    async def gated(pool: SandboxPool) -> None:
        async with gate:
            await one(pool)

    t0 = time.perf_counter()
    async with SandboxPool(lambda: DockerSandbox.create(run_id=RUN_ID), size=concurrency,
                           max_parallel_ops=4) as pool:
        await asyncio.gather(*[gated(pool) for _ in range(total)])
    return time.perf_counter() - t0


def engine_churn(image: str, total: int, threads: int) -> float:
    """The physical limit for (c): the engine alone running and removing ``total`` containers."""
    from concurrent.futures import ThreadPoolExecutor

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(lambda _: cold_run_once(image), range(total)))
    return time.perf_counter() - t0


def container_memory_bytes(container_id: str) -> int:
    s = engine.client().api.stats(container_id, stream=False)
    mem = s["memory_stats"]
    return mem.get("usage", 0) - mem.get("stats", {}).get("cache", 0)


async def main(n: int) -> None:
    image = engine.ensure_image()
    print(f"{'':48} {'median ms':>10} {'p90 ms':>10}")
    ours, theirs = await exec_ratio(n)
    warm, cold = await acquire_ratio(image)
    serial = await episodes(32, 1)
    parallel = await episodes(32, 8)
    churn = await asyncio.to_thread(engine_churn, image, 32, 4)
    print(f"(c) 32 episodes (acquire, 5 commands, release): one at a time {serial:.2f} s, "
          f"concurrency 8 {parallel:.2f} s")
    print(f"    engine limit: docker-py run + exec_run + remove of 32 containers, 4 threads: {churn:.2f} s")
    sb = await DockerSandbox.create(run_id=RUN_ID)
    await asyncio.sleep(1)
    idle = container_memory_bytes(sb.container_id)
    await sb.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print()
    print(f"ratio (a) exec / exec_run                      = {ours / theirs:.3f}   (target ≤ 0.05)")
    print(f"ratio (b) warm acquire / cold run + first exec = {warm / cold:.5f} (target ≤ 0.1)")
    print(f"ratio (c) 32 episodes, concurrency 8 / serial  = {parallel / serial:.3f}   "
          f"(speed-up {serial / parallel:.2f}x on {os.cpu_count()} cores)")
    print(f"ratio (c') 32 episodes, concurrency 8 / engine churn limit = {parallel / churn:.3f}")
    print(f"memory: runner process peak RSS {rss / 2**20:.1f} MiB; one idle sandbox container {idle / 2**20:.1f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    asyncio.run(main(parser.parse_args().n))
