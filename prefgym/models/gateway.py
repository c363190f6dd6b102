"""``complete()``: every model call in prefgym, with what research runs need around it.

In order, a call is: canonicalised into a :class:`Request` (its key hashes the whole request and the
sample index) → answered from a replay, or the disk cache, or the provider (under the provider's
concurrency cap, with retries on transient errors) → cached → recorded in ``calls.jsonl`` with the
caller's tags → returned as a :class:`Completion` with usage, cost, latency and attempts.

A :class:`Gateway` holds the cache, recorder, replay, retry policy and caps, and the world its
synthetic calls are answered in. Code that runs a study makes one and installs it with
:func:`use_gateway`; everything below (agents, users, preference probes) just calls
:func:`complete` and gets the installed one, or a default with the user-level cache and no
recorder. What differs between kinds of model (routing, caching, prefill, caps) comes from the
provider table (:mod:`prefgym.models.providers`); the gateway never reads a model id itself.
"""

from __future__ import annotations

import contextvars
import copy
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from prefgym.models.batch import Batcher, BatchTarget, batching
from prefgym.models.cache import CallCache
from prefgym.models.call import Answer, call_provider
from prefgym.models.limits import ProviderLimits
from prefgym.models.prefill import PrefillMode, join_prefill, prefill_mode, with_prefill
from prefgym.models.providers import Provider, provider_for
from prefgym.models.recorder import CallRecord, CallRecorder
from prefgym.models.replay import Replay
from prefgym.models.request import Request
from prefgym.models.retry import ModelError, RetryPolicy
from prefgym.models.synthetic.world import SyntheticWorld
from prefgym.types import FunctionCall, Message, ToolCall, ToolSpec


@dataclass
class Completion:
    message: Message
    model: str
    latency_s: float
    usage: dict[str, int] = field(default_factory=dict)
    cost_usd: float | None = None
    key: str = ""
    attempts: int = 1
    source: str = "provider"
    sample: int = 0
    prefill_mode: PrefillMode | None = None
    batch_id: str | None = None

    def summary(self) -> dict[str, Any]:
        """What an Episode record keeps about the call (the full request is in calls.jsonl)."""
        return {"key": self.key, "model": self.model, "sample": self.sample, "usage": self.usage,
                "cost_usd": self.cost_usd, "latency_s": round(self.latency_s, 4), "attempts": self.attempts,
                "source": self.source, **({"batch_id": self.batch_id} if self.batch_id else {})}


@dataclass
class GatewayStats:
    provider_calls: int = 0  # attempts that reached a provider, retries included
    cache_hits: int = 0
    replayed: int = 0
    retries: int = 0
    failures: int = 0
    batched: int = 0  # answers that came through a provider batch
    cost_usd: float = 0.0
    models: set[str] = field(default_factory=set)


def _to_message(raw: dict[str, Any]) -> Message:
    calls = [ToolCall(id=c["id"], function=FunctionCall(**c["function"])) for c in raw.get("tool_calls") or []]
    return Message(role="assistant", content=raw.get("content"), tool_calls=calls or None)


class Gateway:
    def __init__(self, *, cache: CallCache | None = None, recorder: CallRecorder | None = None,
                 replay: Replay | None = None, retry: RetryPolicy | None = None,
                 limits: ProviderLimits | None = None, seed: int | None = None,
                 world: SyntheticWorld | None = None, batcher: Batcher | None = None):
        """``world``: what synthetic models recognise in prompts (None: the default catalog's entities);
        ``batcher``: where calls made inside :func:`~prefgym.models.batch.batch_calls` go."""
        self.cache, self.recorder, self.replay, self.batcher = cache, recorder, replay, batcher
        self.retry = retry or RetryPolicy()
        self.limits = limits or ProviderLimits()
        self.world = world
        self.stats = GatewayStats()
        self._rng = random.Random(seed)

    def with_world(self, world: SyntheticWorld | None) -> Gateway:
        """This gateway, answering synthetic calls in ``world``: the cache, recorder, replay, retry
        policy, caps and the stats object itself are shared, so a run's counts and cost add up
        across the worlds of its episodes."""
        derived = copy.copy(self)
        derived.world = world
        return derived

    async def complete(self, model: str, messages: list[Message] | list[dict[str, Any]], *,
                       tools: list[ToolSpec] | list[dict[str, Any]] | None = None, sample: int = 0,
                       prefill: str | None = None, tags: dict[str, Any] | None = None,
                       **params: Any) -> Completion:
        """The next assistant message from ``model`` (a litellm id, ``synthetic/…`` or ``local/…``).

        ``sample`` tells repeated samples of one request apart (the cache and replay key on it).
        ``prefill`` starts the answer (see :mod:`prefgym.models.prefill`); a trailing assistant message
        in ``messages`` is taken as the prefill, as the chat format means it. ``params`` go to litellm
        unchanged: temperature, api_base, or its offline ``mock_response`` / ``mock_tool_calls``.
        """
        wire = [m.to_openai() if isinstance(m, Message) else dict(m) for m in messages]
        if prefill is None and wire and wire[-1].get("role") == "assistant" and not wire[-1].get("tool_calls"):
            prefill = wire.pop()["content"] or None  # a trailing assistant message is the chat format's prefill
        tool_dicts = [t.to_openai() if isinstance(t, ToolSpec) else t for t in tools or []] or None
        request = Request(model, wire, tool_dicts, params, sample, prefill)
        key = request.key()
        tags = {**current_tags.get(), **(tags or {})}
        provider = provider_for(model)
        mode = prefill_mode(model) if prefill else None
        self.stats.models.add(model)
        provider.validate(model)  # a malformed id is the caller's error: refused before any attempt

        record: dict[str, Any] | None = None
        source, attempts, batch_id = "provider", 0, None
        if self.replay is not None:
            recorded = self.replay.answer(model, key)
            record, source = recorded.model_dump(include={"message", "usage", "cost_usd", "latency_s"}), "replay"
            self.stats.replayed += 1
        elif self.cache is not None and provider.cached:
            record = self.cache.get(key)
            if record is not None:
                source = "cache"
                self.stats.cache_hits += 1
        if record is None:
            try:
                answer, attempts, batch_id, paid = await self._answer(provider, request, mode, key)
            except ModelError as e:
                self.stats.failures += 1
                self._record(CallRecord(key=key, model=model, sample=sample, request=request.public(),
                                        attempts=e.attempts, prefill_mode=mode, error=str(e), tags=tags))
                raise
            if prefill:
                answer.message["content"] = join_prefill(prefill, answer.message.get("content"))
            record = {"message": answer.message, "usage": answer.usage, "cost_usd": answer.cost_usd,
                      "latency_s": answer.latency_s}
            if self.cache is not None and provider.cached:
                self.cache.put(key, record)
            if paid:  # a batch answer the killed run this one resumes already recorded
                source = "cache"
                self.stats.cache_hits += 1
            else:
                self.stats.cost_usd += answer.cost_usd or 0.0
                if batch_id is not None:  # each round of a batched request reached the provider
                    self.stats.provider_calls += attempts
            self.stats.batched += batch_id is not None

        completion = Completion(message=_to_message(record["message"]), model=model,
                                latency_s=record["latency_s"] if source == "provider" else 0.0,
                                usage=record["usage"], cost_usd=record["cost_usd"] if source == "provider" else 0.0,
                                key=key, attempts=attempts, source=source, sample=sample, prefill_mode=mode,
                                batch_id=batch_id)
        self._record(CallRecord(key=key, model=model, sample=sample, request=request.public(),
                                message=record["message"], usage=completion.usage, cost_usd=completion.cost_usd,
                                latency_s=completion.latency_s, attempts=attempts, source=source,
                                prefill_mode=mode, tags=tags, batch_id=batch_id))
        return completion

    async def _answer(self, provider: Provider, request: Request, mode: PrefillMode | None,
                      key: str) -> tuple[Answer, int, str | None, bool]:
        """``(answer, attempts, batch id, already recorded)``: through the batcher inside
        :func:`~prefgym.models.batch.batch_calls` where the provider has a batch API, else one call."""
        if self.batcher is not None and batching():
            target = provider.batch_target(request.model, dict(request.params), sample=request.sample, world=self.world)
            if isinstance(target, BatchTarget):
                messages = with_prefill(request.messages, request.prefill, mode) if request.prefill and mode \
                    else request.messages
                claimed = await self.batcher.answer(target, key, request.model, messages, request.tools)
                return claimed.answer, claimed.rounds, claimed.batch_id, claimed.recorded
            self.batcher.note(f"{request.model}: sent by ordinary calls, not batched ({target})")
        answer, attempts = await self._call(provider, request, mode)
        return answer, attempts, None, False

    async def _call(self, provider: Provider, request: Request, mode: PrefillMode | None) -> tuple[Answer, int]:
        route = await provider.route(request.model, dict(request.params), sample=request.sample, world=self.world)
        messages = with_prefill(request.messages, request.prefill, mode) if request.prefill and mode else request.messages
        cap = provider.limit_key(request.model)

        async def attempt() -> Answer:
            self.stats.provider_calls += 1
            async with self.limits.slot(cap):
                return await call_provider(route.model, messages, request.tools, route.params,
                                           name=request.model, outages=route.outages)

        def on_retry(attempt_no: int, error: ModelError, wait: float) -> None:
            self.stats.retries += 1

        return await self.retry.run(attempt, rng=self._rng, on_retry=on_retry)

    def _record(self, record: CallRecord) -> None:
        if self.recorder is not None:
            self.recorder.write(record)


def default_gateway() -> Gateway:
    """The user-level disk cache unless ``PREFGYM_CACHE=off``; no recorder."""
    cache = None if os.environ.get("PREFGYM_CACHE", "on").lower() in ("0", "off", "false", "no") else CallCache()
    return Gateway(cache=cache)


_current: contextvars.ContextVar[Gateway | None] = contextvars.ContextVar("prefgym_gateway", default=None)
current_tags: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("prefgym_call_tags", default={})
_default: Gateway | None = None


def current_gateway() -> Gateway:
    global _default
    gateway = _current.get()
    if gateway is None:
        if _default is None:
            _default = default_gateway()
        gateway = _default
    return gateway


@contextmanager
def use_gateway(gateway: Gateway) -> Iterator[Gateway]:
    """Route every :func:`complete` in this context (and tasks it starts) through ``gateway``."""
    token = _current.set(gateway)
    try:
        yield gateway
    finally:
        _current.reset(token)


@contextmanager
def tag_calls(**tags: Any) -> Iterator[None]:
    """Label the calls made in this context in ``calls.jsonl`` (episode id, role…)."""
    token = current_tags.set({**current_tags.get(), **tags})
    try:
        yield
    finally:
        current_tags.reset(token)


async def complete(model: str, messages: list[Message] | list[dict[str, Any]], **kwargs: Any) -> Completion:
    """:meth:`Gateway.complete` on the gateway installed by :func:`use_gateway` (or the default)."""
    return await current_gateway().complete(model, messages, **kwargs)
