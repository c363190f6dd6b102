"""``prefgym power``: before paying for a study, how likely is it to detect an effect of a given size?"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from prefgym.cli.common import console, user_errors


def study_power(config, tasks_dir: str | None, studies: int) -> list[dict]:
    """Each suite plan of a study as a power design, simulated (the dry run's table too)."""
    from prefgym.analysis.plan_power import plan_power, suite_designs
    from prefgym.study.dryrun import plan_task_counts

    catalog_size, counts = plan_task_counts(config, tasks_dir)
    return plan_power(suite_designs(config, catalog_size, counts), studies=studies)


def print_plan_power(rows: list[dict], title: str = "") -> None:
    """The per-suite power table of a study's plan (:func:`prefgym.analysis.plan_power.plan_power`)."""
    from prefgym.analysis.plan_power import GAPS_PP, Assumptions
    from prefgym.tasks import get_suite

    a = Assumptions()
    table = Table("suite", "entities", "trials", "α", *[f"{g:g} pp" for g in GAPS_PP], f"{a.power:.0%} at",
                  title=(f"power of each suite's primary test (Spearman over entities) at a gap of 1, 5, 10, 15 percentage "
                         f"points between the 5 most and 5 least preferred entities (entities: 15+15/72 is stage one's top and bottom 15 of 72); α: the false-positive rate "
                         f"(α = {a.alpha}); {a.power:.0%} at: the gap detected {a.power:.0%} of the time. Entity noise "
                         f"{a.entity_noise}, item noise {a.item_noise}, stage-one error {a.pref_noise}") if not title else title)
    for r in rows:
        d = r["design"]
        who = f"{d['top']}+{d['bottom']}/{d['catalog']}" if d["top"] is not None else f"{d['entities']}"
        trials = (f"{d['tasks']} × {d['pairs']} pairs" if get_suite(d["suite"]).design_unit == "pairs"
                  else f"{d['tasks']} × {d['seeds']}" if d["seeds"] > 1 else f"{d['tasks']}")
        mde = r["mde_pp"]
        table.add_row(d["suite"], who, trials, f"{r['false_positive']:.2f}",
                      *[f"{r['power_at'][f'{g:g}']:.2f}" for g in GAPS_PP],
                      f"> {r['largest_gap_simulated_pp']:.0f} pp" if mde != mde else f"{mde:.0f} pp")
    console.print(table)


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
    study: Path = typer.Option(None, help="a study file: the power of each of its suites' own plan, in percentage points"),
) -> None:
    """Simulate STUDIES studies of this design for each effect size; print the power of each suite's
    primary test (at scale 0: the false-positive rate, which should be about alpha). With --study:
    each suite's own plan (the entities it keeps, its tasks, pairs and seeds), with entity and item
    noise, as power at gaps of 1, 5, 10 and 15 percentage points and the gap it detects 80% of the time."""
    from prefgym.analysis.power import Design, power_curve

    if study is not None:
        from prefgym.study import load_study

        with user_errors():
            rows = study_power(load_study(study), None, studies)
        print_plan_power(rows)
        return

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
