"""A disk cache of model answers, keyed by the full request (see :class:`~prefgym.models.request.Request`).

A rerun of a study, or a resumed one, then costs nothing for every call it already made. One
SQLite file rather than a file per call: a preference study makes tens of thousands of calls,
and SQLite's locking lets several processes (Ray workers on one node) share the file safely.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any


def default_cache_path() -> Path:
    root = os.environ.get("PREFGYM_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "prefgym"
    return Path(root) / "calls.sqlite"


class CallCache:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:  # one connection per thread: sqlite3 connections are not shared across threads
            db = self._local.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
        return db

    def get(self, key: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, answer: dict[str, Any]) -> None:
        self._db().execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, json.dumps(answer)))

    def __len__(self) -> int:
        return self._db().execute("SELECT count(*) FROM answers").fetchone()[0]
