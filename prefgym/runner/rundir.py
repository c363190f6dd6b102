"""A run directory on disk (DESIGN.md, "Runs on disk"): what was asked, and everything that happened.

``manifest.json`` holds the run's full configuration with the versions, git sha and catalog hash
that produced it; ``episodes.jsonl`` one Episode per line, appended and flushed as each finishes;
``calls.jsonl`` every model call tagged with its episode's id; ``planted.json`` the truth of any
synthetic model that answered. Reading tolerates a torn last line: a run killed mid-write loses
only the line it was writing, and the next append starts on a fresh line.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from prefgym.models import CallRecorder, Gateway, current_gateway, end_torn_line
from prefgym.runner.episode import append_episodes
from prefgym.types import Episode, TerminationReason


class RunDirError(ValueError):
    pass


def model_slug(model: str) -> str:
    """A model id as a folder name (``synthetic/planted:seed=1`` → ``synthetic_planted_seed=1``)."""
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", model)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("prefgym", "litellm", "gymnasium", "docker", "pydantic", "numpy", "scipy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def _git_sha() -> str | None:
    try:
        here = Path(__file__).resolve().parent
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return (done.stdout.strip() + ("-dirty" if dirty else "")) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def config_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Human-readable differences between two JSON-like configurations."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else str(key)
            if key not in old:
                out.append(f"{where}: (absent) → {json.dumps(new[key])}")
            elif key not in new:
                out.append(f"{where}: {json.dumps(old[key])} → (absent)")
            else:
                out += config_diff(old[key], new[key], where)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in config_diff(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: {json.dumps(old)} → {json.dumps(new)}"]


class RunDir:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    @property
    def episodes_path(self) -> Path:
        return self.path / "episodes.jsonl"

    @property
    def calls_path(self) -> Path:
        return self.path / "calls.jsonl"

    def prefs_dir(self, model: str) -> Path:
        return self.path / "prefs" / model_slug(model)

    def gateway(self) -> Gateway:
        """The current gateway's cache and policies, recording into this run's ``calls.jsonl``."""
        base = current_gateway()
        return Gateway(cache=base.cache, recorder=CallRecorder(self.calls_path), retry=base.retry, limits=base.limits)

    # ------------------------------------------------------------------ manifest

    def manifest(self) -> dict[str, Any] | None:
        if not self.manifest_path.exists():
            return None
        try:
            return json.loads(self.manifest_path.read_text())
        except ValueError as e:
            raise RunDirError(f"{self.manifest_path}: not valid JSON ({e})") from None

    def start(self, config: dict[str, Any], *, catalog: dict[str, str] | None = None, force: bool = False,
              extra: dict[str, Any] | None = None) -> bool:
        """Write the manifest, or check it against an earlier one: a run resumes only with the same
        configuration (``force`` accepts a changed one and records it). True when resuming."""
        old = self.manifest()
        if old is not None:
            diff = config_diff(old.get("config"), config)
            if diff and not force:
                raise RunDirError(f"{self.path} holds a run with another configuration (use --force to run "
                                  "it into this directory anyway, or choose another --out):\n  " + "\n  ".join(diff))
        self.path.mkdir(parents=True, exist_ok=True)
        manifest = {
            "schema_version": 1, "config": config, "catalog": catalog or {}, "versions": _versions(),
            "git_sha": _git_sha(), "created": (old or {}).get("created") or datetime.now(timezone.utc).isoformat(),
            "updated": datetime.now(timezone.utc).isoformat(), **(extra or {}),
        }
        if old is not None and old.get("config") != config:
            manifest["previous_configs"] = [*old.get("previous_configs", []), old.get("config")]
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        tmp.replace(self.manifest_path)
        end_torn_line(self.episodes_path)
        return old is not None

    # ------------------------------------------------------------------ episodes

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

    def finished(self) -> dict[str, Episode]:
        """Spec id → its finished episode. Infra errors are not finished: resume runs them again."""
        if not self.episodes_path.exists():
            return {}
        done = {}
        for episode in self.episodes():
            if episode.termination.reason != TerminationReason.INFRA_ERROR:
                done[episode.spec.id] = episode
        return done

    def episode(self, episode_id: str) -> Episode:
        """One episode by its id, or by a unique prefix of it (as git takes a short sha)."""
        found = [e for e in self.episodes() if e.id.startswith(episode_id)]
        if len(found) != 1:
            what = "no episode" if not found else f"{len(found)} episodes"
            raise RunDirError(f"{self.episodes_path}: {what} with id {episode_id!r}")
        return found[0]
