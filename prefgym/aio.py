"""Run prefgym's async core from sync code, even inside a running event loop (Jupyter).

Sync calls are shipped to one background event loop owned by prefgym, so ``env.step()`` works
from a plain script, from a notebook whose loop is already running, and from threads alike. The
gym env's async methods use the same loop, so a sandbox's socket always lives on one loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def runtime_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="prefgym-runtime", daemon=True).start()
        return _loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    loop = runtime_loop()
    try:
        if asyncio.get_running_loop() is loop:
            coro.close()
            raise RuntimeError("run_sync() called from prefgym's own loop; await the coroutine instead")
    except RuntimeError as e:
        if "no running event loop" not in str(e):
            raise
    return asyncio.run_coroutine_threadsafe(coro, loop).result()


async def run_on_runtime(coro: Coroutine[Any, Any, T]) -> T:
    loop = runtime_loop()
    if asyncio.get_running_loop() is loop:
        return await coro
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))
