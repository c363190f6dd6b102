"""Warm pool, concurrency, failures and cleanup, against the real engine."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import pytest

from prefgym.agents import OracleAgent, ScriptedAgent, tool_call
from prefgym.runner import run_episode
from prefgym.sandbox import SandboxError, SandboxPool
from prefgym.sandbox.docker import DockerSandbox, DockerSandboxConfig, engine
from prefgym.sandbox.docker.config import owner_labels
from prefgym.tasks import all_tasks
from prefgym.types import TerminationReason

from conftest import TEST_RUN, core_for


def cold(config: DockerSandboxConfig | None = None, run_id: str = TEST_RUN):
    return lambda: DockerSandbox.create(config, run_id=run_id)


async def test_warm_acquire_is_fresh_and_never_reused(docker_ready):
    async with SandboxPool(cold(), size=2) as pool:
        await pool.warm_up()
        assert pool.ready == 2
        first = await pool.acquire()
        assert pool.stats["acquired_warm"] == 1
        await first.exec("echo used > /work/dirty")
        first_id = first.container_id
        await first.close()
        with pytest.raises(SandboxError, match="closed"):
            await first.exec("true")
        seen = {first_id}
        for _ in range(3):
            sb = await pool.acquire()
            assert sb.container_id not in seen
            seen.add(sb.container_id)
            r = await sb.exec("test -e /work/dirty && echo dirty || echo clean-$((1+1))")
            assert r.stdout.strip() == "clean-2"
            await sb.close()
    assert not [c for c in engine.managed_containers(run_id=TEST_RUN) if c.id in seen]


async def test_an_empty_pool_starts_a_fresh_sandbox(docker_ready):
    async with SandboxPool(cold(), size=0) as pool:
        sb = await pool.acquire()
        assert pool.stats == {"acquired_warm": 0, "acquired_cold": 1, "start_failures": 0, "removed": 0}
        assert (await sb.exec("echo ok")).stdout == "ok\n"
        await sb.close()


async def test_a_start_that_keeps_failing_is_a_sandbox_error_after_retries(docker_ready):
    bad = DockerSandboxConfig(image="prefgym-no-such-image:0")
    async with SandboxPool(cold(bad), size=0, start_attempts=2) as pool:
        with pytest.raises(SandboxError, match="no sandbox after 2 attempts"):
            await pool.acquire()
        assert pool.stats["start_failures"] == 2


async def test_sixteen_concurrent_episodes_are_isolated(docker_ready, entity):
    task = all_tasks()["donor-dedup"]

    def marker_agent(i: int) -> ScriptedAgent:
        cmd = f"echo {i} > /work/mark-{i}; ls /work | grep -c '^mark-'; cat /work/mark-*"
        return ScriptedAgent([{"role": "assistant", "content": None,
                               "tool_calls": [tool_call(f"m{i}", "bash", json.dumps({"command": cmd}))]}])

    async with SandboxPool(cold(), size=4, max_parallel_ops=4) as pool:
        episodes = await asyncio.gather(*[
            run_episode(core_for(task, entity, sandbox_factory=pool.acquire, seed=i), marker_agent(i))
            for i in range(16)])
    for i, ep in enumerate(episodes):
        assert ep.termination.reason == TerminationReason.AGENT_SUBMITTED
        assert ep.executions[0].result.stdout.split() == ["1", str(i)]  # only its own marker
    assert not engine.managed_containers(run_id=TEST_RUN)


async def test_one_refused_start_is_a_clean_infra_error_while_the_rest_finish(docker_ready, entity):
    task = all_tasks()["donor-sql"]
    good = SandboxPool(cold(), size=2)
    bad = SandboxPool(cold(DockerSandboxConfig(image="prefgym-no-such-image:0")), size=0, start_attempts=2)
    factories = [good.acquire, good.acquire, bad.acquire, good.acquire]
    try:
        episodes = await asyncio.gather(*[
            run_episode(core_for(task, entity, "oracle", sandbox_factory=f), OracleAgent(task.solution)) for f in factories])
    finally:
        await good.aclose()
        await bad.aclose()
    reasons = [ep.termination.reason for ep in episodes]
    assert reasons[2] == TerminationReason.INFRA_ERROR and "no sandbox after 2 attempts" in episodes[2].termination.detail
    assert episodes[2].reward == 0.0 and episodes[2].grade is None
    assert [ep.reward for i, ep in enumerate(episodes) if i != 2] == [1.0, 1.0, 1.0]


def test_sigkill_of_the_owner_removes_its_containers_within_30s(docker_ready):
    run_id = f"{TEST_RUN}-killed"
    script = ("import asyncio, sys\n"
              "from prefgym.sandbox.docker import DockerSandbox\n"
              "async def main():\n"
              f"    boxes = [await DockerSandbox.create(run_id={run_id!r}) for _ in range(3)]\n"
              "    print('ready', flush=True)\n"
              "    await asyncio.sleep(600)\n"
              "asyncio.run(main())\n")
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == "ready"
        assert len(engine.managed_containers(run_id=run_id)) == 3
        engine.client().containers.create(  # another run's container must survive
            docker_ready, labels=owner_labels(f"{TEST_RUN}-bystander", 3600), command=["true"])
        owner.kill()  # SIGKILL: no atexit, no finally
        owner.wait()
        deadline = time.monotonic() + 30
        while engine.managed_containers(run_id=run_id) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert engine.managed_containers(run_id=run_id) == [], "containers outlived their SIGKILLed owner"
        assert engine.managed_containers(run_id=f"{TEST_RUN}-bystander")
    finally:
        owner.kill()
        for c in engine.managed_containers(run_id=f"{TEST_RUN}-bystander"):
            engine.remove_container(c.id)


def test_prune_removes_orphans_only(docker_ready):
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan_labels = {**owner_labels(f"{TEST_RUN}-orphan", 3600), "prefgym.owner.pid": str(dead.pid)}
    live_labels = owner_labels(f"{TEST_RUN}-live", 3600)  # owned by this (living) process
    orphan = engine.client().containers.create(docker_ready, labels=orphan_labels, command=["true"])
    live = engine.client().containers.create(docker_ready, labels=live_labels, command=["true"])
    try:
        removed = engine.prune()
        assert orphan.name in removed and live.name not in removed
        assert engine.managed_containers(run_id=f"{TEST_RUN}-live")
    finally:
        engine.remove_container(orphan.id)
        engine.remove_container(live.id)
