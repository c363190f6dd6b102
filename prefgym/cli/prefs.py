"""``prefgym prefs``: measure a model's preferences over a catalog's entities."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from prefgym.cli.common import console, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.models import use_gateway
from prefgym.prefs.elicit import PrefsConfig
from prefgym.prefs.estimate import estimate_calls
from prefgym.prefs.measure import measure
from prefgym.runner import RunDir


def prefs(
    model: str = typer.Option(..., help="a litellm model id, synthetic/planted, or local/smollm2"),
    out: Path = typer.Option(..., help="folder for pairwise.jsonl, ranking.jsonl, scores.json, calls.jsonl"),
    entities: Path = typer.Option(None, help="entity catalog YAML (default: the built-in charities)"),
    limit: int = typer.Option(None, help="only the first N entities of the catalog"),
    method: str = typer.Option("all", help="pairwise | active | ranking | all"),
    samples: int = typer.Option(10, help="K: answers per ordered pair"),
    repeats: int = typer.Option(5, help="direct rankings to average"),
    temperature: float = typer.Option(1.0),
    prefill: str = typer.Option(None, help="start each pairwise answer with this text"),
    policy: str = typer.Option("skip", help="refused / unparseable answers: skip | tie"),
    budget: int = typer.Option(None, help="active sampling: pairs to ask (default 2·N·log2 N)"),
    heldout: int = typer.Option(0, help="active sampling: held-out pairs for accuracy and log-loss"),
    seed: int = typer.Option(0),
) -> None:
    """Ask MODEL which entities it prefers (fresh context per question), fit Elo, Bradley–Terry and
    Thurstonian scores, and compare with its direct ranking. Prints the expected number of calls
    and cost first."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        chosen = list(catalog.entities[:limit] if limit else catalog.entities)
        cfg = PrefsConfig(model=model, method=method, samples=samples, ranking_repeats=repeats, temperature=temperature,
                          prefill=prefill, policy=policy, active_budget=budget, heldout_pairs=heldout, seed=seed)
        plan = estimate_calls(cfg, chosen)
    table = Table("probe", "calls", "prompt tokens", "completion tokens", "cost (USD)", title=f"{model}: {len(chosen)} entities")
    for e in plan:
        table.add_row(e.probe, f"{e.calls:,}", f"{e.prompt_tokens:,}", f"{e.completion_tokens:,}",
                      "unknown" if e.cost_usd is None else f"{e.cost_usd:.2f}")
    console.print(table)

    total = sum(e.calls for e in plan)
    columns = (TextColumn("asking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with user_errors(), Progress(*columns, console=console, transient=True) as bar, use_gateway(RunDir(out).gateway()):
        task = bar.add_task("calls", total=total)
        summary = asyncio.run(measure(cfg, chosen, out, progress=lambda n: bar.advance(task, n)))
    _print_summary(summary)
    console.print(f"wrote {out}/scores.json, pairwise.jsonl, ranking.jsonl ({summary['calls']['provider_calls']:,} provider calls)")


def _print_summary(summary: dict) -> None:
    entities = summary["entities"]
    main = next((m for m in ("pairwise", "active") if m in summary), None)
    key = (lambda e: -entities[e][main]["thurstonian"]["value"]) if main else (lambda e: entities[e]["ranking"]["mean_rank"])
    order = sorted(entities, key=key)
    table = Table("#", "entity", *([f"{main} elo", "bt", "thurstonian"] if main else []),
                  *(["mean rank"] if "ranking" in summary else []), title="preferences (top 5, bottom 5)")
    for i, eid in enumerate(order):
        if 5 <= i < len(order) - 5:
            continue
        row = [str(i + 1), entities[eid]["name"]]
        if main:
            row += [f"{entities[eid][main][s]['value']:.2f}" for s in ("elo", "bt", "thurstonian")]
        if "ranking" in summary:
            row.append(f"{entities[eid]['ranking']['mean_rank']:.1f}")
        table.add_row(*row)
    console.print(table)
    for method in ("pairwise", "active"):
        if method in summary:
            bias = summary[method]["position_bias"]
            console.print(f"{method}: {summary[method]['answers']:,} answers {summary[method]['outcomes']}; "
                          f"first option chosen {bias['rate']:.1%} (p = {bias['p_value']:.2g})")
    if summary.get("agreement"):  # one scorer per method here; scores.json has every pair
        names = [n for n in summary["agreement"] if n.endswith(("/thurstonian", "/mean_rank"))]
        agree = Table("Spearman ρ", *names, title="method agreement")
        for a in names:
            agree.add_row(a, *(f"{summary['agreement'][a][b]:.2f}" for b in names))
        console.print(agree)
