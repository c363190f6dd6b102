"""What the commands share: one console, and turning library errors into one clear line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.table import Table

from prefgym.entities import CatalogError
from prefgym.models import ModelError
from prefgym.runner import RunDirError
from prefgym.study import StudyError
from prefgym.sandbox import SandboxError
from prefgym.tasks import TaskError
from prefgym.types import Episode

console = Console()
USER_ERRORS = (TaskError, CatalogError, SandboxError, ModelError, RunDirError, StudyError, KeyError, ValueError, FileNotFoundError)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except USER_ERRORS as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        console.print(f"[red]error:[/red] {msg}")
        raise typer.Exit(2) from None


def episode_summary(ep: Episode, out: str | None = None) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("episode", ep.id)
    table.add_row("task / entity", f"{ep.spec.task} / {ep.spec.entity}" + (f" vs {ep.spec.entity_b}" if ep.spec.entity_b else ""))
    table.add_row("agent", ep.spec.agent)
    colour = "green" if ep.reward >= 1 else ("yellow" if ep.reward > 0 else "red")
    table.add_row("reward", f"[{colour}]{ep.reward:.2f}[/{colour}]")
    table.add_row("termination", ep.termination.reason.value + (f" ({ep.termination.detail})" if ep.termination.detail else ""))
    table.add_row("turns / tool calls", f"{ep.turns} / {len(ep.executions)}")
    table.add_row("seconds", f"{ep.timings.duration_s:.2f} (setup {ep.timings.reset_s:.2f}, grading {ep.timings.grade_s:.2f})")
    if ep.grade:
        checks = ", ".join(("✓ " if c.passed else "✗ ") + c.name for c in ep.grade.checks)
        table.add_row("checks", checks or (ep.grade.error or ""))
    if ep.measurements and not ep.grade:
        shown = {k: v for k, v in ep.measurements.items() if k != "attempt_log" and v is not None}
        table.add_row("measurements", ", ".join(f"{k}={v}" for k, v in shown.items()))
    if out:
        table.add_row("written to", out)
    return table
