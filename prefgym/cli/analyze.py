"""``prefgym analyze RUN_DIR``: the statistics and the report of a run directory."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, user_errors
from prefgym.runner import RunDir


def _f(x) -> str:
    return "—" if x is None or x != x else f"{x:.2f}"


def print_summary(run_dir: Path) -> None:
    stats = RunDir(run_dir).stats() or {"models": {}}
    table = Table("model", "suite", "measure", "ρ with preference", "95% interval", "p", "coverage",
                  title="does preference predict behaviour?")
    for model, entry in stats["models"].items():
        for suite, s in entry["suites"].items():
            for name, link in s["links"].items():
                link = link or {}
                cov = s["trials"]["coverage"]
                table.add_row(model, suite, name, _f(link.get("rho")), f"[{_f(link.get('low'))}, {_f(link.get('high'))}]",
                              _f(link.get("p")), "—" if cov is None else f"{cov:.0%}")
    console.print(table)
    for model, entry in stats["models"].items():
        if entry.get("recovery"):
            console.print(f"{model}: planted utilities vs measured preferences ρ = {_f(entry['recovery']['rho'])}")


def analyze(run_dir: Path = typer.Argument(..., help="run directory"),
            anonymize: bool = typer.Option(None, "--anonymize/--no-anonymize",
                                           help="name models A, B, C… (default: as the study file says)"),
            power: int = typer.Option(None, "--power", help="simulated studies per effect size for the power of this "
                                      "design (default: the study file's power_studies; 0: none)")) -> None:
    """Write RUN_DIR/report/index.html and stats.json, and print the summary table."""
    with user_errors():
        RunDir(run_dir).require()  # before the statistics libraries load: a typo answers at once
        from prefgym.analysis import write_report

        index = write_report(run_dir, anonymize=anonymize, power_studies=power)
    print_summary(run_dir)
    console.print(f"report: {index}")
