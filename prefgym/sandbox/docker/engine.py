"""The Docker engine connection, the default image, and removal of orphaned containers.

The engine is shared with other programs, so prefgym touches only containers carrying its own
labels, and decides orphanhood by the owner labels (pid + host), never by name or count.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors

from prefgym.sandbox.base import SandboxError
from prefgym.sandbox.docker.config import LABEL_LEASE, LABEL_MANAGED, LABEL_OWNER_HOST, LABEL_OWNER_PID, LABEL_RUN
from prefgym.sandbox.docker.image import build_image, default_image_tag, recipe_of


@functools.lru_cache(maxsize=1)
def client() -> docker.DockerClient:
    try:
        c = docker.from_env(timeout=120)
        c.ping()
        return c
    except Exception as e:  # docker raises several unrelated types for "no engine"
        raise SandboxError(
            f"the Docker engine is not reachable ({type(e).__name__}: {e}). "
            "Start it (e.g. `dockerd &`) and run `prefgym sandbox doctor`."
        ) from None


def image_exists(tag: str) -> bool:
    try:
        client().images.get(tag)
        return True
    except docker.errors.ImageNotFound:
        return False


_known_images: set[str] = set()
_build_lock = threading.Lock()


@contextlib.contextmanager
def build_lock() -> Iterator[None]:
    """One image build at a time: a thread lock within this process, a file lock across processes."""
    with _build_lock, open(os.path.join(tempfile.gettempdir(), "prefgym-image-build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_image(tag: str | None = None, log: Callable[[str], None] = print) -> str:
    """Return the image tag, building it first if it is missing and prefgym has its recipe.

    Many episodes may start at once on a machine without the image: one builds it (a thread lock
    within this process, a file lock across processes), the others wait and reuse it.
    """
    tag = tag or default_image_tag()
    if tag in _known_images:
        return tag
    with build_lock():
        if not image_exists(tag):
            recipe = recipe_of(tag)
            if recipe is None:
                raise SandboxError(f"image {tag!r} not found; build it or unset PREFGYM_SANDBOX_IMAGE / PREFGYM_CTF_IMAGE")
            log(f"sandbox image {tag} is missing: building it once (a minute or more) …")
            build_image(client().api, tag, log=log, recipe=recipe)
    _known_images.add(tag)
    return tag


_watchdog: subprocess.Popen | None = None
_owner_ready = False


def docker_socket_path() -> str | None:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    return host[len("unix://"):] if host.startswith("unix://") else None


def become_owner() -> None:
    """Before this process's first container: clean up after dead owners, then guard our own.

    A previous owner that was SIGKILLed may have left containers, so orphans are pruned once. Then
    a watchdog (``watchdog.py``) is started that removes this process's containers when it dies.
    Without a unix socket to the engine (a remote DOCKER_HOST) there is no watchdog, and the
    start-up prune of the next prefgym process is the cleanup.
    """
    global _watchdog, _owner_ready
    if _owner_ready:
        return
    _owner_ready = True
    prune()
    sock = docker_socket_path()
    if sock is None:
        return
    labels = {LABEL_MANAGED: "1", LABEL_OWNER_PID: str(os.getpid()), LABEL_OWNER_HOST: socket.gethostname()}
    _watchdog = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).with_name("watchdog.py")), sock,
         *(f"{k}={v}" for k, v in labels.items())],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


@dataclass(frozen=True)
class ManagedContainer:
    id: str
    name: str
    labels: dict[str, str]
    status: str  # running, exited, paused, created, …


def managed_containers(run_id: str | None = None) -> list[ManagedContainer]:
    """prefgym's containers (of one run), from one list call. Not ``containers.list()``, which
    inspects each container after listing them and fails when another process removes one in
    between (two runs pruning at once)."""
    labels = [f"{LABEL_MANAGED}=1"] + ([f"{LABEL_RUN}={run_id}"] if run_id else [])
    return [ManagedContainer(c["Id"], (c.get("Names") or ["/"])[0].lstrip("/"), c.get("Labels") or {}, c.get("State", ""))
            for c in client().api.containers(all=True, filters={"label": labels})]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_orphan(labels: dict[str, str], now: float | None = None) -> bool:
    """Orphaned: its lease ran out, or its owner was on this host and is dead."""
    now = now or time.time()
    try:
        if float(labels.get(LABEL_LEASE, "inf")) < now:
            return True
        if labels.get(LABEL_OWNER_HOST) == socket.gethostname():
            return not _pid_alive(int(labels.get(LABEL_OWNER_PID, "0")))
    except ValueError:
        return True  # labels we cannot read are not ours to trust
    return False


def remove_container(container_id: str) -> None:
    """Force-remove a container and its anonymous volumes; already gone is fine."""
    try:
        client().api.remove_container(container_id, force=True, v=True)
    except docker.errors.NotFound:
        pass
    except docker.errors.APIError as e:
        if "is already in progress" not in str(e):
            raise


def remove_network(name: str) -> None:
    """Remove a network, forcing off any container still on it; already gone is fine."""
    api = client().api
    try:
        for cid in (api.inspect_network(name).get("Containers") or {}):
            try:
                api.disconnect_container_from_network(cid, name, force=True)
            except docker.errors.APIError:
                pass
        api.remove_network(name)
    except docker.errors.NotFound:
        pass


def prune(*, all_managed: bool = False) -> list[str]:
    """Remove orphaned prefgym containers, then orphaned networks (every one of prefgym's with
    ``all_managed``); return their names."""
    removed = []
    for c in managed_containers():
        if all_managed or is_orphan(c.labels):
            remove_container(c.id)
            removed.append(c.name)
    for n in client().api.networks(filters={"label": [f"{LABEL_MANAGED}=1"]}):
        if all_managed or is_orphan(n.get("Labels") or {}):
            try:
                remove_network(n["Id"])
                removed.append(n["Name"])
            except docker.errors.APIError:  # a container of a live owner still on it: the next prune
                pass
    return removed
