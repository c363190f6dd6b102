"""Set a task up in a sandbox before the episode, and grade it in the sandbox after.

The grader runs inside the container, against the state the agent left, because that state (a
database, a fixed package, a built file) is the only honest evidence of the work. It is copied in
only after the episode, so the agent never sees the hidden checks.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from prefgym.sandbox import Sandbox
from prefgym.types import Grade, GradeCheck, TaskSpec

GRADER_PATH = "/tmp/prefgym-grader/grader.py"
GRADER_KIT_PATH = "/tmp/prefgym-grader/grader_kit.py"  # shared helpers, importable from the grader's folder
GRADER_KIT = Path(__file__).with_name("grader_kit.py")
GRADER_TIMEOUT_S = 120.0


async def setup_task(task: TaskSpec, sandbox: Sandbox) -> None:
    if task.files_dir:
        await sandbox.copy_in(task.files_dir)


def grade_from_output(stdout: str) -> Grade:
    """Parse the grader's last stdout line: ``{"checks": [{"name", "passed", "weight", "detail"}]}``."""
    lines = [ln for ln in stdout.strip().splitlines() if ln.strip()]
    if not lines:
        return Grade(score=0.0, error="the grader printed nothing")
    try:
        checks = [GradeCheck.model_validate(c) for c in json.loads(lines[-1])["checks"]]
    except (ValueError, KeyError, TypeError, ValidationError) as e:
        return Grade(score=0.0, error=f"unreadable grader output ({e}): {lines[-1][:200]}")
    total = sum(c.weight for c in checks)
    score = sum(c.weight for c in checks if c.passed) / total if total > 0 else 0.0
    return Grade(score=round(score, 6), checks=checks)


async def grade_task(task: TaskSpec, sandbox: Sandbox | None) -> Grade:
    if not task.grader:
        return Grade(score=0.0, error=f"task {task.id} has no grader")
    if sandbox is None:
        return Grade(score=0.0, error=f"task {task.id} needs a sandbox to grade")
    await sandbox.write_file(GRADER_PATH, Path(task.grader).read_bytes())
    await sandbox.write_file(GRADER_KIT_PATH, GRADER_KIT.read_bytes())
    result = await sandbox.exec(["python3", GRADER_PATH], timeout=GRADER_TIMEOUT_S, cwd=sandbox.work_dir)
    grade = grade_from_output(result.stdout)
    if grade.error and (result.exit_code != 0 or result.timed_out):
        grade.error += f" (grader exit {result.exit_code}; stderr: {result.stderr[-500:]})"
    return grade
