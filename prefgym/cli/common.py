"""What the commands share: two consoles, the one error boundary, and an episode's summary.

Results (tables, summaries) go to stdout; progress bars and notes to stderr, so stdout pipes
cleanly. :func:`user_errors` is the one place an error becomes an exit code: a
:class:`~prefgym.errors.PrefgymError` (bad input, a missing engine) is printed as one unwrapped
line on stderr and exits 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from prefgym.errors import ConfigError, PrefgymError
from prefgym.types import Episode

R = TypeVar("R", bound=BaseModel)

console = Console()  # results, on stdout
status = Console(stderr=True)  # progress and notes, on stderr


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` as one line on stderr (never wrapped: a path in it stays whole);
    returns the exit to raise."""
    sys.stdout.flush()
    sys.stderr.write("error: " + re.sub(r"\s*\n\s*", " ", message).strip() + "\n")
    sys.stderr.flush()
    return typer.Exit(2)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except PrefgymError as e:
        raise fail(str(e)) from None


def from_options(cls: type[R], what: str, **values: Any) -> R:
    """A record built from command-line options; a bad value is the user's error, naming the field."""
    try:
        return cls.model_validate(values)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or what
        raise ConfigError(f"{what}: {field}: {err['msg']}") from None


def episode_summary(ep: Episode, out: str | None = None) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("episode", ep.id)
    table.add_row("task / entity", f"{ep.spec.task} / {ep.spec.entity}" + (f" vs {ep.spec.entity_b}" if ep.spec.entity_b else ""))
    table.add_row("agent", ep.spec.actor)
    if ep.spec.user_model:
        table.add_row("user", ep.spec.user_model)
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
