"""A run directory on disk (DESIGN.md, "Runs on disk"): episodes and model calls side by side.

``episodes.jsonl`` holds one Episode per line, ``calls.jsonl`` every model call tagged with its
episode's id, and ``planted.json`` the truth of any synthetic model that answered. Reading
tolerates a torn last line: a run killed mid-write loses only the line it was writing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from prefgym.models import CallRecorder, Gateway, current_gateway
from prefgym.runner.episode import append_episodes
from prefgym.types import Episode


class RunDirError(ValueError):
    pass


class RunDir:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def episodes_path(self) -> Path:
        return self.path / "episodes.jsonl"

    @property
    def calls_path(self) -> Path:
        return self.path / "calls.jsonl"

    def gateway(self) -> Gateway:
        """The current gateway's cache and policies, recording into this run's ``calls.jsonl``."""
        base = current_gateway()
        return Gateway(cache=base.cache, recorder=CallRecorder(self.calls_path), retry=base.retry, limits=base.limits)

    def append(self, episode: Episode) -> None:
        append_episodes(self.episodes_path, [episode])

    def episodes(self) -> Iterator[Episode]:
        if not self.episodes_path.exists():
            raise RunDirError(f"{self.path}: no episodes.jsonl here; is this a run directory?")
        with open(self.episodes_path) as f:
            for line in f:
                try:
                    yield Episode.model_validate(json.loads(line))
                except ValueError:  # torn by a kill, or not an episode: never fatal
                    continue

    def episode(self, episode_id: str) -> Episode:
        """One episode by its id, or by a unique prefix of it (as git takes a short sha)."""
        found = [e for e in self.episodes() if e.id.startswith(episode_id)]
        if len(found) != 1:
            what = "no episode" if not found else f"{len(found)} episodes"
            raise RunDirError(f"{self.episodes_path}: {what} with id {episode_id!r}")
        return found[0]
