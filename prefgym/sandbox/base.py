"""The sandbox contract every backend implements.

Tools, tasks and graders only ever see this class, so a new isolation backend (a VM, a remote
host) is one new module, not a change to the episode loop. All methods are async because a run
drives many sandboxes at once from one event loop.
"""

from __future__ import annotations

import io
import tarfile
from abc import ABC, abstractmethod
from pathlib import Path

from prefgym.errors import PrefgymError
from prefgym.types import ExecResult


class SandboxError(PrefgymError, RuntimeError):
    """The sandbox itself failed (engine refused, container died): an infra error, not the agent's;
    on the command line, one line saying what to fix (start Docker, build the image)."""


class Sandbox(ABC):
    """One isolated machine for one episode. Never handed to a second episode."""

    work_dir: str = "/work"

    @abstractmethod
    async def exec(
        self,
        cmd: str | list[str],
        *,
        timeout: float | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
    ) -> ExecResult:
        """Run ``cmd`` (a bash command line, or an argv list) and wait for it or its timeout.

        A timeout kills the command's whole process group and every process it left behind;
        output past the backend's cap is cut with a visible marker and ``truncated`` set.
        """

    @abstractmethod
    async def read_file(self, path: str) -> bytes:
        """Read a file; relative paths are under ``work_dir``. Raises FileNotFoundError."""

    @abstractmethod
    async def write_file(self, path: str, data: bytes | str, *, mode: int | None = None) -> None:
        """Write a file, creating parent folders; relative paths are under ``work_dir``."""

    @abstractmethod
    async def _untar(self, tar_bytes: bytes, dest: str) -> None:
        """Unpack a tar archive into ``dest``: the one primitive behind :meth:`copy_in`."""

    @abstractmethod
    async def _tar(self, src: str) -> bytes:
        """Pack folder ``src`` into a tar archive: the one primitive behind :meth:`copy_out`."""

    @abstractmethod
    async def exec_trusted(self, cmd: list[str], *, files: dict[str, bytes], env: dict[str, str] | None = None,
                           cwd: str | None = None, timeout: float = 120.0) -> ExecResult:
        """Run ``cmd`` as the sandbox's trusted user, never the agent's: for graders.

        First the agent is gone: its channel is closed and every process of its user is killed and
        waited for, so nothing it started runs beside what follows; after this call the sandbox
        takes no more agent commands. Then ``files`` are written into a fresh folder of an
        unpredictable name that only the trusted user can read or write, and ``{private}`` in
        ``cmd``, ``env`` and ``cwd`` is replaced by its path. ``cmd`` runs with exactly ``env`` (no
        variable of the agent's), stdin on /dev/null, in a session of its own that a timeout kills
        whole. The result's stdout is the command's own, on a pipe no agent process ever held.
        """

    def environment(self) -> dict:
        """What the episode's record should say about this sandbox that its task does not (the
        images of its servers, a base image a local stand-in replaced); JSON-ready."""
        return {}

    @abstractmethod
    async def close(self) -> None:
        """Release the sandbox and everything it holds. Idempotent."""

    async def copy_in(self, local_dir: str | Path, dest: str | None = None) -> None:
        """Copy a host folder's contents into the sandbox in one round trip."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for path in sorted(Path(local_dir).rglob("*")):
                info = tar.gettarinfo(str(path), arcname=str(path.relative_to(local_dir)))
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if path.is_file():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
        await self._untar(buf.getvalue(), dest or self.work_dir)

    async def copy_out(self, src: str, local_dir: str | Path) -> None:
        """Copy a sandbox folder's contents to a host folder (graders' evidence, the viewer)."""
        Path(local_dir).mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(await self._tar(self.resolve(src)))) as tar:
            tar.extractall(local_dir, filter=_skip_unsafe)

    def resolve(self, path: str) -> str:
        return path if path.startswith("/") else f"{self.work_dir.rstrip('/')}/{path}"

    async def __aenter__(self) -> "Sandbox":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _skip_unsafe(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """What the sandbox wrote is untrusted: drop links out of the folder, devices, absolute paths."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None
