"""``calls.jsonl``: every model call of a run, one JSON line each, for cost accounting and replay.

A line holds the public request (credentials removed), the answer, usage, cost, latency, the
number of attempts, whether it came from the cache, and tags (episode id, role) that say who made
it. Lines are flushed one by one so a killed run keeps every finished call; a torn last line is
skipped when reading.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CALLS_SCHEMA_VERSION = 1


class CallRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = CALLS_SCHEMA_VERSION
    key: str
    model: str
    sample: int = 0
    request: dict[str, Any]
    message: dict[str, Any] | None = None  # the assistant message (OpenAI format); None on error
    usage: dict[str, int] = Field(default_factory=dict)
    cost_usd: float | None = None
    latency_s: float = 0.0
    attempts: int = 1
    source: Literal["provider", "cache", "replay"] = "provider"
    prefill_mode: Literal["native", "instruction"] | None = None
    error: str | None = None
    batch_id: str | None = None  # the provider batch that answered it (None: an ordinary call)
    tags: dict[str, Any] = Field(default_factory=dict)
    time: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="milliseconds"))


class CallRecorder:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        end_torn_line(self.path)

    @property
    def directory(self) -> Path:
        return self.path.parent

    def write(self, record: CallRecord) -> None:
        line = json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n"
        with self._lock, open(self.path, "a") as f:
            f.write(line)
            f.flush()


def end_torn_line(path: Path) -> None:
    """If a killed writer left half a line, end it, so the next record starts on a line of its own
    (the torn line stays, and every reader skips it)."""
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as f:
            f.seek(-1, 2)
            if f.read(1) != b"\n":
                f.write(b"\n")


def read_calls(path: str | Path) -> Iterator[CallRecord]:
    """Every complete line of a ``calls.jsonl``; a torn or foreign line is skipped, not fatal."""
    path = Path(path)
    if not path.exists():
        return
    with open(path) as f:
        for line in f:
            try:
                yield CallRecord.model_validate_json(line)
            except ValueError:
                continue
