"""``prefgym export RUN_DIR``: one row per episode as Parquet or CSV, or Inspect AI eval logs."""

from __future__ import annotations

from pathlib import Path

import typer

from prefgym.cli.common import console, user_errors
from prefgym.runner import RunDir


def export(run_dir: Path = typer.Argument(..., help="run directory"),
           format: str = typer.Option("parquet", "--format", help="parquet | csv | inspect"),
           out: Path = typer.Option(None, help="output file (default: RUN_DIR/episodes.<format>); for inspect, "
                                               "a folder (default: RUN_DIR/inspect/)")) -> None:
    """Spec fields, reward, termination, measurements and preference scores, one row per episode; or,
    with --format inspect, one Inspect eval log per model and suite (`inspect view --log-dir`)."""
    with user_errors():
        RunDir(run_dir).require()
        from prefgym.analysis.export import export as do_export

        written = do_export(run_dir, format, out)
    for path, rows in written:
        console.print(f"wrote {path} ({rows} samples)" if format == "inspect" else f"wrote {path}", soft_wrap=True)
