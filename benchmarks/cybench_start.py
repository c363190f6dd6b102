"""Starting a Cybench challenge with its server, against the engine's own create + start.

Prints medians and p90s (ms) of:
  cold   prefgym: network, server (waited healthy), a new CTF sandbox with its shell channel, joined;
  pool   the same with the sandbox from a warm pool (what a run does);
  raw    docker-py alone: network create, server and agent containers create + start, no wait;
  raw+h  raw, then waiting for the server's health check as prefgym does (same test and interval);
and the ratios cold / raw, pool / raw, pool / raw+h. Images are built before timing (a first
start builds the server image once per content hash: that is setup, not start-up). Teardown is
not timed.

    .venv/bin/python benchmarks/cybench_start.py [--task cybench/noisy_crc] [--n 10]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time

from prefgym.envs.base import docker_sandbox_factory, with_servers
from prefgym.sandbox import SandboxPool
from prefgym.sandbox.docker import engine
from prefgym.sandbox.docker.config import owner_labels
from prefgym.sandbox.docker.image import CTF
from prefgym.sandbox.docker.services import _healthcheck, server_image
from prefgym.tasks import get_task
from sandbox import row  # noqa: E402  (benchmarks/sandbox.py, run from this folder)

RUN_ID = "bench-cybench"


def raw_start(service, image: str, wait_healthy: bool) -> float:
    """The same containers by docker-py alone; returns the seconds to started (or healthy)."""
    api = engine.client().api
    labels = owner_labels(RUN_ID, 600)
    net = f"bench-raw-{secrets.token_hex(4)}"
    t0 = time.perf_counter()
    api.create_network(net, driver="bridge", internal=True, labels=labels)
    server = api.create_container(image, labels=labels, healthcheck=_healthcheck(service),
                                  host_config=api.create_host_config(network_mode=net),
                                  networking_config=api.create_networking_config(
                                      {net: api.create_endpoint_config(aliases=[service.name])}))
    api.start(server["Id"])
    agent = api.create_container(CTF.tag(), labels=labels, host_config=api.create_host_config(network_mode=net))
    api.start(agent["Id"])
    while wait_healthy and (api.inspect_container(server["Id"])["State"].get("Health") or {}).get("Status") != "healthy":
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    for cid in (agent["Id"], server["Id"]):
        engine.remove_container(cid)
    engine.remove_network(net)
    return elapsed


async def prefgym_start(factory) -> float:
    t0 = time.perf_counter()
    sandbox = await factory()
    elapsed = time.perf_counter() - t0
    await sandbox.close()
    return elapsed


async def main(task_id: str, n: int) -> None:
    task = get_task(task_id)
    if len(task.services) != 1:
        raise SystemExit(f"{task_id}: pick a challenge with one server")
    service = task.services[0]
    engine.ensure_image(CTF.tag())
    image = server_image(service).tag
    print(f"{task_id}: server {service.name} ({image}), sandbox {CTF.tag()}, n={n}")
    print(f"{'':48} {'median':>10} {'p90':>10}")
    cold_factory = with_servers(docker_sandbox_factory(RUN_ID, image="ctf"), task, RUN_ID)
    await prefgym_start(cold_factory)  # warm the engine's caches and this process's imports
    cold = row("cold: servers healthy + new sandbox joined", [await prefgym_start(cold_factory) for _ in range(n)])
    async with SandboxPool(docker_sandbox_factory(RUN_ID, image="ctf"), size=2) as pool:
        pooled = with_servers(pool.acquire, task, RUN_ID)
        samples = []
        for _ in range(n):
            await pool.warm_up()
            samples.append(await prefgym_start(pooled))
        warm = row("pool: servers healthy + pooled sandbox joined", samples)
    raw = row("raw: docker-py network + 2 containers create+start", [raw_start(service, image, False) for _ in range(n)])
    raw_h = row("raw+h: … and the server's health check passed", [raw_start(service, image, True) for _ in range(n)])
    print(f"ratio cold / raw   {cold / raw:6.2f}")
    print(f"ratio pool / raw   {warm / raw:6.2f}")
    print(f"ratio pool / raw+h {warm / raw_h:6.2f}")
    engine.prune()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="cybench/noisy_crc")
    parser.add_argument("--n", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.task, args.n))
