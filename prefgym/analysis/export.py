"""One row per episode, for pandas users: spec fields, outcome, measurements, preferences joined;
or the run as Inspect AI eval logs, for Inspect's viewer and tools."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prefgym.analysis.data import load_run
from prefgym.errors import ConfigError
from prefgym.runner.rundir import RunDir, RunDirError


def episode_table(run_dir: str | Path) -> pd.DataFrame:
    data = load_run(run_dir)
    if not data.run.has_episodes:
        raise RunDirError(f"{data.run.path}: no episodes here: nothing to export")
    prefs = {m: data.preferences(m) or {} for m in data.models}
    rows = []
    for e in data.episodes:
        s = e.spec
        row = {"episode_id": e.id, **s.model_dump(), "spec_id": s.id, "reward": e.reward,
               "termination": e.termination.reason.value, "termination_detail": e.termination.detail, "turns": e.turns,
               "tool_calls": len(e.executions), "duration_s": e.timings.duration_s,
               "model_calls": len(e.calls), "cost_usd": sum(c.get("cost_usd") or 0.0 for c in e.calls),
               "pref_entity": prefs.get(s.actor, {}).get(s.entity),
               "pref_entity_b": prefs.get(s.actor, {}).get(s.entity_b) if s.entity_b else None}
        for key, value in e.measurements.items():
            if isinstance(value, (str, int, float, bool)) or value is None:
                row[f"m_{key}"] = value
        if e.grade is not None:
            row["grade_score"] = e.grade.score
        rows.append(row)
    if not rows:
        raise RunDirError(f"{data.run.path}: episodes.jsonl holds no complete episode yet")
    table = pd.DataFrame(rows)
    for col in table.columns:  # one column, one type (a submit answer is text, a yes/no answer a bool)
        if table[col].dtype == object and len({type(v) for v in table[col].dropna()}) > 1:
            table[col] = table[col].map(lambda v: None if v is None else str(v))
    return table


FORMATS = ("parquet", "csv", "inspect")


def export(run_dir: str | Path, fmt: str = "parquet", out: str | Path | None = None) -> list[tuple[Path, int]]:
    """Each file written, with its rows: one table for parquet and csv, one Inspect eval log per
    (model, suite) for inspect (:mod:`.inspect_log`; ``out`` is then a folder)."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r}: choose parquet, csv or inspect")
    if fmt == "inspect":
        from prefgym.analysis.inspect_log import write_logs

        return write_logs(run_dir, out)
    table = episode_table(run_dir)
    path = Path(out) if out else RunDir(run_dir).export_path(fmt)
    if fmt == "csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return [(path, len(table))]
