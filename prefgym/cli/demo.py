"""``prefgym demo``: the README's main command, a small full study on the offline synthetic model."""

from __future__ import annotations

from pathlib import Path

import typer

from prefgym.cli.common import status, user_errors
from prefgym.cli.study import asyncio_study, run_report
from prefgym.study import StudyError, load_study, preflight

DEMO_STUDY = Path(__file__).resolve().parents[2] / "studies" / "demo.yaml"


def demo(out: Path = typer.Option(Path("runs/demo"), help="run directory"),
         force: bool = typer.Option(False, "--force", help="run into OUT even if its configuration differs")) -> None:
    """studies/demo.yaml on synthetic/planted: preferences over 12 charities, donation advice, refusal,
    yes/no questions and agentic tasks in real containers, then the report. A few minutes."""
    with user_errors():
        if not DEMO_STUDY.exists():
            raise StudyError(f"{DEMO_STUDY}: the demo study ships with the repository; run from a clone")
        config = load_study(DEMO_STUDY)
        catalog, _ = preflight(config)
    status.print(f"demo: {DEMO_STUDY.name} on {', '.join(config.models)}, {len(catalog)} entities → {out}")
    run_report(asyncio_study(config, out, force, None), out)
