"""A concurrency cap per provider: how many calls to one provider may be in flight at once.

Caps are per provider, not per model, because rate limits are: forty episodes calling two OpenAI
models share one budget. asyncio semaphores belong to one event loop, and prefgym's callers may
sit on several (a notebook's, the runtime loop), so each loop gets its own set. Which cap a model
id counts against is the provider table's answer (:func:`prefgym.models.provider_of`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

DEFAULT_CAP = int(os.environ.get("PREFGYM_MAX_CONCURRENCY", "16"))


class ProviderLimits:
    def __init__(self, caps: dict[str, int] | None = None, default: int = DEFAULT_CAP):
        self.caps = dict(caps or {})
        self.default = default
        self._semaphores: dict[tuple[int, str], asyncio.Semaphore] = {}

    def cap(self, provider: str) -> int:
        return self.caps.get(provider, self.default)

    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[None]:
        key = (id(asyncio.get_running_loop()), provider)
        semaphore = self._semaphores.get(key)
        if semaphore is None:
            semaphore = self._semaphores[key] = asyncio.Semaphore(self.cap(provider))
        async with semaphore:
            yield
