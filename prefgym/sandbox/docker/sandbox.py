"""A sandbox that is one hardened Docker container, driven over one persistent shell channel."""

from __future__ import annotations

import asyncio
import atexit
import base64
import json
import secrets
import weakref
from pathlib import Path
from typing import Any

import docker.errors
from docker.types import DriverConfig, Mount

from prefgym.sandbox.base import Sandbox, SandboxError
from prefgym.sandbox.docker import engine
from prefgym.sandbox.docker.channel import ChannelClosed, DriverError, ShellChannel, run_with_stdin
from prefgym.sandbox.docker.config import (
    AGENT_UID, PRIVATE_DIR, TRUSTED_CAPS, TRUSTED_UID, DockerSandboxConfig, owner_labels,
)
from prefgym.sandbox.docker.image import recipe_of
from prefgym.sandbox.docker.services import ServiceStack
from prefgym.types import ExecResult

_live: "weakref.WeakSet[DockerSandbox]" = weakref.WeakSet()
TRUSTED_SOURCE = Path(__file__).with_name("trusted.py").read_text()
TRUSTED_GRACE_S = 30.0  # beyond a trusted command's own timeout, before the engine is deemed unresponsive
FILE_TIMEOUT_S = 60.0  # a file request's own limit, before config.request_grace_s
ATTACH_TIMEOUT_S = 30.0


def _remove_live_at_exit() -> None:
    """Last line of defence for a clean exit; a SIGKILLed owner is handled by the watchdog."""
    for sb in list(_live):
        if sb.container_id:
            try:
                engine.remove_container(sb.container_id)
            except Exception:
                pass


atexit.register(_remove_live_at_exit)


class DockerSandbox(Sandbox):
    def __init__(self, config: DockerSandboxConfig, container_id: str, name: str, image: str = ""):
        self.config = config
        self.work_dir = config.work_dir
        self.container_id: str | None = container_id
        self.name = name
        self.image = image
        self._stack: ServiceStack | None = None  # the task's servers, once joined
        self._channel: ShellChannel | None = None
        self._sealed = False  # after a trusted exec, the agent has no channel any more
        _live.add(self)

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    async def create(cls, config: DockerSandboxConfig | None = None, *, run_id: str = "adhoc") -> "DockerSandbox":
        """Start a fresh container and attach its shell channel; any failure is a SandboxError."""
        config = config or DockerSandboxConfig()
        await asyncio.to_thread(engine.become_owner)
        image = await asyncio.to_thread(engine.ensure_image, config.image)  # built here if it is one of prefgym's
        name = f"prefgym-{run_id[:24]}-{secrets.token_hex(4)}"
        try:
            container = await asyncio.wait_for(
                asyncio.to_thread(cls._run_container, config, image, name, owner_labels(run_id, config.lease_s)),
                timeout=config.start_timeout_s,
            )
        except asyncio.TimeoutError:
            await asyncio.to_thread(engine.remove_container, name)
            raise SandboxError(f"container {name} did not start within {config.start_timeout_s:.0f}s") from None
        except docker.errors.ImageNotFound:
            raise SandboxError(f"image {image!r} not found locally (prefgym never pulls images; "
                               "run `prefgym sandbox build`)") from None
        except docker.errors.DockerException as e:
            await asyncio.to_thread(engine.remove_container, name)
            raise SandboxError(f"could not start a sandbox from image {image!r}: {e}") from e
        sandbox = cls(config, container.id, name, image)
        try:
            await sandbox._attach()
        except Exception as e:
            await sandbox.close()
            raise SandboxError(f"sandbox {name} started but its shell channel failed: {e}") from e
        return sandbox

    @staticmethod
    def _run_container(config: DockerSandboxConfig, image: str, name: str, labels: dict[str, str]) -> Any:
        work = Mount(
            target=config.work_dir, source=None, type="volume",
            driver_config=DriverConfig("local", {
                "type": "tmpfs", "device": "tmpfs",
                "o": f"size={config.work_size},uid={AGENT_UID},gid={AGENT_UID},mode=0755",
            }),
        )
        # folders of the image the agent owns on a read-only root (CTF's /root): each a tmpfs of its own
        agent_dirs = {d: f"rw,exec,nosuid,nodev,size={config.work_size},uid={AGENT_UID},gid={AGENT_UID},mode=0755"
                      for d in ((recipe_of(image).recipe.get("agent_dirs") or []) if recipe_of(image) else [])}
        private = Mount(
            target=PRIVATE_DIR, source=None, type="volume",
            driver_config=DriverConfig("local", {
                "type": "tmpfs", "device": "tmpfs",
                "o": f"size={config.private_size},uid={TRUSTED_UID},gid={TRUSTED_UID},mode=0700",
            }),
        )
        # create + start, never containers.run: run() pulls a missing image, and prefgym never downloads.
        container = engine.client().containers.create(
            image, name=name, labels=labels,
            user=f"{TRUSTED_UID}:{TRUSTED_UID}", working_dir=config.work_dir, hostname="sandbox",
            network_mode="bridge" if config.network else "none",
            mem_limit=config.memory, memswap_limit=config.memory,
            pids_limit=config.pids, nano_cpus=int(config.cpus * 1e9),
            cap_drop=["ALL"], cap_add=TRUSTED_CAPS, security_opt=["no-new-privileges"], init=True,
            read_only=True, mounts=[work, private],
            tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={config.tmp_size},mode=1777", **agent_dirs},
        )
        container.start()
        return container

    async def _attach(self) -> None:
        assert self.container_id is not None
        try:
            self._channel = await asyncio.wait_for(ShellChannel.open(
                engine.client().api, self.container_id, user=str(AGENT_UID), workdir=self.work_dir,
                warm_shell=self.config.warm_shell,
            ), ATTACH_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise SandboxError(f"sandbox {self.name}: the engine did not attach a shell within "
                               f"{ATTACH_TIMEOUT_S:.0f}s") from None
        except (docker.errors.DockerException, ChannelClosed) as e:
            raise SandboxError(f"sandbox {self.name}: could not attach a shell: {e}") from e

    async def _alive(self, settle_s: float = 1.0) -> bool:
        """Whether the container is still there and running (not killed, removed or paused from
        outside); an engine that does not answer counts as not. The engine marks a killed
        container stopped a little after its processes die, so a running one is asked again for
        ``settle_s``."""
        cid = self.container_id
        if cid is None:
            return False
        deadline = asyncio.get_running_loop().time() + settle_s
        while True:
            try:
                state = (await asyncio.wait_for(asyncio.to_thread(engine.client().api.inspect_container, cid),
                                                10.0))["State"]
            except (asyncio.TimeoutError, docker.errors.DockerException, OSError):
                return False
            if not state.get("Running") or state.get("Paused"):
                return False
            if asyncio.get_running_loop().time() >= deadline:
                return True
            await asyncio.sleep(0.1)

    async def join(self, stack: ServiceStack) -> None:
        """Move onto the servers' internal network (from none; a warm container from the pool too)
        and take the servers' lifetime: they go when this sandbox closes."""
        assert self.container_id is not None
        self._stack = stack
        api = engine.client().api
        try:
            if not self.config.network:
                await asyncio.to_thread(api.disconnect_container_from_network, self.container_id, "none")
            await asyncio.to_thread(api.connect_container_to_network, self.container_id, stack.network)
        except docker.errors.DockerException as e:
            raise SandboxError(f"sandbox {self.name} could not join the servers' network {stack.network}: {e}") from e

    def environment(self) -> dict:
        return {"image": self.image, **(self._stack.environment if self._stack else {})}

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.aclose()
            self._channel = None
        if self.container_id is not None:
            cid, self.container_id = self.container_id, None
            await asyncio.to_thread(engine.remove_container, cid)
        if self._stack is not None:
            stack, self._stack = self._stack, None
            await stack.close()
        _live.discard(self)

    # ------------------------------------------------------------------ the contract

    async def _request(self, payload: dict[str, Any], timeout: float = FILE_TIMEOUT_S) -> dict[str, Any]:
        """One request on the channel. ChannelClosed only when the agent took the driver down (the
        container still runs); SandboxError when the container is gone, paused, or the engine
        stops answering: the infrastructure's fault, not the agent's."""
        if self.container_id is None:
            raise SandboxError("sandbox is closed")
        if self._sealed:
            raise SandboxError("sandbox is sealed: a trusted command ran, the agent's channel is closed")
        if self._channel is None or self._channel.closed:
            await self._attach()  # the agent killed the driver (kill -9 -1): start a new one
        assert self._channel is not None
        try:
            return await asyncio.wait_for(self._channel.request(payload), timeout + self.config.request_grace_s)
        except asyncio.TimeoutError:
            channel, self._channel = self._channel, None
            if channel is not None:
                await channel.aclose()
            raise SandboxError(f"sandbox {self.name}: no answer within {timeout + self.config.request_grace_s:.0f}s "
                               "(the container is paused or frozen, or the engine does not answer)") from None
        except ChannelClosed as e:
            if not await self._alive():
                raise SandboxError(f"sandbox {self.name}: the container was stopped or removed from outside "
                                   f"({e})") from None
            raise

    async def exec(self, cmd: str | list[str], *, timeout: float | None = None,
                   cwd: str | None = None, env: dict[str, str] | None = None) -> ExecResult:
        timeout = timeout or self.config.exec_timeout_s
        payload = {"op": "exec", "cmd": cmd, "timeout": timeout, "cap": self.config.output_cap,
                   "cwd": self.resolve(cwd) if cwd else self.work_dir, "env": env or {}}
        try:
            reply = await self._request(payload, timeout)
        except ChannelClosed:
            # The command took the shell down with it; report that to the agent and recover on
            # the next call. Not retried: the command may have had side effects.
            return ExecResult(exit_code=137, stderr="[sandbox: the command killed the sandbox shell; it was restarted]")
        except DriverError as e:
            return ExecResult(exit_code=126, stderr=str(e))
        reply.pop("id", None)
        return ExecResult(**reply)

    async def read_file(self, path: str) -> bytes:
        try:
            reply = await self._request({"op": "read", "path": self.resolve(path)})
        except DriverError as e:
            raise _as_os_error(e, path) from None
        return base64.b64decode(reply["data"])

    async def write_file(self, path: str, data: bytes | str, *, mode: int | None = None) -> None:
        raw = data.encode() if isinstance(data, str) else data
        try:
            await self._request({"op": "write", "path": self.resolve(path),
                                 "data": base64.b64encode(raw).decode(), "mode": mode})
        except DriverError as e:
            raise _as_os_error(e, path) from None

    async def _untar(self, tar_bytes: bytes, dest: str) -> None:
        await self._request({"op": "untar", "dest": self.resolve(dest),
                             "data": base64.b64encode(tar_bytes).decode()})

    async def _tar(self, src: str) -> bytes:
        try:
            reply = await self._request({"op": "tar", "src": src})
        except DriverError as e:
            raise _as_os_error(e, src) from None
        return base64.b64decode(reply["data"])


    async def exec_trusted(self, cmd: list[str], *, files: dict[str, bytes], env: dict[str, str] | None = None,
                           cwd: str | None = None, timeout: float = 120.0) -> ExecResult:
        if self.container_id is None:
            raise SandboxError("sandbox is closed")
        self._sealed = True
        if self._channel is not None:  # the driver sees EOF and exits; the trusted runner kills what is left
            channel, self._channel = self._channel, None
            await channel.aclose()
        folder = f"{PRIVATE_DIR}/{secrets.token_hex(16)}"
        spec = json.dumps({"cmd": [c.replace("{private}", folder) for c in cmd],
                           "env": {k: v.replace("{private}", folder) for k, v in (env or {}).items()},
                           "cwd": (cwd or "/").replace("{private}", folder), "timeout": timeout,
                           "cap": self.config.output_cap * 16, "agent_uid": AGENT_UID, "folder": folder,
                           "files": {name: base64.b64encode(data).decode() for name, data in files.items()}})
        container_id = self.container_id

        def run() -> tuple[int | None, bytes, bytes]:  # the spec on stdin: never in argv, never on disk before
            return run_with_stdin(engine.client().api, container_id, ["python3", "-I", "-S", "-c", TRUSTED_SOURCE],
                                  spec.encode(), user=str(TRUSTED_UID))

        try:
            code, out, err = await asyncio.wait_for(asyncio.to_thread(run), timeout + TRUSTED_GRACE_S)
        except asyncio.TimeoutError:
            raise SandboxError(f"sandbox {self.name}: the engine did not answer a trusted command within "
                               f"{timeout + TRUSTED_GRACE_S:.0f}s") from None
        except docker.errors.DockerException as e:
            raise SandboxError(f"sandbox {self.name}: trusted command failed: {e}") from e
        try:
            return ExecResult.model_validate(json.loads(out.decode("utf-8", "replace").strip().splitlines()[-1]))
        except (ValueError, IndexError):
            raise SandboxError(f"sandbox {self.name}: the trusted runner gave no result (exit {code}): "
                               f"{(out + err)[-300:].decode('utf-8', 'replace')!r}") from None


def _as_os_error(e: DriverError, path: str) -> OSError:
    """Map the driver's error text back to the exception a caller of a file API expects."""
    msg = str(e)
    for name, cls in (("FileNotFoundError", FileNotFoundError), ("IsADirectoryError", IsADirectoryError),
                      ("PermissionError", PermissionError), ("NotADirectoryError", NotADirectoryError)):
        if msg.startswith(name):
            return cls(f"{path}: {msg.split(': ', 1)[-1]}")
    return OSError(f"{path}: {msg}")
