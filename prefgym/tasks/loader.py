"""Find and load tasks: each task is a folder with ``task.yaml`` (+ files/, grader.py, solution.sh).

Two conveniences keep suites as data without repeating it:
- ``extends: ../other-task`` starts from another task's ``task.yaml`` and overrides fields (the
  refusal suite is the donation requests with a prefill and retries);
- ``items: items.jsonl`` makes the folder a suite of one task per line (id ``<folder>-000`` …), each
  line available to the templates and measures as ``item`` (the yes/no questions);
- ``catalog: catalog.py`` makes the folder a template for tasks that live as data elsewhere:
  the module's ``tasks(template, prefix)`` returns one task per entry, over the template, ids
  ``<prefix>/<name>`` (Cybench's challenges, read from inspect-evals' packaging). Its optional
  ``sources()`` names the files that define them (a change reloads). Data that is missing makes
  the folder's tasks *unavailable*, with the reason, not a failure of every other task.

A task source (``tasks_dir``, ``$PREFGYM_TASKS_DIR``, several joined by ``os.pathsep``) is a folder
of task folders or a ``.jsonl`` file of items: BoolQ's own file (question, title, answer, passage
per line) read straight into the built-in yes/no template, ids ``boolq-<file stem>-000`` …, so a
user's real BoolQ needs no copy of any task.yaml (``--items-file``, or ``items_file:`` in a study).

A task that fails to load is refused with its file, line and field named, before any container starts.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prefgym.errors import ConfigError
from prefgym.types import TaskSpec
from prefgym.yamlfile import read_mapping

BUILTIN_TASKS_DIR = Path(__file__).parent


class TaskError(ConfigError):
    """A task folder that cannot be loaded, or a task id that names none."""


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    raw = read_mapping(path, TaskError, "a task file")
    if "extends" in raw:
        base_path = (path.parent / str(raw.pop("extends")) / "task.yaml").resolve()
        if base_path in seen:
            raise TaskError(f"{path}: 'extends' loops back to {base_path}")
        base = _read_yaml(base_path, (*seen, path))
        base.pop("id", None)
        for key in ("user", "limits"):  # nested records merge field by field
            if isinstance(base.get(key), dict) and isinstance(raw.get(key), dict):
                raw[key] = {**base[key], **raw[key]}
        raw = {**base, **raw}
    return raw


def _validate(raw: dict[str, Any], path: Path, where: str = "") -> TaskSpec:
    try:
        return TaskSpec.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(task)"
        raise TaskError(f"{path}{where}: field {field!r}: {err['msg']}") from None


@lru_cache(maxsize=1)
def item_templates() -> dict[str, Path]:
    """suite → the built-in folder whose ``task.yaml`` has ``items:`` (the template an items file
    fills); the yes/no suite's today."""
    out = {}
    for path in sorted(BUILTIN_TASKS_DIR.glob("*/task.yaml")):
        raw = read_mapping(path, TaskError, "a task file")
        if "items" in raw and raw.get("suite"):
            out.setdefault(str(raw["suite"]), path.parent)
    return out


def item_prefix(items_file: str | Path, suite: str) -> str:
    """The id prefix of the tasks of an items file: ``<template folder>-<file stem>-``."""
    stem = "".join(c if c.isalnum() else "-" for c in Path(items_file).stem.lower()).strip("-") or "items"
    return f"{item_templates()[suite].name}-{stem}-"


def _required_fields(folder: Path, raw: dict[str, Any]) -> set[str]:
    """The item fields the template's texts use: what every line of a user's items file needs."""
    texts = json.dumps({k: raw.get(k) for k in ("user", "openings", "reference", "prefill", "system_prompt")})
    used = set(re.findall(r"\{(\w+)\}", texts))
    lines = (folder / str(raw["items"])).read_text().splitlines() if raw.get("items") else []
    first = json.loads(next((ln for ln in lines if ln.strip()), "{}"))
    return used & set(first)


def load_items_file(items_file: str | Path, suite: str | None = None) -> list[TaskSpec]:
    """One task per line of ``items_file`` in ``suite``'s item template (the built-in task.yaml;
    with no suite named, the one item suite there is)."""
    templates = item_templates()
    suite = suite or next(iter(templates))
    folder = templates[suite]
    raw = _read_yaml(folder / "task.yaml")
    required = _required_fields(folder, raw)
    raw.pop("items", None)
    return _item_tasks(folder, raw, Path(items_file).resolve(), item_prefix(items_file, suite), required)


def _catalog_module(folder: Path, name: str) -> Any:
    path = (folder / name).resolve()
    if not path.is_file():
        raise TaskError(f"{folder / 'task.yaml'}: field 'catalog': no module {path}")
    return _import_catalog(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _import_catalog(path: Path, mtime_ns: int) -> Any:
    """A catalog module, imported once per version of its file (the loader asks on every call)."""
    spec = importlib.util.spec_from_file_location(f"prefgym_catalog_{path.parent.name.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise TaskError(f"{path}: cannot be loaded as a catalog module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog_tasks(folder: Path, raw: dict[str, Any]) -> list[TaskSpec]:
    module = _catalog_module(folder, str(raw.pop("catalog")))
    prefix = str(raw.pop("id", folder.name))
    tasks = []
    for entry in module.tasks(raw, prefix):
        task = _validate({**raw, **entry}, folder / "task.yaml", f" (catalog entry {entry.get('id')})")
        tasks.append(task.model_copy(update={"root": str(folder)}))
    return tasks


def load_folder(folder: str | Path) -> list[TaskSpec]:
    """The task(s) a folder defines: one, one per line of its ``items`` file, or its catalog's."""
    folder = Path(folder).resolve()
    path = folder / "task.yaml"
    raw = _read_yaml(path)
    if "catalog" in raw:
        return _catalog_tasks(folder, raw)
    items_file = raw.pop("items", None)
    if items_file is None:
        return [load_task(folder, raw)]
    return _item_tasks(folder, raw, folder / str(items_file), f"{folder.name}-")


def _catalog_sources(folder: Path) -> list[Path]:
    """The files a catalog folder's tasks come from (its module's ``sources()``), for the cache key."""
    yaml_file = folder / "task.yaml"
    name = _catalog_name(yaml_file, yaml_file.stat().st_mtime_ns)
    sources = getattr(_catalog_module(folder, name), "sources", None) if name else None
    return list(sources()) if sources else []


@lru_cache(maxsize=256)
def _catalog_name(yaml_file: Path, mtime_ns: int) -> str | None:
    """A task.yaml's ``catalog:`` (None for a folder of one task), read once per version of the file."""
    catalog = read_mapping(yaml_file, TaskError, "a task file").get("catalog")
    return None if catalog is None else str(catalog)


def _item_tasks(folder: Path, raw: dict[str, Any], items_path: Path, prefix: str,
                required: set[str] = frozenset()) -> list[TaskSpec]:
    path = folder / "task.yaml"
    tasks = []
    try:
        lines = items_path.read_text().splitlines()
    except OSError as e:
        raise TaskError(f"items file {items_path}: {e.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
        except ValueError as e:
            raise TaskError(f"{items_path}:{number}: {e}") from None
        missing = sorted(required - set(item))
        if missing:
            raise TaskError(f"{items_path}:{number}: no {', '.join(missing)} (each line needs {', '.join(sorted(required))})")
        task = _validate({**raw, "id": f"{prefix}{len(tasks):03d}", "item": item}, path, f" (item {items_path.name}:{number})")
        tasks.append(task.model_copy(update={"root": str(folder)}))
    return tasks


def load_task(folder: str | Path, raw: dict[str, Any] | None = None) -> TaskSpec:
    folder = Path(folder).resolve()
    path = folder / "task.yaml"
    raw = dict(raw if raw is not None else _read_yaml(path))
    raw.setdefault("id", folder.name)
    task = _validate(raw, path)
    if task.id != folder.name:
        raise TaskError(f"{path}: id {task.id!r} differs from its folder name {folder.name!r}")
    extra: dict[str, str | None] = {"root": str(folder)}
    if (folder / "files").is_dir():
        extra["files_dir"] = str(folder / "files")
    if (folder / "grader.py").is_file():
        extra["grader"] = str(folder / "grader.py")
    if (folder / "solution.sh").is_file():
        extra["solution"] = (folder / "solution.sh").read_text()
    if (folder / "generate.py").is_file():
        extra["generator"] = str(folder / "generate.py")
    return task.model_copy(update=extra)


def task_sources(tasks_dir: str | Path | None = None) -> list[Path]:
    """The extra sources: ``tasks_dir`` (or ``$PREFGYM_TASKS_DIR``), split on ``os.pathsep``."""
    extra = str(tasks_dir or os.environ.get("PREFGYM_TASKS_DIR") or "")
    return [Path(p) for p in extra.split(os.pathsep) if p]


def with_items_files(tasks_dir: str | None, items_files: list[str]) -> str | None:
    """``tasks_dir`` with ``items_files`` added as sources (each once)."""
    sources = [str(p) for p in task_sources(tasks_dir)] if tasks_dir else []
    sources += [str(Path(f).resolve()) for f in items_files if str(Path(f).resolve()) not in sources]
    return os.pathsep.join(sources) or tasks_dir


def task_dirs(tasks_dir: str | Path | None = None) -> list[Path]:
    """Task folders: the built-in suites, plus those under the extra sources that are folders."""
    roots = [BUILTIN_TASKS_DIR] + [p for p in task_sources(tasks_dir) if p.suffix != ".jsonl"]
    return sorted(p.parent for root in roots for p in Path(root).glob("**/task.yaml"))


_cache: dict[tuple, tuple[dict[str, TaskSpec], dict[str, str]]] = {}


def _signature(folders: list[Path], items: list[Path]) -> tuple:
    """Every file that defines the tasks, with its modification time: a changed file reloads."""
    files = [f for d in folders for f in (*d.glob("*.yaml"), *d.glob("*.jsonl"), d / "solution.sh", d / "generate.py",
                                          *_catalog_sources(d)) if f.exists()]
    return tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0) for f in [*files, *items])


# folder → why its catalog's tasks are not here (its data is missing), from the last load
unavailable: dict[str, str] = {}


def all_tasks(tasks_dir: str | Path | None = None, suite: str | None = None) -> dict[str, TaskSpec]:
    folders = task_dirs(tasks_dir)
    items = [p for p in task_sources(tasks_dir) if p.suffix == ".jsonl"]
    key = _signature(folders, items)
    if key not in _cache:
        tasks: dict[str, TaskSpec] = {}
        missing: dict[str, str] = {}
        loaded: list[TaskSpec] = []
        for folder in folders:
            try:
                loaded += load_folder(folder)
            except TaskError:
                raise
            except ConfigError as e:  # a catalog whose data is missing: the other tasks still load
                missing[str(folder)] = str(e)
        loaded += [t for f in items for t in load_items_file(f)]
        for task in loaded:
            if task.id in tasks:
                raise TaskError(f"task id {task.id!r} is defined twice: {tasks[task.id].root} and {task.root}")
            tasks[task.id] = task
        _cache.clear()
        _cache[key] = tasks, missing
    found, missing = _cache[key]
    unavailable.clear()
    unavailable.update(missing)
    return {k: t for k, t in found.items() if suite is None or t.suite == suite}


def get_task(task_id: str, tasks_dir: str | Path | None = None) -> TaskSpec:
    tasks = all_tasks(tasks_dir)
    if task_id not in tasks:
        known = sorted(tasks)
        shown = ", ".join(known[:40]) + (f" … ({len(known)} in all; `prefgym tasks list`)" if len(known) > 40 else "")
        missing = "".join(f"; unavailable here: {Path(k).name}'s tasks ({v})" for k, v in unavailable.items())
        raise TaskError(f"no task {task_id!r}; known tasks: {shown}{missing}")
    return tasks[task_id]
