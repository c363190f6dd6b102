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
# The container's user is root, so that a trusted exec (a grader) holds the few capabilities of
# TRUSTED_CAPS; its main process (sleep) is then root too, which the agent's `kill -9 -1` cannot
# stop. The agent's user never holds a capability (not root; no-new-privileges).
TRUSTED_UID = 0
TRUSTED_CAPS = ["KILL", "SETUID", "SETGID", "DAC_READ_SEARCH", "DAC_OVERRIDE", "CHOWN", "FOWNER"]
# Only the trusted user can enter this folder (a tmpfs volume, mode 0700, root's): graders are
# written here, each into a fresh folder of a random name.
PRIVATE_DIR = "/prefgym-private"


class DockerSandboxConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: str | None = Field(default=None, description="image tag; default: the recipe-hashed prefgym image")
    memory: str = "1g"
    cpus: float = 1.0
    pids: int = 256
    work_dir: str = "/work"
    work_size: str = "256m"
    tmp_size: str = "64m"
    private_size: str = "32m"
    network: bool = False
    output_cap: int = Field(default=64 * 1024, description="bytes kept per stream per command")
    exec_timeout_s: float = 30.0
    # A request the driver does not answer within its own limit plus this is the infrastructure's
    # fault (a paused or frozen container, a stuck engine), never the agent's: the episode ends as
    # an infra error and is retried. The driver enforces command limits itself, so this never
    # fires for a healthy container.
    request_grace_s: float = 15.0
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
