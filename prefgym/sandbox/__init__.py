"""Isolated machines for episodes. Every container operation in prefgym goes through here.

The Docker backend is imported lazily so that code which never starts a sandbox (analysis, the
viewer, preference elicitation) does not need the docker SDK or a running engine.
"""

from prefgym.sandbox.base import Sandbox, SandboxError
from prefgym.sandbox.pool import SandboxPool

__all__ = ["Sandbox", "SandboxError", "SandboxPool", "DockerSandbox", "DockerSandboxConfig"]


def __getattr__(name: str):
    if name in ("DockerSandbox", "DockerSandboxConfig"):
        from prefgym.sandbox import docker as backend

        return getattr(backend, name)
    raise AttributeError(name)
