"""Answers served from a run's ``calls.jsonl`` instead of a provider: offline re-execution.

Calls are matched in order within the episode being replayed. When the request key of the nth call
equals the recorded one, the step matched; when it differs (a tool printed something else this
time) the recorded answer is still served, so replay goes on, but the step is reported as diverged.
A call past the end of the recording is an error: replay never falls through to a provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefgym.models.recorder import CallRecord, read_calls
from prefgym.models.retry import ModelError


class ReplayExhausted(ModelError):
    def __init__(self, message: str):
        super().__init__(message, transient=False)


@dataclass
class ReplayStep:
    index: int
    model: str
    recorded_key: str
    key: str

    @property
    def matched(self) -> bool:
        return self.key == self.recorded_key


@dataclass
class Replay:
    calls: list[CallRecord]
    steps: list[ReplayStep] = field(default_factory=list)

    @classmethod
    def from_run(cls, calls_path: str | Path, episode_id: str) -> Replay:
        calls = [c for c in read_calls(calls_path) if c.tags.get("episode") == episode_id and c.message is not None]
        return cls(calls)

    def answer(self, model: str, key: str) -> CallRecord:
        index = len(self.steps)
        if index >= len(self.calls):
            raise ReplayExhausted(f"replay: call {index + 1} of {model} was never recorded "
                                  f"(the recording has {len(self.calls)} calls)")
        recorded = self.calls[index]
        self.steps.append(ReplayStep(index, model, recorded.key, key))
        return recorded

    @property
    def complete(self) -> bool:
        return len(self.steps) == len(self.calls)
