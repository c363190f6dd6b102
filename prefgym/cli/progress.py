"""The progress bar of long runs: done / total, failed, rate, time left, and cost so far."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from prefgym.cli.common import status
from prefgym.runner.many import RunProgress


@contextlib.contextmanager
def episode_progress(label: str = "episodes") -> Iterator[Callable[[RunProgress], None]]:
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("failed {task.fields[failed]}"), TextColumn("{task.fields[rate]:.1f}/s"),
               TextColumn("${task.fields[cost]:.2f}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=status, transient=False) as bar:
        job = bar.add_task(label, total=None, failed=0, rate=0.0, cost=0.0)

        def update(p: RunProgress) -> None:
            bar.update(job, total=p.total, completed=p.skipped + p.done, failed=p.failed, rate=p.rate, cost=p.cost_usd)

        yield update
