"""The Ray backend on a local Ray instance: the same episodes as the local backend, the driver
alone writing the run directory."""

from __future__ import annotations

import json

import pytest

from prefgym.entities import default_catalog
from prefgym.models import Gateway, use_gateway
from prefgym.runner.many import RunOptions, run_many
from prefgym.runner.rundir import RunDir
from prefgym.runner.specs import SuitePlan, build_specs


@pytest.fixture(scope="module")
def local_ray():
    import ray  # the `ray` extra, installed by `make test`: missing, the test errors rather than skips

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


async def test_ray_backend_gives_the_same_episodes_as_the_local_one(docker_ready, local_ray, tmp_path):
    from prefgym.runner.ray_backend import RayBackend

    catalog = default_catalog().subset(["oxfam", "give-directly", "the-humane-league"])
    specs = [s for plan in (SuitePlan(suite="boolq", items=2), SuitePlan(suite="donation_advice", tasks=["advice-torn"]),
                            SuitePlan(suite="agentic", tasks=["donor-sql"]))
             for s in build_specs(plan, "synthetic/planted", catalog)]
    local, remote = RunDir(tmp_path / "local"), RunDir(tmp_path / "ray")
    for run in (local, remote):
        run.start({"same": True})
    with use_gateway(Gateway()):
        await run_many(specs, local, catalog, RunOptions(run_id="pytest-ray-local"))
    tally = await run_many(specs, remote, catalog, RunOptions(run_id="pytest-ray", concurrency=4), backend=RayBackend())
    assert tally.done == len(specs) == 15 and tally.failed == 0

    def by_spec(run):
        return {e.spec.id: json.dumps(e.behaviour(), sort_keys=True) for e in run.episodes()}

    assert by_spec(local) == by_spec(remote)
    calls = [json.loads(line) for line in (tmp_path / "ray/calls.jsonl").read_text().splitlines()]
    assert len(calls) == sum(len(e.calls) for e in remote.episodes()) > 0  # written by the driver
    assert "synthetic/planted" in json.loads((tmp_path / "ray/planted.json").read_text())
    again = await run_many(specs, remote, catalog, RunOptions(run_id="pytest-ray"), backend=RayBackend())
    assert again.done == 0 and again.skipped == 15
