"""``prefgym export RUN_DIR``: one row per episode as Parquet or CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from prefgym.cli.common import console, user_errors
from prefgym.runner import RunDir


def export(run_dir: Path = typer.Argument(..., help="run directory"),
           format: str = typer.Option("parquet", "--format", help="parquet | csv"),
           out: Path = typer.Option(None, help="output file (default: RUN_DIR/episodes.<format>)")) -> None:
    """Spec fields, reward, termination, measurements and preference scores, one row per episode."""
    with user_errors():
        RunDir(run_dir).require()
        from prefgym.analysis.export import export as do_export

        path = do_export(run_dir, format, out)
    console.print(f"wrote {path}")
