"""Docker backend: hardened containers from a registry-free image, one shell channel each."""

from prefgym.sandbox.docker.config import DockerSandboxConfig
from prefgym.sandbox.docker.sandbox import DockerSandbox

__all__ = ["DockerSandbox", "DockerSandboxConfig"]
