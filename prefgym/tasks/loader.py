"""Find and load tasks: each task is a folder with ``task.yaml`` (+ files/, grader.py, solution.sh).

A task that fails to load is refused with its file and field named, before any container starts.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from prefgym.models.synthetic import remember_task
from prefgym.types import TaskSpec

BUILTIN_TASKS_DIR = Path(__file__).parent


class TaskError(ValueError):
    pass


def load_task(folder: str | Path) -> TaskSpec:
    folder = Path(folder).resolve()
    path = folder / "task.yaml"
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as e:
        raise TaskError(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise TaskError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise TaskError(f"{path}: a task file is a mapping of fields")
    raw.setdefault("id", folder.name)
    try:
        task = TaskSpec.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(task)"
        raise TaskError(f"{path}: field {field!r}: {err['msg']}") from None
    if task.id != folder.name:
        raise TaskError(f"{path}: id {task.id!r} differs from its folder name {folder.name!r}")
    extra: dict[str, str | None] = {"root": str(folder)}
    if (folder / "files").is_dir():
        extra["files_dir"] = str(folder / "files")
    if (folder / "grader.py").is_file():
        extra["grader"] = str(folder / "grader.py")
    if (folder / "solution.sh").is_file():
        extra["solution"] = (folder / "solution.sh").read_text()
        # a synthetic model "knows" every loaded task's reference solution (and uses it with a
        # planted probability), as a strong model would know how to do the work
        remember_task(task.id, [task.system_prompt or "", task.user.opening], extra["solution"])
    return task.model_copy(update=extra)


def task_dirs(tasks_dir: str | Path | None = None) -> list[Path]:
    """Task folders: the built-in suites, plus ``tasks_dir`` (or ``$PREFGYM_TASKS_DIR``) if given."""
    roots = [BUILTIN_TASKS_DIR]
    extra = tasks_dir or os.environ.get("PREFGYM_TASKS_DIR")
    if extra:
        roots.append(Path(extra))
    return sorted(p.parent for root in roots for p in Path(root).glob("**/task.yaml"))


def all_tasks(tasks_dir: str | Path | None = None, suite: str | None = None) -> dict[str, TaskSpec]:
    tasks: dict[str, TaskSpec] = {}
    for folder in task_dirs(tasks_dir):
        task = load_task(folder)
        if task.id in tasks:
            raise TaskError(f"task id {task.id!r} is defined twice: {tasks[task.id].root} and {folder}")
        if suite is None or task.suite == suite:
            tasks[task.id] = task
    return tasks


def get_task(task_id: str, tasks_dir: str | Path | None = None) -> TaskSpec:
    tasks = all_tasks(tasks_dir)
    if task_id not in tasks:
        raise TaskError(f"no task {task_id!r}; known tasks: {', '.join(sorted(tasks))}")
    return tasks[task_id]
