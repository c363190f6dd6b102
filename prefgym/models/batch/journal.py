"""The run directory's record of its batches, so a killed run resumes by polling, never by paying twice.

A batch's file is written down the moment it is uploaded (``uploaded``, with every request it
holds), and its id the moment the provider returns it (``submitted``): a run killed between the two
finds the batch again by its file; when it ends, its output and error files are saved whole beside the journal *before* the
``finished`` line. A resumed run therefore knows every batch it paid for: one still in flight is
polled again, and a finished one's answers are read from its saved output, including answers that
no caller had claimed when the run was killed. Lines are appended and flushed one by one; a torn
last line (a kill mid-write) is skipped.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefgym.models.batch.target import LineResult, read_results
from prefgym.models.recorder import end_torn_line


@dataclass
class JournalState:
    in_flight: list[dict[str, Any]] = field(default_factory=list)  # submitted lines with no finished line
    uploaded: list[dict[str, Any]] = field(default_factory=list)  # uploaded files no submitted line names
    answers: dict[str, tuple[str, str, LineResult]] = field(default_factory=dict)  # key → (model, batch id, result)


class BatchJournal:
    def __init__(self, path: Path, output_path: Callable[[str], Path]):
        """``path``: the journal (JSON lines); ``output_path(batch_id)``: where a batch's files are
        saved. The run directory names both."""
        self.path, self.output_path = Path(path), output_path
        self._lock = threading.Lock()
        end_torn_line(self.path)

    def _write(self, record: dict[str, Any]) -> None:
        record["time"] = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        line = json.dumps(record, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())  # a batch id lost to a crash is a batch paid twice

    def uploaded(self, file_id: str, target: dict[str, Any], requests: list[tuple[str, str]]) -> None:
        self._write({"event": "uploaded", "file_id": file_id, "target": target,
                     "requests": [{"key": k, "model": m} for k, m in requests]})

    def submitted(self, batch_id: str, file_id: str, target: dict[str, Any], requests: list[tuple[str, str]]) -> None:
        """``requests``: (request key = custom_id, model id)."""
        self._write({"event": "submitted", "batch_id": batch_id, "file_id": file_id, "target": target,
                     "requests": [{"key": k, "model": m} for k, m in requests]})

    def finished(self, batch_id: str, status: str, output: str, counts: dict[str, int]) -> None:
        path = self.output_path(batch_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(output)
        os.replace(partial, path)
        self._write({"event": "finished", "batch_id": batch_id, "status": status, **counts})

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out

    def state(self) -> JournalState:
        """What an earlier process left: its batches in flight, and the answers of its finished ones."""
        submitted: dict[str, dict[str, Any]] = {}
        uploaded: dict[str, dict[str, Any]] = {}
        finished: list[str] = []
        named: set[str] = set()  # files a batch was made from
        for r in self.records():
            if r.get("event") == "uploaded":
                uploaded[r["file_id"]] = r
            elif r.get("event") == "submitted":
                submitted[r["batch_id"]] = r
                named.add(r["file_id"])
            elif r.get("event") == "finished":
                finished.append(r["batch_id"])
        state = JournalState()
        for batch_id in finished:
            record = submitted.pop(batch_id, None)
            path = self.output_path(batch_id)
            if record is None or not path.exists():
                continue
            models = {q["key"]: q["model"] for q in record["requests"]}
            for key, result in read_results(path.read_text()).items():
                if result.body is not None and key in models:
                    state.answers[key] = (models[key], batch_id, result)
        state.in_flight = list(submitted.values())
        state.uploaded = [r for f, r in uploaded.items() if f not in named]
        return state

    def batch_ids(self) -> list[str]:
        return [r["batch_id"] for r in self.records() if r.get("event") == "submitted"]
