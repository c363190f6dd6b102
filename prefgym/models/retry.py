"""Retries with exponential backoff and full jitter, for transient provider errors only.

Rate limits, timeouts, dropped connections and 5xx answers are worth waiting for; a 4xx (bad
request, auth, unknown model) will fail the same way again, so it is raised at once. Jitter keeps
many concurrent episodes that hit one rate limit from retrying in lockstep.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from prefgym.errors import PrefgymError

T = TypeVar("T")


class ModelError(PrefgymError, RuntimeError):
    """A model call failed, or a model id cannot be used (its message says which and why).
    ``transient`` errors (rate limits, timeouts, 5xx) are worth retrying; ``context_window`` says
    the request was refused for being longer than the model's context (an episode's own end)."""

    def __init__(self, message: str, *, transient: bool, attempts: int = 1, context_window: bool = False):
        super().__init__(message)
        self.transient = transient
        self.attempts = attempts
        self.context_window = context_window


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, base·2^(attempt-1)], capped."""
        return rng.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))

    async def run(self, call: Callable[[], Awaitable[T]], *, rng: random.Random | None = None,
                  on_retry: Callable[[int, ModelError, float], None] | None = None) -> tuple[T, int]:
        """``(result, attempts)``; the last error is raised with ``attempts`` set when all fail."""
        rng = rng or random.Random()
        attempt = 1
        while True:
            try:
                return await call(), attempt
            except ModelError as e:
                e.attempts = attempt
                if not e.transient or attempt >= self.max_attempts:
                    raise
                wait = self.delay(attempt, rng)
                if on_retry:
                    on_retry(attempt, e, wait)
                await asyncio.sleep(wait)
                attempt += 1
