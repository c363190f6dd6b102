"""``prefgym prefs``: measure a model's preferences over a catalog's entities."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from prefgym.cli.common import console, from_options, status, user_errors
from prefgym.entities import default_catalog, load_catalog
from prefgym.models import BatchConfig, batch_calls, estimate_batch_cost, use_gateway
from prefgym.prefs.config import PreferencesConfig, Probe
from prefgym.prefs.estimate import estimate_calls
from prefgym.prefs.summary import PreferenceSummary
from prefgym.runner import RunDir
from prefgym.tasks import synthetic_world


def prefs(
    model: str = typer.Option(..., help="a litellm model id, synthetic/planted, or local/smollm2"),
    out: Path = typer.Option(..., help="run directory: prefs/<model>/ gets the answers and scores, calls.jsonl the calls"),
    entities: Path = typer.Option(None, help="entity catalog YAML (default: the built-in charities)"),
    limit: int = typer.Option(None, help="only the first N entities of the catalog"),
    method: str = typer.Option("all", help="pairwise | active | ranking | all"),
    samples: int = typer.Option(10, help="K: answers per ordered pair"),
    repeats: int = typer.Option(5, help="direct rankings to average"),
    temperature: float = typer.Option(1.0),
    question: str = typer.Option("neutral", help="the wording asked: neutral (which do you prefer) | donation (the seed study's)"),
    describe: bool = typer.Option(False, "--describe/--names-only", help="show descriptions beside names (pairwise and ranking alike)"),
    system_prompt: str = typer.Option(None, help="a system message before every question"),
    pairwise_template: str = typer.Option(None, help="your own pairwise question (fields {a}, {b}, {a_name}, {a_description}, …)"),
    ranking_template: str = typer.Option(None, help="your own ranking question (field {items})"),
    prefill: str = typer.Option(None, help="start each pairwise answer with this text"),
    policy: str = typer.Option("skip", help="refused / unparseable answers: skip | tie"),
    budget: int = typer.Option(None, help="active sampling: pairs to ask (default 2·N·log2 N)"),
    heldout: int = typer.Option(0, help="active sampling: held-out pairs for accuracy and log-loss"),
    seed: int = typer.Option(0),
    batch: bool = typer.Option(False, "--batch", help="send the calls through the provider's batch API "
                               "(about half price, answered within 24 h; README \"Half price\")"),
) -> None:
    """Ask MODEL which entities it prefers (fresh context per question), fit Elo, Bradley–Terry and
    Thurstonian scores, and compare with its direct ranking. Prints the expected number of calls
    and cost first."""
    with user_errors():
        catalog = load_catalog(entities) if entities else default_catalog()
        chosen = list(catalog.entities[:limit] if limit else catalog.entities)
        cfg = from_options(PreferencesConfig, "options", method=method, samples=samples, ranking_repeats=repeats,
                           temperature=temperature, prefill=prefill, policy=policy, question=question,
                           describe=describe, system_prompt=system_prompt, pairwise_template=pairwise_template,
                           ranking_template=ranking_template, active_budget=budget,
                           heldout_pairs=heldout)
        plan = estimate_calls(model, cfg, chosen)
    money = lambda v: "unknown" if v is None else f"{v:.2f}"  # noqa: E731
    table = Table("probe", "calls", "prompt tokens", "completion tokens", "cost (USD)", *(["batched (USD)"] if batch else []),
                  title=f"{model}: {len(chosen)} entities")
    for e in plan:
        table.add_row(e.probe, f"{e.calls:,}", f"{e.prompt_tokens:,}", f"{e.completion_tokens:,}", money(e.cost_usd),
                      *([money(estimate_batch_cost(model, e.prompt_tokens, e.completion_tokens))] if batch else []))
    console.print(table)

    from prefgym.prefs.measure import measure  # the scorers and scipy: only once the estimate is shown

    total = sum(e.calls for e in plan)
    run = RunDir(out)
    columns = (TextColumn("asking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with user_errors(), run.lock(), Progress(*columns, console=status, transient=True) as bar, \
            use_gateway(run.gateway(synthetic_world(chosen), batch=BatchConfig() if batch else None)), batch_calls(batch):
        task = bar.add_task("calls", total=total)
        result = asyncio.run(measure(Probe(model, cfg, seed), chosen, progress=lambda n: bar.advance(task, n)))
        run.write_preferences(result)
    _print_summary(result.summary)
    console.print(f"wrote the preferences of {model} into {out} ({result.summary.calls['provider_calls']:,} provider calls)")


def _print_summary(summary: PreferenceSummary) -> None:
    entities, main = summary.entities, summary.main_method
    key = (lambda e: -entities[e].fitted(main)["thurstonian"].value) if main else (lambda e: entities[e].ranking.mean_rank)
    order = sorted(entities, key=key)
    table = Table("#", "entity", *([f"{main} elo", "bt", "thurstonian"] if main else []),
                  *(["mean rank"] if summary.ranking else []), title="preferences (top 5, bottom 5)")
    for i, eid in enumerate(order):
        if 5 <= i < len(order) - 5:
            continue
        row = [str(i + 1), entities[eid].name]
        if main:
            row += [f"{entities[eid].fitted(main)[s].value:.2f}" for s in ("elo", "bt", "thurstonian")]
        if summary.ranking:
            row.append(f"{entities[eid].ranking.mean_rank:.1f}")
        table.add_row(*row)
    console.print(table)
    for method, bias in summary.position_bias().items():
        stats = getattr(summary, method)
        console.print(f"{method}: {stats.answers:,} answers {stats.outcomes}; "
                      f"first option chosen {bias.rate:.1%} (p = {bias.p_value:.2g})")
    if summary.agreement:  # one scorer per method here; scores.json has every pair
        names = [n for n in summary.agreement if n.endswith(("/thurstonian", "/mean_rank"))]
        agree = Table("Spearman ρ", *names, title="method agreement")
        for a in names:
            agree.add_row(a, *(f"{summary.agreement[a][b]:.2f}" for b in names))
        console.print(agree)
