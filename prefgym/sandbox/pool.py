"""A warm pool: fresh sandboxes started ahead of demand, each handed out once and never reused.

A cold start costs a container create + start + channel attach (~0.25 s here); with the pool,
``acquire()`` is a queue pop while replacements start in the background. Starts and removals
share one bound on parallel engine operations, because an engine flooded with requests slows
down for everyone. A start that fails or hangs is retried until a deadline and then reported as
a :class:`SandboxError` — an infra error, never the agent's failure.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from prefgym.sandbox.base import Sandbox, SandboxError
from prefgym.types import ExecResult

log = logging.getLogger(__name__)


class SandboxPool:
    def __init__(self, create: Callable[[], Awaitable[Sandbox]], *, size: int = 2, max_parallel_ops: int = 4,
                 start_attempts: int = 3, start_deadline_s: float = 120.0):
        if size < 0 or max_parallel_ops < 1 or start_attempts < 1:
            raise ValueError("pool size must be ≥ 0, max_parallel_ops and start_attempts ≥ 1")
        self._create = create
        self.size = size
        self.start_attempts = start_attempts
        self.start_deadline_s = start_deadline_s
        self._ops = asyncio.Semaphore(max_parallel_ops)
        self._ready: asyncio.Queue[Sandbox] = asyncio.Queue()
        self._starting = 0
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self.stats = {"acquired_warm": 0, "acquired_cold": 0, "start_failures": 0, "removed": 0}

    # ------------------------------------------------------------------ public

    async def acquire(self) -> Sandbox:
        """A fresh sandbox: from the pool if one is ready, else started now. Close it when done."""
        if self._closed:
            raise SandboxError("the sandbox pool is closed")
        try:
            sandbox = self._ready.get_nowait()
            self.stats["acquired_warm"] += 1
        except asyncio.QueueEmpty:
            sandbox = await self._start_with_retries()
            self.stats["acquired_cold"] += 1
        self._fill()
        return _Leased(sandbox, self)

    async def warm_up(self) -> None:
        """Fill the pool and wait until it is full (or its starts have failed)."""
        self._fill()
        while self._starting and not self._closed:
            await asyncio.sleep(0.01)

    @property
    def ready(self) -> int:
        return self._ready.qsize()

    async def aclose(self) -> None:
        """Stop refilling, remove the idle sandboxes, and wait for every pending removal."""
        self._closed = True
        while not self._ready.empty():
            self._spawn(self._remove(self._ready.get_nowait()))
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def __aenter__(self) -> "SandboxPool":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ internals

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _fill(self) -> None:
        while not self._closed and self._ready.qsize() + self._starting < self.size:
            self._starting += 1
            self._spawn(self._start_into_pool())

    async def _start_into_pool(self) -> None:
        try:
            sandbox = await self._start_with_retries()
        except SandboxError as e:
            log.warning("warm pool: %s", e)
            return
        finally:
            self._starting -= 1
        if self._closed:
            await self._remove(sandbox)
        else:
            self._ready.put_nowait(sandbox)

    async def _start_with_retries(self) -> Sandbox:
        deadline = time.monotonic() + self.start_deadline_s
        last: Exception | None = None
        for attempt in range(self.start_attempts):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                async with self._ops:
                    return await asyncio.wait_for(self._create(), timeout=remaining)
            except (SandboxError, asyncio.TimeoutError) as e:
                last = e
                self.stats["start_failures"] += 1
                await asyncio.sleep(min(0.2 * 2**attempt, max(deadline - time.monotonic(), 0)))
        raise SandboxError(f"no sandbox after {self.start_attempts} attempts: {last or 'start deadline passed'}")

    async def _remove(self, sandbox: Sandbox) -> None:
        async with self._ops:
            try:
                await sandbox.close()
                self.stats["removed"] += 1
            except Exception as e:  # a removal failure must not break the run; the reaper catches it
                log.warning("warm pool: could not remove a sandbox: %s", e)

    def _release(self, sandbox: Sandbox) -> None:
        self._spawn(self._remove(sandbox))


class _Leased(Sandbox):
    """A pooled sandbox as its user sees it: closing it hands it back for removal in the background."""

    def __init__(self, inner: Sandbox, pool: SandboxPool):
        self._inner, self._pool = inner, pool
        self.work_dir = inner.work_dir

    def __getattr__(self, name: str):  # backend extras (container_id, config…) stay reachable
        return getattr(self._live(), name)

    def _live(self) -> Sandbox:
        if self._inner is None:
            raise SandboxError("this sandbox was closed (handed back to its pool)")
        return self._inner

    async def exec(self, cmd: str | list[str], *, timeout: float | None = None, cwd: str | None = None,
                   env: dict[str, str] | None = None) -> ExecResult:
        return await self._live().exec(cmd, timeout=timeout, cwd=cwd, env=env)

    async def read_file(self, path: str) -> bytes:
        return await self._live().read_file(path)

    async def write_file(self, path: str, data: bytes | str, *, mode: int | None = None) -> None:
        await self._live().write_file(path, data, mode=mode)

    async def exec_trusted(self, cmd: list[str], *, files: dict[str, bytes], env: dict[str, str] | None = None,
                           cwd: str | None = None, timeout: float = 120.0) -> ExecResult:
        return await self._live().exec_trusted(cmd, files=files, env=env, cwd=cwd, timeout=timeout)

    async def _untar(self, tar_bytes: bytes, dest: str) -> None:
        await self._live()._untar(tar_bytes, dest)

    async def _tar(self, src: str) -> bytes:
        return await self._live()._tar(src)

    def environment(self) -> dict:
        return self._live().environment()

    async def close(self) -> None:
        if self._inner is not None:
            inner, self._inner = self._inner, None
            self._pool._release(inner)
