"""``prefgym power``: before paying for a study, how likely is it to detect an effect of a given size?"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, user_errors


def power(
    model: str = typer.Option("synthetic/planted", help="a synthetic model whose effects are the effect to detect"),
    entities: int = typer.Option(20, help="entities in the study"),
    pairs: int = typer.Option(60, help="donation advice / refusal: pairs (each asked in both orders)"),
    items: int = typer.Option(30, help="yes/no questions per entity"),
    tasks: int = typer.Option(4, help="agentic tasks per entity"),
    seeds: int = typer.Option(1, help="repeats of each trial"),
    studies: int = typer.Option(400, help="simulated studies per point"),
    alpha: float = typer.Option(0.05),
    scales: str = typer.Option("0,0.25,0.5,1", help="effect sizes to try, as multiples of the model's"),
    plot: Path = typer.Option(None, help="write the power curves to this PNG"),
) -> None:
    """Simulate STUDIES studies of this design for each effect size; print the power of each suite's
    primary test (at scale 0: the false-positive rate, which should be about alpha)."""
    from prefgym.analysis.power import Design, power_curve

    with user_errors():
        design = Design(entities=entities, pairs=pairs, items=items, tasks=tasks, seeds=seeds, alpha=alpha)
        points = [float(s) for s in scales.split(",")]
        curves = power_curve(model, design, points, studies)
    table = Table("suite", *[f"× {s:g}" for s in points], title=f"power at α = {alpha} ({studies} simulated studies each)")
    for suite, row in curves.items():
        table.add_row(suite, *[f"{p['rate']:.2f} [{p['low']:.2f}, {p['high']:.2f}]" for p in row])
    console.print(table)
    if plot:
        from prefgym.analysis.figures import power_plot

        power_plot(curves, alpha, plot)
        console.print(f"power curves: {plot}")
