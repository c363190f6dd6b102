"""Shared fixtures: a real Docker engine, the real sandbox image, and a leak check at the end.

Docker tests skip only on a machine without an engine, and never in CI: there
PREFGYM_REQUIRE_DOCKER=1 turns a missing engine into a failure.
"""

from __future__ import annotations

import os
import tempfile

import pytest

TEST_RUN = f"pytest-{os.getpid()}"
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
    from prefgym.envs.agentic import docker_sandbox_factory

    return docker_sandbox_factory(TEST_RUN)
