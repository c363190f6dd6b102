"""An index of ``episodes.jsonl`` that is built once and then only grows.

A run can hold tens of thousands of episodes of several KB each, so the viewer never parses the
whole file per request: one scan records, for each complete line, where it lies (byte offset and
length) and the few fields the episode list shows. An episode page then reads its one line by
offset. When the file grows (a live run appends and flushes one line per episode), ``refresh``
reads only the new bytes. A line without its newline may still be being written: it is left for
the next refresh unless it already parses as a whole record.

Parsing is the cost of a scan, so a line is first read cheaply: the fields before ``messages``
(``id``, ``spec``, ``reward``, ``termination``, ``turns``, which the writer puts first) are parsed
alone, and the line's end is checked to be the record's real end (``"timings": {…}}``), which a
torn line, a prefix of a record, cannot be. Any line that does not fit that shape is parsed whole.
A torn line that a resumed run ended with a newline is skipped, as every reader of a run skips it.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Columns of the episode list, in order; each is a Row attribute and a sort key.
COLUMNS = ("id", "suite", "task", "entity", "entity_b", "model", "condition", "seed", "reward", "reason", "turns")
# Fields with a few distinct values, counted for the run page and the list's filter menus.
FACETS = ("suite", "task", "entity", "model", "condition", "reason")

CHUNK = 16 << 20
_MESSAGES_KEYS = (b', "messages": ', b',"messages":')
_TIMINGS_KEYS = (b'"timings": ', b'"timings":')


@dataclass(slots=True)
class Row:
    """What the list needs of one episode, and where its line is."""

    id: str
    suite: str
    task: str
    entity: str
    entity_b: str
    model: str
    condition: str
    seed: int
    reward: float
    reason: str
    turns: int
    offset: int
    length: int
    line: int  # 1-based line number in episodes.jsonl, for error messages


def _row(head: dict[str, Any], offset: int, length: int, line: int) -> Row | None:
    try:
        spec, term = head["spec"], head["termination"]
        return Row(id=str(head["id"]), suite=str(spec["suite"]), task=str(spec["task"]), entity=str(spec["entity"]),
                   entity_b=str(spec.get("entity_b") or ""), model=str(spec.get("model") or spec.get("agent") or ""),
                   condition=str(spec.get("condition") or ""), seed=int(spec.get("seed") or 0),
                   reward=float(head["reward"]), reason=str(term["reason"]), turns=int(head.get("turns") or 0),
                   offset=offset, length=length, line=line)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _head_fast(line: bytes) -> dict[str, Any] | None:
    """The fields before ``messages``, if the line has the writer's shape and a complete end."""
    for key in _MESSAGES_KEYS:
        i = line.find(key)
        if i > 0:
            break
    else:
        return None
    for key in _TIMINGS_KEYS:
        j = line.rfind(key, max(0, len(line) - 1024))
        if j > 0:
            break
    else:
        return None
    try:
        tail = json.loads(b"{" + line[j:])
        head = json.loads(line[:i] + b"}")
    except ValueError:
        return None
    if not (isinstance(tail, dict) and isinstance(tail.get("timings"), dict) and isinstance(head, dict)):
        return None
    return head


def parse_head(line: bytes) -> dict[str, Any] | None:
    """The list fields of one line, or None when it is not a whole episode record."""
    head = _head_fast(line)
    if head is None:
        try:
            head = json.loads(line)
        except ValueError:
            return None
    return head if isinstance(head, dict) else None


class EpisodeIndex:
    """Rows of every complete episode line, in file order; the last line of an id wins (a rerun
    of an infra error appends a second record for the same spec)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.rows: list[Row] = []
        self._where: dict[str, int] = {}  # id → position in rows
        self.counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
        self.skipped = 0  # complete lines that are not episodes (torn by a kill, foreign)
        self._pos = 0
        self._lines = 0
        self._inode: int | None = None

    # ------------------------------------------------------------------ building

    def refresh(self) -> int:
        """Index whatever was appended since the last call; the number of new rows."""
        with self._lock:
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                if self._pos:
                    self._reset()
                return 0
            if st.st_ino != self._inode or st.st_size < self._pos:  # replaced or truncated: start over
                self._reset()
                self._inode = st.st_ino
            if st.st_size == self._pos:
                return 0
            added, carry, left = 0, b"", st.st_size - self._pos
            with open(self.path, "rb") as f:  # in chunks, so a large run never sits in memory whole
                f.seek(self._pos)
                while left > 0:
                    chunk = f.read(min(CHUNK, left))
                    if not chunk:
                        break
                    left -= len(chunk)
                    data = carry + chunk
                    cut = len(data)
                    if left > 0:  # more to come: hand over whole lines only
                        cut = data.rfind(b"\n") + 1
                    added += self._ingest(data[:cut])
                    carry = data[cut:]
            return added

    def _ingest(self, data: bytes) -> int:
        added, start, n = 0, 0, len(data)
        while start < n:
            end = data.find(b"\n", start)
            complete = end >= 0
            if not complete:
                end = n
            line = data[start:end]
            if line.strip():
                head = parse_head(line)
                row = _row(head, self._pos + start, end - start, self._lines + 1) if head else None
                if row is None and not complete:
                    break  # half-written: read it again once its newline arrives
                if row is None:
                    self.skipped += 1
                else:
                    added += self._add(row)
            start = end + 1
            self._lines += complete
        self._pos += min(start, n)
        return added

    def _add(self, row: Row) -> int:
        old = self._where.get(row.id)
        if old is not None:
            self._count(self.rows[old], -1)
            self.rows[old] = row
        else:
            self._where[row.id] = len(self.rows)
            self.rows.append(row)
        self._count(row, +1)
        return old is None

    def _count(self, row: Row, sign: int) -> None:
        for f in FACETS:
            c = self.counts[f]
            c[getattr(row, f)] += sign
            if c[getattr(row, f)] <= 0:
                del c[getattr(row, f)]
        if row.entity_b:
            c = self.counts["entity"]
            c[row.entity_b] += sign
            if c[row.entity_b] <= 0:
                del c[row.entity_b]

    # ------------------------------------------------------------------ reading

    def snapshot(self) -> list[Row]:
        with self._lock:
            return list(self.rows)

    def facets(self) -> dict[str, Counter[str]]:
        with self._lock:
            return {f: Counter(c) for f, c in self.counts.items()}

    def find(self, episode_id: str) -> Row | None:
        """The row of an id, or of a unique prefix of one (as git takes a short sha)."""
        with self._lock:
            i = self._where.get(episode_id)
            if i is not None:
                return self.rows[i]
            if len(episode_id) < 4:
                return None
            found = [r for r in self.rows if r.id.startswith(episode_id)]
        return found[0] if len(found) == 1 else None

    def read(self, row: Row) -> dict[str, Any]:
        """The whole record of one episode, read from its line alone."""
        with open(self.path, "rb") as f:
            f.seek(row.offset)
            data = f.read(row.length)
        record = json.loads(data)
        if not isinstance(record, dict):
            raise ValueError(f"line {row.line} is not a JSON object")
        return record

    def __len__(self) -> int:
        return len(self.rows)


def select(rows: list[Row], *, suite: str = "", task: str = "", entity: str = "", model: str = "",
           condition: str = "", reason: str = "", reward_min: float | None = None,
           reward_max: float | None = None, sort: str = "", desc: bool = False) -> list[Row]:
    """The rows a list page shows, filtered and sorted (file order when unsorted). An entity
    matches either side of a pair."""
    out = rows
    for field, want in (("suite", suite), ("task", task), ("model", model), ("condition", condition),
                        ("reason", reason)):
        if want:
            out = [r for r in out if getattr(r, field) == want]
    if entity:
        out = [r for r in out if r.entity == entity or r.entity_b == entity]
    if reward_min is not None:
        out = [r for r in out if r.reward >= reward_min]
    if reward_max is not None:
        out = [r for r in out if r.reward <= reward_max]
    if sort in COLUMNS:
        out = sorted(out, key=lambda r: getattr(r, sort), reverse=desc)
    elif desc:
        out = out[::-1]
    return out
