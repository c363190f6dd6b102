"""The batcher: concurrent calls gathered into provider batches, and each caller handed its own answer.

Callers do not change: a preference probe or an episode awaits :func:`~prefgym.models.complete` as
always, and inside a :func:`batch_calls` block the gateway hands the request here instead of to
the provider. Requests wait in a queue per endpoint; the queue is sent as one batch when no new
request has come for ``linger_s`` (every caller of a round has asked), when its first request has
waited ``max_wait_s``, or when it is full. Then the batch is polled until it ends, and each line's
answer resolves its caller's future. A line that failed transiently, or that an expired batch
never answered, goes into the next batch (only it, never its batch-mates), up to ``max_rounds``.

Resume: the journal (:mod:`.journal`) holds every batch id as soon as the provider returned it.
A new batcher over the same journal polls the batches an earlier process left in flight, and
knows the answers of those it saw finish; a caller asking for one of their requests waits for
that batch or takes its saved answer, so nothing already paid for is sent again.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from prefgym.models.batch import client
from prefgym.models.batch.config import BatchConfig
from prefgym.models.batch.journal import BatchJournal
from prefgym.models.batch.target import BatchTarget, LineResult, read_results
from prefgym.models.call import Answer, message_dict
from prefgym.models.retry import ModelError, RetryPolicy

_batching: contextvars.ContextVar[bool] = contextvars.ContextVar("prefgym_batching", default=False)


@contextmanager
def batch_calls(on: bool = True) -> Iterator[None]:
    """Calls made in this block (and tasks it starts) may be batched, where the gateway batches."""
    token = _batching.set(on)
    try:
        yield
    finally:
        _batching.reset(token)


def batching() -> bool:
    """Whether calls made here may be batched: a caller then asks everything at once, not a few at a time."""
    return _batching.get()


@dataclass
class BatchProgress:
    submitted: int = 0  # batches sent
    finished: int = 0  # batches that ended
    requests: int = 0  # batch lines sent, resubmissions included
    answered: int = 0
    resubmitted: int = 0  # lines sent again after a failure or an expiry
    waiting: int = 0  # requests queued for the next batch
    in_flight: int = 0  # requests in batches not yet ended

    def describe(self) -> str:
        return (f"batches {self.finished}/{self.submitted} done, {self.in_flight:,} requests in flight, "
                f"{self.waiting:,} queued, {self.answered:,} answered"
                + (f", {self.resubmitted:,} resubmitted" if self.resubmitted else ""))


@dataclass
class Claimed:
    """What a caller gets: the answer, the rounds its request took, its batch, and whether this run
    already recorded it (an answer saved by the killed process it resumes)."""

    answer: Answer
    rounds: int
    batch_id: str
    recorded: bool = False


_RESUBMIT = object()  # an earlier process's batch failed this request: the caller sends it again


@dataclass
class _Item:
    key: str
    model: str
    target: BatchTarget
    line: dict[str, Any]
    future: asyncio.Future
    rounds: int = 0


@dataclass
class _Queue:
    target: BatchTarget
    items: list[_Item] = field(default_factory=list)
    first_at: float = 0.0
    last_at: float = 0.0
    timer: asyncio.Task | None = None


def _settle(future: asyncio.Future, value: Any = None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)
        future.exception()  # retrieved: a caller that gave up must not leave "never retrieved" noise


class Batcher:
    def __init__(self, config: BatchConfig | None = None, journal: BatchJournal | None = None, *,
                 retry: RetryPolicy | None = None, cost: Callable[[str, dict[str, int]], float | None] | None = None,
                 recorded: set[str] | None = None):
        """``cost(model, usage)``: the batch price of one answer; ``recorded``: request keys the
        run's ``calls.jsonl`` already holds from a batch (their answers are not paid again)."""
        self.config = config or BatchConfig()
        self.journal = journal
        self.retry = retry or RetryPolicy()
        self.cost = cost or (lambda model, usage: None)
        self.progress = BatchProgress()
        self.on_progress: Callable[[BatchProgress], None] | None = None
        self.on_note: Callable[[str], None] = lambda text: print(f"prefgym: {text}", file=sys.stderr)
        self.notes: list[str] = []
        self._queues: dict[str, _Queue] = {}
        self._waiting: dict[str, asyncio.Future] = {}
        self._tasks: set[asyncio.Task] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        state = journal.state() if journal is not None else None
        self._recorded = set(recorded or ())  # answered keys already in calls.jsonl: not paid again
        # every answer a batch of this run gave (the journal's, from an earlier process, included): a
        # request asked again (the same pair in an active round) takes it, as the cache would give it
        self._known: dict[str, tuple[str, str, LineResult]] = dict(state.answers) if state else {}
        self._adopt = list(state.in_flight) if state else []
        self._orphans = list(state.uploaded) if state else []  # uploaded, then killed before the batch id was written

    # ------------------------------------------------------------------ what callers use

    def note(self, text: str) -> None:
        """Say ``text`` once per run (a fallback to ordinary calls, a batch resubmitted)."""
        if text not in self.notes:
            self.notes.append(text)
            self.on_note(text)

    async def answer(self, target: BatchTarget, key: str, model: str, messages: list[dict[str, Any]],
                     tools: list[dict[str, Any]] | None) -> Claimed:
        self._bind()
        while True:
            if key in self._known:
                _, batch_id, result = self._known[key]
                claimed = Claimed(self._answer(model, result.body or {}, 0.0), 1, batch_id, key in self._recorded)
                self._recorded.add(key)
                return claimed
            future = self._waiting.get(key)
            if future is None:
                future = self._enqueue(target, key, model, target.line(key, messages, tools))
            result = await asyncio.shield(future)  # shared by every caller of this request
            if result is not _RESUBMIT:
                return result

    # ------------------------------------------------------------------ queues

    def _bind(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        if self._loop is not None and (self._waiting or self._tasks):
            raise RuntimeError("a batcher serves one event loop at a time")
        self._loop, self._queues = loop, {}
        adopt, self._adopt = self._adopt, []
        orphans, self._orphans = self._orphans, []
        for record in adopt + orphans:  # an earlier process's batches: poll them, never send them again
            where = record["target"]
            if where.get("in_process") and where.get("pid") != os.getpid():
                continue  # it lived in the killed process's own endpoint: gone with it, and paid by no one
            keys = {q["key"]: q["model"] for q in record["requests"]}
            for key in keys:
                self._waiting.setdefault(key, loop.create_future())
            self.progress.in_flight += len(keys)
            self._spawn(self._adopt_batch(BatchTarget.adopted(where), record, keys))
        self._notify()

    async def _adopt_batch(self, target: BatchTarget, record: dict[str, Any], keys: dict[str, str]) -> None:
        batch_id = record.get("batch_id")
        if batch_id is None:  # only its file was written down: did the provider make the batch?
            try:
                found = await self._provider(lambda: client.find(target, record["file_id"]))
            except ModelError:
                found = None
            if found is None:  # never created, so never paid: its callers send their requests again
                self.progress.in_flight -= len(keys)
                for key in keys:
                    self._lost(key, None, ModelError("", transient=True))
                return
            batch_id = found.id
            if self.journal is not None:
                self.journal.submitted(batch_id, record["file_id"], record["target"], list(keys.items()))
        self.progress.submitted += 1
        await self._follow(target, batch_id, keys, {}, time.monotonic())

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _timing(self, target: BatchTarget) -> tuple[float, float, float, float]:
        """linger, max wait, first poll, longest poll: an endpoint on this machine is not waited for."""
        c = self.config
        if target.local:
            return min(c.linger_s, 0.01), min(c.max_wait_s, 0.5), min(c.poll_s, 0.005), min(c.max_poll_s, 0.1)
        return c.linger_s, c.max_wait_s, c.poll_s, c.max_poll_s

    def _enqueue(self, target: BatchTarget, key: str, model: str, line: dict[str, Any],
                 item: _Item | None = None) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        if item is None:
            item = _Item(key, model, target, line, loop.create_future())
            self._waiting[key] = item.future
        queue = self._queues.setdefault(target.queue, _Queue(target))
        now = loop.time()
        if not queue.items:
            queue.first_at = now
        queue.items.append(item)
        queue.last_at = now
        self.progress.waiting += 1
        if len(queue.items) >= self.config.max_requests:
            self._flush(queue)
        elif queue.timer is None or queue.timer.done():
            queue.timer = loop.create_task(self._timer(queue))
        return item.future

    async def _timer(self, queue: _Queue) -> None:
        linger, max_wait, _, _ = self._timing(queue.target)
        loop = asyncio.get_running_loop()
        while queue.items:
            due = min(queue.last_at + linger, queue.first_at + max_wait)
            if loop.time() >= due:
                self._flush(queue)
                return
            await asyncio.sleep(due - loop.time())

    def _flush(self, queue: _Queue) -> None:
        items, queue.items = queue.items[:self.config.max_requests], queue.items[self.config.max_requests:]
        if queue.items:
            queue.first_at = queue.last_at
        self.progress.waiting -= len(items)
        self._spawn(self._send(queue.target, items))

    # ------------------------------------------------------------------ one batch

    async def _provider(self, what: Callable[[], Any]) -> Any:
        result, _ = await self.retry.run(what)
        return result

    async def _send(self, target: BatchTarget, items: list[_Item]) -> None:
        for item in items:
            item.rounds += 1
        data = b"".join(json.dumps(i.line, ensure_ascii=False).encode() + b"\n" for i in items)
        try:
            file_id = await self._provider(lambda: client.upload(target, data))
            if self.journal is not None:
                self.journal.uploaded(file_id, {**target.public(), "pid": os.getpid()}, [(i.key, i.model) for i in items])
            state = await self._provider(lambda: client.create(target, file_id))
        except ModelError as e:
            for item in items:
                self._fail(item, e)
            return
        if self.journal is not None:
            self.journal.submitted(state.id, file_id, {**target.public(), "pid": os.getpid()},
                                   [(i.key, i.model) for i in items])
        self.progress.submitted += 1
        self.progress.requests += len(items)
        self.progress.in_flight += len(items)
        self._notify()
        await self._follow(target, state.id, {i.key: i.model for i in items}, {i.key: i for i in items},
                           time.monotonic())

    async def _follow(self, target: BatchTarget, batch_id: str, keys: dict[str, str], items: dict[str, _Item],
                      started: float) -> None:
        """Poll ``batch_id`` to its end, then hand out its answers. ``items``: the requests this
        process sent (an adopted batch has none: its callers wait on its keys)."""
        _, _, wait, longest = self._timing(target)
        try:
            while True:
                state = await self._provider(lambda: client.retrieve(target, batch_id))
                if state.final:
                    break
                await asyncio.sleep(wait)
                wait = min(wait * 1.5, longest)
            files = [f for f in (state.output_file_id, state.error_file_id) if f]
            texts = [await self._provider(lambda f=f: client.content(target, f)) for f in files]
        except ModelError as e:
            self.progress.in_flight -= len(keys)
            for key in keys:
                self._lost(key, items.get(key), e)
            self._notify()
            return
        output = "\n".join(t.strip("\n") for t in texts)
        results = read_results(output)
        answered = sum(1 for r in results.values() if r.body is not None)
        if self.journal is not None:
            self.journal.finished(batch_id, state.status, output, {"answered": answered, "requests": len(keys)})
        self.progress.finished += 1
        self.progress.in_flight -= len(keys)
        latency = time.monotonic() - started
        why = f"batch {batch_id} {state.status}" + (f": {state.errors}" if state.errors else "")
        for key, model in keys.items():
            result, item = results.get(key), items.get(key)
            if result is not None and result.body is not None:
                self.progress.answered += 1
                self._known[key] = (model, batch_id, result)
                future = self._waiting.pop(key, None)
                if future is not None and not future.done():  # else nobody asked yet (an adopted batch)
                    self._recorded.add(key)
                    _settle(future, Claimed(self._answer(model, result.body, latency), item.rounds if item else 1, batch_id))
            else:
                error = ModelError(f"{model}: {result.error if result else f'no answer: {why}'}",
                                   transient=result.transient if result else True)
                self._lost(key, item, error)
        self._notify()

    def _lost(self, key: str, item: _Item | None, error: ModelError) -> None:
        """A request its batch did not answer: sent again (a transient failure with rounds left), or its caller's error."""
        if item is None:  # an earlier process's request: its caller (if any) sends it again
            future = self._waiting.pop(key, None)
            if future is not None:
                _settle(future, _RESUBMIT)
            return
        if error.transient and item.rounds < self.config.max_rounds:
            self.progress.resubmitted += 1
            self.note("requests a batch did not answer are sent again in a later batch (only those)")
            self._enqueue(item.target, item.key, item.model, item.line, item)
            return
        self._fail(item, error)

    def _fail(self, item: _Item, error: ModelError) -> None:
        self._waiting.pop(item.key, None)
        _settle(item.future, error=ModelError(str(error), transient=False, attempts=item.rounds,
                                              context_window=error.context_window))

    def _answer(self, model: str, body: dict[str, Any], latency: float) -> Answer:
        usage = {k: int((body.get("usage") or {}).get(k) or 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
        return Answer(message=message_dict(body["choices"][0]["message"]), usage=usage, cost_usd=self.cost(model, usage),
                      latency_s=latency)

    def _notify(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.progress)
