"""Re-execute a recorded episode offline: model answers from ``calls.jsonl``, tools for real.

The episode is rebuilt from its spec (task, entities, agent, user, judge, seed) and played again with a gateway
that only replays: any call past the recording fails rather than reaching a provider. Each model
call is checked (was the request the one recorded?) and so is each message of the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefgym.entities import Catalog, default_catalog
from prefgym.envs.base import docker_sandbox_factory
from prefgym.models import Gateway, Replay, use_gateway
from prefgym.runner.episode import run_spec
from prefgym.runner.rundir import RunDir
from prefgym.tasks import get_task
from prefgym.tasks.loader import with_items_files
from prefgym.types import Episode


@dataclass
class StepCheck:
    index: int
    role: str
    matched: bool
    detail: str = ""


@dataclass
class ReplayReport:
    recorded: Episode
    replayed: Episode
    steps: list[StepCheck] = field(default_factory=list)
    calls_matched: int = 0
    calls_recorded: int = 0
    provider_calls: int = 0

    @property
    def matched(self) -> bool:
        return (all(s.matched for s in self.steps) and self.calls_matched == self.calls_recorded
                and self.provider_calls == 0 and self.recorded.reward == self.replayed.reward)


def _compare(recorded: Episode, replayed: Episode) -> list[StepCheck]:
    steps = []
    for i in range(max(len(recorded.messages), len(replayed.messages))):
        a = recorded.messages[i] if i < len(recorded.messages) else None
        b = replayed.messages[i] if i < len(replayed.messages) else None
        if a is None or b is None:
            steps.append(StepCheck(i, (a or b).role, False, "missing in the " + ("recording" if a is None else "replay")))
            continue
        same = a.model_dump(exclude_none=True) == b.model_dump(exclude_none=True)
        detail = "" if same else f"recorded {(a.content or '')[:80]!r}, replayed {(b.content or '')[:80]!r}"
        steps.append(StepCheck(i, a.role, same, detail))
    return steps


async def replay_episode(run_dir: str | Path, episode_id: str, *, catalog: Catalog | None = None,
                         tasks_dir: str | Path | None = None, run_id: str = "replay") -> ReplayReport:
    run = RunDir(run_dir).require()
    recorded = run.episode(episode_id)
    spec = recorded.spec
    catalog = catalog or default_catalog()
    recorded_items = [p.get("items_file") for p in run.config().get("suites") or [] if isinstance(p, dict)]
    task = get_task(spec.task, with_items_files(str(tasks_dir) if tasks_dir else None, [f for f in recorded_items if f]))
    replay = Replay([c for c in run.calls(recorded.id) if c.message is not None])
    gateway = Gateway(replay=replay)
    with use_gateway(gateway):
        replayed = await run_spec(spec, task, catalog, sandbox_factory=docker_sandbox_factory(run_id, image=task.image))
    return ReplayReport(recorded, replayed, _compare(recorded, replayed),
                        calls_matched=sum(s.matched for s in replay.steps), calls_recorded=len(replay.calls),
                        provider_calls=gateway.stats.provider_calls)
