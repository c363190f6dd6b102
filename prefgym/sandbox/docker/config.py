"""Limits and labels for Docker sandboxes.

The daemon on a typical research box runs without seccomp or AppArmor, so these limits are the
isolation: every one is set by default and each can be loosened only on purpose.
"""

from __future__ import annotations

import os
import socket
import time

from pydantic import BaseModel, ConfigDict, Field

LABEL_PREFIX = "prefgym"
LABEL_MANAGED = f"{LABEL_PREFIX}.managed"
LABEL_RUN = f"{LABEL_PREFIX}.run"
LABEL_OWNER_PID = f"{LABEL_PREFIX}.owner.pid"
LABEL_OWNER_HOST = f"{LABEL_PREFIX}.owner.host"
LABEL_LEASE = f"{LABEL_PREFIX}.lease"

AGENT_UID = 1000
# The container's main process runs as nobody, so the agent's `kill -9 -1` cannot stop it.
MAIN_UID = 65534


class DockerSandboxConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: str | None = Field(default=None, description="image tag; default: the recipe-hashed prefgym image")
    memory: str = "1g"
    cpus: float = 1.0
    pids: int = 256
    work_dir: str = "/work"
    work_size: str = "256m"
    tmp_size: str = "64m"
    network: bool = False
    output_cap: int = Field(default=64 * 1024, description="bytes kept per stream per command")
    exec_timeout_s: float = 30.0
    warm_shell: bool = Field(default=True, description=(
        "run bash command lines in a shell started ahead of time (~2 ms faster per command; "
        "see driver.py for the cosmetic differences from a cold `bash -c`)"))
    start_timeout_s: float = 60.0
    lease_s: float = 3600.0


def owner_labels(run_id: str, lease_s: float) -> dict[str, str]:
    """Labels that let a reaper in another process decide whether a container is orphaned."""
    return {
        LABEL_MANAGED: "1",
        LABEL_RUN: run_id,
        LABEL_OWNER_PID: str(os.getpid()),
        LABEL_OWNER_HOST: socket.gethostname(),
        LABEL_LEASE: str(int(time.time() + lease_s)),
    }
