"""A run directory read once for analysis: its configuration, episodes, models and preferences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefgym.prefs.summary import PreferenceSummary
from prefgym.runner.rundir import RunDir
from prefgym.types import Episode


@dataclass
class RunData:
    run: RunDir
    config: dict[str, Any]
    episodes: list[Episode]
    models: list[str]  # every model (or agent kind) that acted or was measured, in one order
    summaries: dict[str, PreferenceSummary | None] = field(default_factory=dict)
    planted: dict[str, Any] = field(default_factory=dict)

    @property
    def scorer(self) -> str:
        return (self.config.get("preferences") or {}).get("scorer", "thurstonian")

    def preferences(self, model: str) -> dict[str, float] | None:
        """One preference score per entity for ``model``, by the run's scorer (None: not measured)."""
        summary = self.summaries.get(model)
        return summary.scores(self.scorer) if summary else None

    def names(self) -> dict[str, str]:
        """Entity id → name, from every preference summary of the run."""
        out: dict[str, str] = {}
        for summary in self.summaries.values():
            if summary:
                out.update(summary.names())
        return out


def load_run(run_dir: str | Path) -> RunData:
    run = RunDir(run_dir).require()
    episodes = list(run.episodes()) if run.has_episodes else []
    config = run.config()
    measured = {s.model for s in run.preference_models().values()}
    models = sorted({e.spec.actor for e in episodes} | set(config.get("models", [])) | measured)
    return RunData(run, config, episodes, models, summaries={m: run.preferences(m) for m in models},
                   planted=run.planted())
