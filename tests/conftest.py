"""Shared fixtures: a real Docker engine, the real sandbox image, and a leak check at the end.

Docker tests skip only on a machine without an engine, and never in CI: there
PREFGYM_REQUIRE_DOCKER=1 turns a missing engine into a failure.
"""

from __future__ import annotations

import os
import tempfile

import pytest

TEST_RUN = f"pytest-{os.getpid()}"

# What a test needs, from the fixtures it asks for: `make test-fast` deselects these three marks
# (-m "not docker and not browser and not local_model") on a machine that has none of them.
NEEDS = {"docker": {"docker_ready", "sandbox", "sandbox_factory"}, "browser": {"browser", "page"},
         "local_model": {"local_model_ready"}}


def pytest_configure(config):
    """pytest makes ``--basetemp`` itself but not its parents: a deep path given on a fresh machine
    (``PYTEST_ADDOPTS=--basetemp=/tmp/x/a/long/path``) would fail every test that uses tmp_path."""
    if config.option.basetemp:
        os.makedirs(os.path.dirname(os.path.abspath(config.option.basetemp)), exist_ok=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark, fixtures in NEEDS.items():
            if fixtures & set(item.fixturenames):
                item.add_marker(mark)
# Model answers cached by tests stay in this session's own folder, never in the user's cache.
os.environ["PREFGYM_CACHE_DIR"] = tempfile.mkdtemp(prefix="prefgym-test-cache-")


@pytest.fixture(scope="session")
def docker_ready() -> str:
    from prefgym.sandbox.docker import engine

    try:
        engine.client()
    except Exception as e:
        if os.environ.get("PREFGYM_REQUIRE_DOCKER") == "1":
            pytest.fail(f"PREFGYM_REQUIRE_DOCKER=1 but no Docker engine: {e}")
        pytest.skip(f"no Docker engine (set PREFGYM_REQUIRE_DOCKER=1 to fail instead): {e}")
    return engine.ensure_image()


@pytest.fixture(scope="session")
def local_model_ready() -> None:
    """llama-cpp-python (the `local` extra) for `local/smollm2`: a skip on a machine without it,
    a failure in CI, where PREFGYM_REQUIRE_LOCAL_MODEL=1."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        if os.environ.get("PREFGYM_REQUIRE_LOCAL_MODEL") == "1":
            pytest.fail("PREFGYM_REQUIRE_LOCAL_MODEL=1 but llama-cpp-python is not installed")
        pytest.skip("llama-cpp-python not installed (pip install 'prefgym[local]'; "
                    "set PREFGYM_REQUIRE_LOCAL_MODEL=1 to fail instead)")


@pytest.fixture(scope="session", autouse=True)
def no_container_left_behind():
    """After the whole session, no container of this test run may remain."""
    yield
    if os.environ.get("PREFGYM_REQUIRE_DOCKER") != "1":
        try:
            from prefgym.sandbox.docker import engine

            engine.client()
        except Exception:
            return
    from prefgym.sandbox.docker import engine

    left = [c.name for c in engine.managed_containers(run_id=TEST_RUN)]
    assert not left, f"containers left behind by the test session: {left}"


@pytest.fixture
async def sandbox(docker_ready):
    from prefgym.sandbox.docker import DockerSandbox

    sb = await DockerSandbox.create(run_id=TEST_RUN)
    yield sb
    await sb.close()


@pytest.fixture
def entity():
    from prefgym.entities import default_catalog

    return default_catalog().get("give-directly")


@pytest.fixture
def sandbox_factory(docker_ready):
    from prefgym.envs.base import docker_sandbox_factory

    return docker_sandbox_factory(TEST_RUN)


def spec_for(task, entity, agent: str = "oracle", **fields):
    """The EpisodeSpec of ``task`` (a TaskSpec) for ``entity`` (an Entity or id) by ``agent`` (a kind
    or a model id); ``fields`` are the spec's other fields (entity_b, condition, seed, …)."""
    from prefgym.types import EpisodeSpec

    if "entity_b" in fields and fields["entity_b"] is not None and not isinstance(fields["entity_b"], str):
        fields["entity_b"] = fields["entity_b"].id
    return EpisodeSpec(suite=task.suite, task=task.id, entity=entity if isinstance(entity, str) else entity.id,
                       **EpisodeSpec.agent_fields(agent), **fields)


async def play(task, entity, agent: str = "oracle", *, catalog=None, **fields):
    """One episode through the runner's one path (``run_spec``), with a cold container if needed."""
    from prefgym.entities import default_catalog
    from prefgym.runner import run_spec

    return await run_spec(spec_for(task, entity, agent, **fields), task, catalog or default_catalog(), run_id=TEST_RUN)


def core_for(task, entity, agent: str = "external", *, sandbox_factory=None, user=None, catalog=None, **fields):
    """An episode core for ``task`` and ``entity``, resolved as the runner resolves a spec."""
    from prefgym.entities import default_catalog
    from prefgym.envs import EpisodeCore, resolve

    resolved = resolve(spec_for(task, entity, agent, **fields), task, catalog or default_catalog())
    return EpisodeCore(resolved, sandbox_factory=sandbox_factory, user=user)
