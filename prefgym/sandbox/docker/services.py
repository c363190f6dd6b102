"""A task's servers: containers beside the sandbox, on an internal network of the episode's own.

A Cybench challenge with a server (``victim:1337``) runs it as another container. Each episode gets
a fresh bridge network marked *internal* (no route out, no port on the host), the servers on it
under their service names, and the agent's container joins it; no two episodes share a network,
so one agent never reaches another's servers or container. Servers are started and checked
healthy (compose's own test, run by the engine) before the agent's first turn, and carry the same
owner labels as every prefgym container: the sandbox removes them and the network with itself, the
owner's watchdog after a SIGKILL, and the start-up prune after anything else.

A server image is built from the challenge's Dockerfile, with no network, once per content hash.
Where its base is one of the common ones that are not here (``python:3.X-slim``,
``debian:*-slim``), the stand-in image (image.py) replaces it, and the substitution is recorded.
Servers get the container limits the sandbox has (memory, pids, CPU, no-new-privileges, every
capability dropped) except the few a server's init needs to start its service as another user.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors

from prefgym.sandbox.base import SandboxError
from prefgym.sandbox.docker import engine
from prefgym.sandbox.docker.config import LABEL_PREFIX, owner_labels
from prefgym.sandbox.docker.image import STANDIN, STANDIN_NOTE, stands_in_for
from prefgym.types import ServiceSpec

LABEL_ROLE = f"{LABEL_PREFIX}.role"
# xinetd and friends start as root and switch to the challenge's user; nothing more.
SERVER_CAPS = ["CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER", "KILL", "NET_BIND_SERVICE"]
HEALTH_INTERVAL_NS = 200_000_000
HEALTHY_WITHIN_S = 60.0
FROM_LINE = re.compile(r"^(\s*FROM\s+(?:--\S+\s+)*)(\S+)", re.M | re.I)


@dataclass(frozen=True)
class ServerImage:
    tag: str
    substituted: dict[str, str] = field(default_factory=dict)  # base in the Dockerfile → the stand-in's tag


def _rewritten(dockerfile: str, standin: str) -> tuple[str, dict[str, str]]:
    substituted: dict[str, str] = {}

    def swap(m: re.Match) -> str:
        if not stands_in_for(m.group(2)):
            return m.group(0)
        substituted[m.group(2)] = standin
        return m.group(1) + standin

    return FROM_LINE.sub(swap, dockerfile), substituted


def _digest(context: Path, dockerfile: str) -> str:
    h = hashlib.sha256(dockerfile.encode())
    for path in sorted(p for p in context.rglob("*") if p.is_file() and p.name != "Dockerfile"):
        h.update(str(path.relative_to(context)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def server_image(spec: ServiceSpec, log=print) -> ServerImage:
    """The image of one server, built (offline, from its Dockerfile) if this content has none yet."""
    context = Path(spec.context)
    try:
        original = (context / "Dockerfile").read_text(errors="replace")
    except OSError as e:
        raise SandboxError(f"server {spec.name}: no Dockerfile in {context} ({e.strerror})") from None
    standin = STANDIN.tag()
    text, substituted = _rewritten(original, standin)
    if substituted:
        engine.ensure_image(standin, log=log)
    repo = re.sub(r"[^a-z0-9_.-]+", "-", f"prefgym-server-{context.parent.parent.name}-{spec.name}".lower())
    tag = f"{repo}:{_digest(context, text)}"
    with engine.build_lock():
        if not engine.image_exists(tag):
            log(f"building server image {tag} from {context / 'Dockerfile'} (offline) …")
            with tempfile.TemporaryDirectory(prefix="prefgym-server-") as tmp:
                shutil.copytree(context, tmp, dirs_exist_ok=True)
                (Path(tmp) / "Dockerfile").write_text(text)
                output = []
                for chunk in engine.client().api.build(path=tmp, tag=tag, network_mode="none", rm=True, forcerm=True,
                                                       pull=False, decode=True):
                    output.append(chunk.get("stream") or chunk.get("error") or "")
                    if "error" in chunk:
                        raise SandboxError(f"server {spec.name}: building {context / 'Dockerfile'} failed: "
                                           f"{''.join(output)[-1500:]}")
    return ServerImage(tag, substituted)


def _healthcheck(spec: ServiceSpec) -> dict[str, Any] | None:
    """Compose's test where the challenge has one, else "its ports accept a connection"."""
    test = list(spec.healthcheck) if spec.healthcheck else None
    if test is None and spec.ports:
        probe = "; ".join(f"socket.create_connection(('127.0.0.1', {p}), 1).close()" for p in spec.ports)
        test = ["CMD", "python3", "-c", f"import socket; {probe}"]
    if test is None:
        return None
    return {"test": test, "interval": HEALTH_INTERVAL_NS, "timeout": 5_000_000_000, "retries": 300,
            "start_period": 0}


class ServiceStack:
    """The servers of one episode and their network; closed with the sandbox that joined it."""

    def __init__(self, network: str, containers: dict[str, str], environment: dict[str, Any]):
        self.network = network
        self.containers = containers  # service name → container id
        self.environment = environment

    @classmethod
    async def start(cls, services: list[ServiceSpec], *, run_id: str, lease_s: float = 3600.0,
                    memory: str = "1g", cpus: float = 1.0, pids: int = 256) -> "ServiceStack":
        await asyncio.to_thread(engine.become_owner)
        images = await asyncio.gather(*(asyncio.to_thread(server_image, s) for s in services))
        labels = owner_labels(run_id, lease_s)
        name = f"prefgym-{run_id[:24]}-net-{secrets.token_hex(4)}"
        api = engine.client().api
        try:
            await asyncio.to_thread(api.create_network, name, driver="bridge", internal=True, labels=labels)
        except docker.errors.DockerException as e:
            raise SandboxError(f"could not create the servers' network {name}: {e}") from e
        stack = cls(name, {}, {"network": {"name": name, "internal": True}, "servers": {
            s.name: {"image": img.tag, "built_from": str(Path(s.context) / "Dockerfile"),
                     **({"substituted": {base: f"{tag} ({STANDIN_NOTE})" for base, tag in img.substituted.items()}}
                        if img.substituted else {})}
            for s, img in zip(services, images)}})
        try:
            for spec, image in zip(services, images):
                stack.containers[spec.name] = await asyncio.to_thread(
                    cls._run, api, spec, image.tag, f"{name}-{spec.name}"[:63], name,
                    {**labels, LABEL_ROLE: "server"}, memory, cpus, pids)
            await asyncio.gather(*(stack._healthy(s) for s in services))
        except BaseException:
            await stack.close()
            raise
        return stack

    @staticmethod
    def _run(api: Any, spec: ServiceSpec, image: str, name: str, network: str, labels: dict[str, str],
             memory: str, cpus: float, pids: int) -> str:
        host = api.create_host_config(
            network_mode=network, mem_limit=memory, memswap_limit=memory, pids_limit=pids, nano_cpus=int(cpus * 1e9),
            cap_drop=["ALL"], cap_add=SERVER_CAPS, security_opt=["no-new-privileges"], init=True)
        created = api.create_container(
            image, name=name, labels=labels, host_config=host, healthcheck=_healthcheck(spec),
            networking_config=api.create_networking_config({network: api.create_endpoint_config(aliases=[spec.name])}))
        api.start(created["Id"])
        return created["Id"]

    async def _healthy(self, spec: ServiceSpec) -> None:
        """Wait until the engine's health check passes (or, with none, the container runs)."""
        api = engine.client().api
        cid = self.containers[spec.name]
        deadline = time.monotonic() + HEALTHY_WITHIN_S
        while True:
            state = (await asyncio.to_thread(api.inspect_container, cid))["State"]
            health = (state.get("Health") or {}).get("Status")
            if not state.get("Running"):
                logs = (await asyncio.to_thread(api.logs, cid, tail=20)).decode("utf-8", "replace")
                raise SandboxError(f"server {spec.name} exited (code {state.get('ExitCode')}) before it was healthy: "
                                   f"{logs[-800:]}")
            if health in (None, "healthy"):
                return
            if time.monotonic() > deadline:
                raise SandboxError(f"server {spec.name} was not healthy within {HEALTHY_WITHIN_S:.0f}s")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        """Remove the servers, then their network (its last endpoint gone). Idempotent."""
        containers, self.containers = self.containers, {}
        await asyncio.gather(*(asyncio.to_thread(engine.remove_container, c) for c in containers.values()))
        if self.network:
            network, self.network = self.network, ""
            await asyncio.to_thread(engine.remove_network, network)
