"""A run directory on disk (DESIGN.md, "Runs on disk"): the only code that knows its files.

``manifest.json`` holds the run's full configuration with the versions, git sha and catalog hash
that produced it; ``episodes.jsonl`` one Episode per line, appended and flushed as each finishes;
``calls.jsonl`` every model call tagged with its episode's id; ``planted.json`` the truth of any
synthetic model that answered; ``prefs/<model>/`` each model's preference answers and summary;
``report/`` the statistics, the page and its figures; ``inspect/`` the Inspect AI eval logs an
export writes, one per (model, suite). The viewer, the analysis, studies and the
command line read and write through :class:`RunDir`, so a file name or format lives here alone.

One process writes a run directory at a time: :meth:`RunDir.lock` holds an exclusive ``flock`` on
its ``.lock`` file for the writer's whole life (the kernel drops it when the process dies, also by
SIGKILL), and a second writer is refused at once with the owner's pid and host. Readers (the
viewer, ``analyze``) take no lock.

Reading tolerates a torn last line: a run killed mid-write loses only the line it was writing,
and the next append starts on a fresh line. Episodes are found by a byte-offset index
(:mod:`.episode_index`) built once and then only grown, so one episode is one read, not a parse of
the whole file.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import platform
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from prefgym.errors import PrefgymError
from prefgym.models import (
    BatchConfig, Batcher, BatchJournal, CallRecord, CallRecorder, Gateway, SyntheticWorld, current_gateway, end_torn_line,
    estimate_batch_cost, model_truth, read_calls,
)
from prefgym.prefs.matching import RankingAnswer
from prefgym.prefs.records import Comparison
from prefgym.prefs.summary import PreferenceResult, PreferenceSummary
from prefgym.runner.episode_index import EpisodeIndex
from prefgym.types import Episode, TerminationReason

MANIFEST, EPISODES, CALLS, PLANTED, LOCK = "manifest.json", "episodes.jsonl", "calls.jsonl", "planted.json", ".lock"
PREFS, SCORES, PAIRWISE, RANKING = "prefs", "scores.json", "pairwise.jsonl", "ranking.jsonl"
REPORT, STATS, INDEX_HTML, FIGURES = "report", "stats.json", "index.html", "figures"
INSPECT, INSPECT_SUFFIX = "inspect", ".eval"
BATCHES, BATCH_JOURNAL = "batches", "journal.jsonl"


class RunDirError(PrefgymError):
    """The folder is not a run directory, or not the one this command expects."""


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


def _lock_owner(fd: int) -> str:
    try:
        owner = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {owner['pid']} on host {owner['host']}, since {owner['since']}"
    except (ValueError, KeyError, TypeError):
        return "its pid is not written yet"


def _write_json(path: Path, data: Any, *, sort_keys: bool = True) -> None:
    """Whole or not at all: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=sort_keys, allow_nan=True))
    tmp.replace(path)


def _write_jsonl(path: Path, records: Iterable[BaseModel]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n")


def _read_jsonl(path: Path, record: type[BaseModel]) -> Iterator[Any]:
    if not path.exists():
        return
    with open(path) as f:
        for line in f:
            try:
                yield record.model_validate_json(line)
            except ValueError:  # torn by a kill, or not a record: never fatal
                continue


def _batch_cost(model: str, usage: dict[str, int]) -> float | None:
    return estimate_batch_cost(model, usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))


class RunRecorder(CallRecorder):
    """``calls.jsonl``, and the planted truth of each synthetic model the first time it answers, so
    analysis can compare what it recovered with what was planted."""

    def __init__(self, run: RunDir, world: SyntheticWorld | None):
        super().__init__(run.path / CALLS)
        self.run, self.world = run, world
        self._seen: set[str] = set()
        self._lock_truth = threading.Lock()

    def write(self, record: CallRecord) -> None:
        super().write(record)
        if record.model not in self._seen:
            with self._lock_truth:
                if record.model not in self._seen:
                    self._seen.add(record.model)
                    truth = model_truth(record.model, self.world)
                    if truth is not None:
                        self.run.add_planted(record.model, truth)


# The locks this process holds, by folder: a study that runs preferences and then episodes into one
# folder takes the lock once (flock on a second descriptor of the same file would refuse itself).
_held: dict[str, tuple[int, int]] = {}  # real path -> (descriptor, depth)
_held_guard = threading.Lock()


class RunDir:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._index: EpisodeIndex | None = None
        self._planted_lock = threading.Lock()
        self._batcher: Batcher | None = None

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    # ------------------------------------------------------------------ what is here

    def exists(self) -> bool:
        """Whether the folder holds anything a run writes."""
        return self.path.is_dir() and any((self.path / n).exists() for n in (MANIFEST, EPISODES, PREFS))

    def require(self) -> RunDir:
        """This run directory, or a RunDirError naming the folder and what is missing."""
        if not self.path.is_dir():
            raise RunDirError(f"{self.path}: no such directory")
        if not self.exists():
            raise RunDirError(f"{self.path}: not a run directory (no {MANIFEST}, {EPISODES} or {PREFS}/)")
        return self

    @property
    def has_episodes(self) -> bool:
        return (self.path / EPISODES).exists()

    @property
    def episodes_path(self) -> Path:
        """For messages that tell the user where episodes went; read them through this class."""
        return self.path / EPISODES

    def gateway(self, world: SyntheticWorld | None = None, batch: BatchConfig | None = None) -> Gateway:
        """The current gateway's cache and policies, recording into this run's ``calls.jsonl``, with
        synthetic models answering in ``world`` (the run's entities and tasks), and with ``batch``
        this run's :meth:`batcher`."""
        base = current_gateway()
        return Gateway(cache=base.cache, recorder=self.recorder(world), retry=base.retry, limits=base.limits,
                       world=world, batcher=self.batcher(batch) if batch is not None else None)

    def batcher(self, config: BatchConfig) -> Batcher:
        """One per run directory object, over its journal ``batches/journal.jsonl`` (each batch's
        saved output beside it): every stage of a study shares its queues and what it resumed."""
        if self._batcher is None or self._batcher.config != config:
            recorded = {c.key for c in read_calls(self.path / CALLS) if c.batch_id}
            self._batcher = Batcher(config, self._batch_journal(), retry=current_gateway().retry, cost=_batch_cost, recorded=recorded)
        return self._batcher

    def batch_ids(self) -> list[str]:
        """Every batch this run sent, in order (its journal)."""
        return self._batch_journal().batch_ids() if (self.path / BATCHES / BATCH_JOURNAL).exists() else []

    def _batch_journal(self) -> BatchJournal:
        folder = self.path / BATCHES
        return BatchJournal(folder / BATCH_JOURNAL, lambda batch_id: folder / f"{batch_id}.jsonl")

    def recorder(self, world: SyntheticWorld | None = None) -> RunRecorder:
        return RunRecorder(self, world)

    # ------------------------------------------------------------------ one writer

    @contextmanager
    def lock(self) -> Iterator[RunDir]:
        """Hold this folder's writer lock for the block (re-entrant within one process); a
        RunDirError at once, naming the owner's pid and host, when another process holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        key = os.path.realpath(self.path)
        with _held_guard:
            if key in _held:
                fd, depth = _held[key]
                _held[key] = (fd, depth + 1)
            else:
                fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    owner = _lock_owner(fd)
                    os.close(fd)
                    raise RunDirError(f"{self.path} is being written by another run ({owner}); wait for it to "
                                      "finish, or stop it, or choose another --out") from None
                owner = {"pid": os.getpid(), "host": platform.node(), "since": datetime.now(timezone.utc).isoformat(),
                         "command": " ".join(sys.argv)[:500]}
                os.ftruncate(fd, 0)
                os.pwrite(fd, (json.dumps(owner) + "\n").encode(), 0)
                _held[key] = (fd, 1)
        try:
            yield self
        finally:
            with _held_guard:
                fd, depth = _held[key]
                if depth > 1:
                    _held[key] = (fd, depth - 1)
                else:
                    del _held[key]
                    os.close(fd)  # the lock goes with the descriptor; the file stays (a later run reuses it)

    # ------------------------------------------------------------------ manifest

    def manifest(self) -> dict[str, Any] | None:
        path = self.path / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
        except ValueError as e:
            raise RunDirError(f"{path}: not valid JSON ({e})") from None
        if not isinstance(data, dict):
            raise RunDirError(f"{path}: not a manifest (a JSON object)")
        return data

    def config(self) -> dict[str, Any]:
        """The configuration the run was started with ({} when it has no manifest)."""
        return (self.manifest() or {}).get("config") or {}

    def start(self, config: dict[str, Any], *, catalog: dict[str, str] | None = None, force: bool = False,
              extra: dict[str, Any] | None = None) -> bool:
        """Write the manifest, or check it against an earlier one: a run resumes only with the same
        configuration (``force`` accepts a changed one and records it). True when resuming."""
        old = self.manifest()
        if old is not None:
            diff = config_diff(old.get("config"), config)
            if diff and not force:
                raise RunDirError(f"{self.path} holds a run with another configuration (use --force to run it into "
                                  "this directory anyway, or choose another --out): " + "; ".join(diff))
        manifest = {
            "schema_version": 1, "config": config, "catalog": catalog or {}, "versions": _versions(),
            "git_sha": _git_sha(), "created": (old or {}).get("created") or datetime.now(timezone.utc).isoformat(),
            "updated": datetime.now(timezone.utc).isoformat(), **(extra or {}),
        }
        if old is not None and old.get("config") != config:
            manifest["previous_configs"] = [*old.get("previous_configs", []), old.get("config")]
        _write_json(self.path / MANIFEST, manifest)
        end_torn_line(self.path / EPISODES)
        return old is not None

    # ------------------------------------------------------------------ episodes

    def append(self, episode: Episode) -> None:
        """Append one Episode as one JSON line and flush, so a crash loses at most the line in flight."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / EPISODES, "a") as f:
            f.write(json.dumps(episode.model_dump(mode="json"), ensure_ascii=False) + "\n")
            f.flush()

    def episodes(self) -> Iterator[Episode]:
        if not self.has_episodes:
            raise RunDirError(f"{self.path}: no {EPISODES} here; is this a run directory?")
        yield from _read_jsonl(self.path / EPISODES, Episode)

    def finished(self) -> dict[str, Episode]:
        """Spec id → its finished episode. Infra errors are not finished: resume runs them again."""
        if not self.has_episodes:
            return {}
        return {e.spec.id: e for e in self.episodes() if e.termination.reason != TerminationReason.INFRA_ERROR}

    def index(self) -> EpisodeIndex:
        """The byte-offset index of ``episodes.jsonl``, brought up to date (it only reads what is new)."""
        if self._index is None:
            self._index = EpisodeIndex(self.path / EPISODES)
        self._index.refresh()
        return self._index

    def episode_record(self, episode_id: str) -> dict[str, Any]:
        """One episode's record as a plain dict (by id or a unique prefix, as git takes a short sha):
        one read of its line. For pages that show a record as it is; :meth:`episode` validates it."""
        index = self.index()
        row = index.find(episode_id)
        if row is None:
            what = "no episode" if not any(r.id.startswith(episode_id) for r in index.snapshot()) else "several episodes"
            raise RunDirError(f"{self.path / EPISODES}: {what} with id {episode_id!r}")
        return index.read(row)

    def episode(self, episode_id: str) -> Episode:
        record = self.episode_record(episode_id)
        try:
            return Episode.model_validate(record)
        except ValidationError as e:
            raise RunDirError(f"{self.path / EPISODES}: episode {episode_id!r} is not a readable record: "
                              f"{e.errors()[0]['msg']}") from None

    # ------------------------------------------------------------------ model calls

    def calls(self, episode_id: str | None = None) -> Iterator[CallRecord]:
        """Every recorded call (of one episode, if given), in order; torn lines skipped."""
        for record in read_calls(self.path / CALLS):
            if episode_id is None or record.tags.get("episode") == episode_id:
                yield record

    # ------------------------------------------------------------------ planted truth

    def planted(self) -> dict[str, Any]:
        """Model id → the planted truth of each synthetic model that answered in this run."""
        path = self.path / PLANTED
        if not path.exists():
            return {}
        try:
            return json.loads(path.read_text())
        except ValueError as e:
            raise RunDirError(f"{path}: not valid JSON ({e})") from None

    def add_planted(self, model: str, truth: dict[str, Any]) -> None:
        with self._planted_lock:
            data = self.planted()
            if data.get(model) != truth:
                data[model] = truth
                _write_json(self.path / PLANTED, data)

    # ------------------------------------------------------------------ preferences

    def _prefs(self, model: str, question: str | None = None) -> Path:
        """A model's stage-one folder; another wording asked for comparison gets a folder inside it."""
        folder = self.path / PREFS / model_slug(model)
        return folder / f"question-{question}" if question else folder

    def has_preferences(self, model: str) -> bool:
        return (self._prefs(model) / SCORES).exists()

    def write_preferences(self, result: PreferenceResult, question: str | None = None) -> None:
        folder = self._prefs(result.summary.model, question)
        _write_jsonl(folder / PAIRWISE, result.comparisons)
        _write_jsonl(folder / RANKING, result.rankings)
        _write_json(folder / SCORES, result.summary.model_dump(mode="json"))

    def preferences(self, model: str, question: str | None = None) -> PreferenceSummary | None:
        """The preference summary of ``model`` (a model id, or its folder name), if measured; with
        ``question``, its answers to that other wording (``also_ask``)."""
        folder = self._prefs(model, question)
        if not (folder / SCORES).exists():
            folder = self.path / PREFS / model / (f"question-{question}" if question else "")
        return self._summary(folder / SCORES)

    def _summary(self, path: Path) -> PreferenceSummary | None:
        if not path.exists():
            return None
        try:
            return PreferenceSummary.model_validate_json(path.read_text())
        except (OSError, ValidationError) as e:
            detail = e.errors()[0] if isinstance(e, ValidationError) else {"loc": (), "msg": str(e)}
            where = ".".join(str(p) for p in detail["loc"])
            raise RunDirError(f"{path}: not a preference summary ({where + ': ' if where else ''}{detail['msg']})") from None

    def preference_models(self) -> dict[str, PreferenceSummary]:
        """Folder name → summary, for every model measured here (unreadable ones skipped)."""
        out = {}
        root = self.path / PREFS
        for path in sorted(root.glob(f"*/{SCORES}")) if root.is_dir() else []:
            try:
                summary = self._summary(path)
            except RunDirError:
                continue
            if summary is not None:
                out[path.parent.name] = summary
        return out

    def comparisons(self, model: str) -> Iterator[Comparison]:
        """Every forced-choice answer of ``model`` (id or folder name), streamed."""
        folder = self._prefs(model)
        if not folder.exists():
            folder = self.path / PREFS / model
        yield from _read_jsonl(folder / PAIRWISE, Comparison)

    def comparison_lines(self, model: str, needle: bytes) -> Iterator[bytes]:
        """Raw lines of ``model``'s answers that contain ``needle``: the viewer's page of one entity
        reads a large file without validating every answer."""
        folder = self.path / PREFS / model
        path = folder / PAIRWISE
        if model in ("", ".", "..") or "/" in model or not path.is_file():
            return
        with open(path, "rb") as f:
            for line in f:
                if needle in line:
                    yield line

    def rankings(self, model: str) -> Iterator[RankingAnswer]:
        yield from _read_jsonl(self._prefs(model) / RANKING, RankingAnswer)

    # ------------------------------------------------------------------ report

    @property
    def report_dir(self) -> Path:
        return self.path / REPORT

    @property
    def report_index(self) -> Path:
        return self.path / REPORT / INDEX_HTML

    def figure_path(self, name: str) -> Path:
        """Where the report's figure ``name`` (a PNG) is written; the page links it as ``figures/name``."""
        path = self.path / REPORT / FIGURES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_report(self, stats: dict[str, Any], html: str) -> Path:
        _write_json(self.path / REPORT / STATS, stats, sort_keys=False)
        self.report_index.write_text(html)
        return self.report_index

    def stats(self) -> dict[str, Any] | None:
        path = self.path / REPORT / STATS
        return json.loads(path.read_text()) if path.exists() else None

    def export_path(self, fmt: str) -> Path:
        return self.path / f"episodes.{fmt}"

    def inspect_dir(self) -> Path:
        """Where ``export --format inspect`` writes by default: ``inspect view --log-dir`` points here."""
        return self.path / INSPECT

    def inspect_log_path(self, model: str, suite: str, folder: str | Path | None = None) -> Path:
        """One (model, suite)'s eval log, in ``folder`` (default :meth:`inspect_dir`). Named for what it
        holds, not (as Inspect names its own) for when it ran: exporting again replaces it, no twin."""
        return Path(folder or self.inspect_dir()) / f"{model_slug(suite)}_{model_slug(model)}{INSPECT_SUFFIX}"
