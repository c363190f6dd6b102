"""A run directory as Inspect AI eval logs: one ``.eval`` file per (model, suite), for ``inspect view``.

Inspect's readers, its viewer and the tools built on them (log dataframes, scout, transcripts)
speak one format; a prefgym run becomes readable by all of them when each episode is one of
Inspect's samples, built with Inspect's own pydantic classes and written by its own writer, so the
file is whatever the pinned version reads. What maps to what:

- a log per actor (the model id, or ``oracle`` / ``null`` / ``mock`` for a model-free agent) and
  suite: task ``prefgym/<suite>``, model the actor, created at its first episode's start, status
  ``success``, the run's configuration and git sha in the log's metadata;
- a sample per episode spec: id the spec's id (it hashes the seed too, so every seed is its own
  sample and the epoch is always 1), messages as Inspect's chat messages (tool calls with their
  parsed arguments, tool results with the call's error), the last assistant message as the output,
  score ``reward`` with the suite's measurements in its metadata, the spec's fields, termination
  and measurements in the sample's metadata, usage per model and per role (agent, user, judge)
  from the episode's calls, a limit where the episode was cut off (turns, time, tokens, cost);
- an episode that ended in an infra error is what Inspect itself records for a sample that
  failed: a sample with ``error`` set and no score (counted in total, not completed, samples), and
  when a later attempt of the same spec finished, that attempt is the sample and the failed ones
  are its ``error_retries``. A spec finished more than once (a forced rerun) keeps its last
  episode, as :meth:`~prefgym.runner.rundir.RunDir.finished` does.

Inspect is an optional dependency (``pip install 'prefgym[inspect]'``), imported only here and
only when an export asks for it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from statistics import mean, stdev
from types import SimpleNamespace
from typing import Any

from prefgym.errors import ConfigError
from prefgym.runner.rundir import RunDir, RunDirError
from prefgym.tasks.suite import get_suite
from prefgym.types import Episode, TerminationReason, ToolExecution

INSTALL = "inspect-ai is not installed: pip install 'prefgym[inspect]'"

# how a cut-off episode reads as Inspect's sample limit
LIMITS = {TerminationReason.MAX_TURNS: "turn", TerminationReason.TIME_LIMIT: "time",
          TerminationReason.TOKEN_LIMIT: "token", TerminationReason.COST_LIMIT: "cost",
          TerminationReason.CONTEXT_LENGTH: "context"}


def _inspect() -> SimpleNamespace:
    """Inspect's classes, imported on first use: the package is heavy and optional."""
    try:
        from inspect_ai import log, model, scorer, tool
    except ImportError:
        raise ConfigError(INSTALL) from None
    return SimpleNamespace(log=log, model=model, scorer=scorer, tool=tool)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat()


def _short_id(*parts: Any) -> str:
    """A stable id in place of Inspect's random ones: exporting twice gives the same log."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:22]


def _plain(value: Any) -> Any:
    """JSON-safe: a NaN (a trial column with no value) becomes None, which every reader takes."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------------------ one episode


def _arguments(raw: str) -> tuple[dict[str, Any], str | None]:
    """A tool call's arguments as Inspect keeps them (a dict), and the parse error of a malformed
    string, which the record keeps raw so the model could be told about it."""
    try:
        value = json.loads(raw or "{}")
    except ValueError as e:
        return {}, f"{e}: {raw[:200]}"
    return (value, None) if isinstance(value, dict) else ({}, f"arguments are not a JSON object: {raw[:200]}")


def _tool_error(i: SimpleNamespace, execution: ToolExecution | None, parse_error: str | None) -> Any:
    if parse_error is not None:
        return i.tool.ToolCallError("parsing", execution.error if execution and execution.error else parse_error)
    if execution is None:
        return None
    if execution.result is not None and execution.result.timed_out:
        return i.tool.ToolCallError("timeout", execution.error or f"timed out after {execution.result.duration_s:.1f}s")
    if execution.error:
        return i.tool.ToolCallError("unknown", execution.error)
    return None


def _messages(i: SimpleNamespace, episode: Episode) -> list[Any]:
    """The episode's chat as Inspect's messages; a tool result carries its call's error and, where the
    model was shown less than the tool printed, the whole output in its metadata."""
    executions: dict[str, list[ToolExecution]] = {}
    for execution in episode.executions:
        executions.setdefault(execution.tool_call_id, []).append(execution)
    parse_errors: dict[str, str | None] = {}
    out: list[Any] = []
    for n, m in enumerate(episode.messages):
        mid, content = f"{episode.id}-{n}", m.content or ""
        if m.role == "system":
            out.append(i.model.ChatMessageSystem(id=mid, content=content))
        elif m.role == "user":
            out.append(i.model.ChatMessageUser(id=mid, content=content))
        elif m.role == "assistant":
            calls = []
            for call in m.tool_calls or []:
                arguments, error = _arguments(call.function.arguments)
                parse_errors[call.id] = error
                calls.append(i.tool.ToolCall(id=call.id, function=call.function.name, arguments=arguments,
                                             parse_error=error))
            out.append(i.model.ChatMessageAssistant(id=mid, content=content, tool_calls=calls or None,
                                                    model=episode.spec.model, source="generate"))
        else:
            queue = executions.get(m.tool_call_id or "") or []
            execution = queue.pop(0) if queue else None
            meta = {}
            if execution is not None and execution.result is not None:
                meta = {"exit_code": execution.result.exit_code, "duration_s": execution.duration_s}
            if execution is not None and execution.full_content is not None:
                meta["full_content"] = execution.full_content
            out.append(i.model.ChatMessageTool(id=mid, content=content, tool_call_id=m.tool_call_id, function=m.name,
                                               error=_tool_error(i, execution, parse_errors.get(m.tool_call_id or "")),
                                               metadata=meta or None))
    return out


def _usage(i: SimpleNamespace, calls: Iterable[dict[str, Any]], key: str) -> dict[str, Any]:
    """Tokens and cost summed per ``key`` of each call (its model, or its role)."""
    out: dict[str, Any] = {}
    for call in calls:
        name = call.get(key) or "unknown"
        usage = call.get("usage") or {}
        prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        one = i.model.ModelUsage(input_tokens=prompt, output_tokens=completion,
                                 total_tokens=int(usage.get("total_tokens") or prompt + completion),
                                 total_cost=call.get("cost_usd"))
        out[name] = out[name] + one if name in out else one
    return out


def _limit(i: SimpleNamespace, episode: Episode) -> Any:
    kind = LIMITS.get(episode.termination.reason)
    if kind is None:
        return None
    budget, calls = episode.spec.budget, episode.calls
    tokens = sum(int((c.get("usage") or {}).get("total_tokens") or 0) for c in calls)
    value = {"turn": episode.turns, "time": episode.timings.duration_s,
             "token": budget.token_limit if budget and budget.token_limit else tokens,
             "cost": budget.cost_limit_usd if budget and budget.cost_limit_usd else sum(c.get("cost_usd") or 0 for c in calls),
             "context": max((int((c.get("usage") or {}).get("prompt_tokens") or 0) for c in calls), default=0)}[kind]
    return i.log.EvalSampleLimit(type=kind, limit=float(value), reason=episode.termination.detail or None)


def _error(episode: Episode, cls: Any) -> Any:
    detail = episode.termination.detail or episode.termination.reason.value
    return cls(message=detail, traceback=detail, traceback_ansi=detail)


def _explanation(episode: Episode) -> str | None:
    if episode.grade is not None:
        checks = ", ".join(("✓ " if c.passed else "✗ ") + c.name for c in episode.grade.checks)
        return checks or episode.grade.error
    return episode.termination.detail or None


def sample(episode: Episode, failed: list[Episode] | None = None) -> Any:
    """One episode as an Inspect ``EvalSample``; ``failed`` are earlier attempts of its spec that
    ended in an infra error (its ``error_retries``)."""
    i = _inspect()
    s = episode.spec
    messages = _messages(i, episode)
    first_reply = next((n for n, m in enumerate(messages) if m.role == "assistant"), len(messages))
    last_reply = next((m for m in reversed(messages) if m.role == "assistant"), None)
    infra = episode.termination.reason == TerminationReason.INFRA_ERROR
    measurements = _plain(episode.measurements)
    usage = _usage(i, episode.calls, "model")
    output = i.model.ModelOutput(model=s.model or s.actor, choices=[i.model.ChatCompletionChoice(
        message=last_reply, stop_reason="tool_calls" if last_reply.tool_calls else "stop")] if last_reply else [],
        usage=sum(usage.values(), i.model.ModelUsage()) if usage else None)
    meta = {**s.model_dump(mode="json"), "spec_id": s.id, "episode_id": episode.id, "actor": s.actor,
            "termination": episode.termination.reason.value, "termination_detail": episode.termination.detail,
            "turns": episode.turns, "tool_calls": len(episode.executions), "measurements": measurements,
            "trial": _plain(get_suite(s.suite).trial(episode)) if not infra else {},
            "grade": episode.grade.model_dump(mode="json") if episode.grade else None,
            "environment": episode.environment, "timings": episode.timings.model_dump(mode="json")}
    return i.log.EvalSample(
        id=s.id, epoch=1, input=messages[:first_reply] or "", target="", messages=messages, output=output,
        scores=None if infra else {"reward": i.scorer.Score(value=episode.reward, explanation=_explanation(episode),
                                                            metadata=measurements)},
        metadata=meta, model_usage=usage, role_usage=_usage(i, episode.calls, "role"),
        started_at=_iso(episode.timings.started_at), completed_at=_iso(episode.timings.ended_at),
        total_time=episode.timings.duration_s, working_time=episode.timings.duration_s,
        uuid=episode.id, error=_error(episode, i.log.EvalError) if infra else None,
        error_retries=[_error(e, i.log.EvalRetryError) for e in failed] if failed else None,
        limit=_limit(i, episode), turn_count=episode.turns,
        token_limit=s.budget.token_limit if s.budget else None)


# ------------------------------------------------------------------------------ one log


def _attempts(episodes: list[Episode]) -> tuple[Episode, list[Episode]]:
    """The episode that stands for a spec (its last finished one, else its last attempt) and the
    infra errors before it."""
    done = [e for e in episodes if e.termination.reason != TerminationReason.INFRA_ERROR]
    chosen = done[-1] if done else episodes[-1]
    return chosen, [e for e in episodes if e is not chosen and e.termination.reason == TerminationReason.INFRA_ERROR]


def _uniform(values: Iterable[Any]) -> Any:
    """The one value all share, else None: a log's config says only what holds for every sample."""
    found = set(json.dumps(v, sort_keys=True, default=str) for v in values)
    return json.loads(found.pop()) if len(found) == 1 else None


def eval_log(run: RunDir, actor: str, suite: str, episodes: list[Episode]) -> Any:
    """The eval log of one actor's episodes of one suite (in the order they were written)."""
    i = _inspect()
    by_spec: dict[str, list[Episode]] = {}
    for e in episodes:
        by_spec.setdefault(e.spec.id, []).append(e)
    chosen = [_attempts(tries) for tries in by_spec.values()]
    samples = [sample(e, failed) for e, failed in chosen]
    finished = [e for e, _ in chosen if e.termination.reason != TerminationReason.INFRA_ERROR]
    manifest = run.manifest() or {}
    run_id = _short_id(str(run.path.resolve()), manifest.get("created"))
    rewards = [e.reward for e in finished]
    metrics = {"mean": i.log.EvalMetric(name="mean", value=mean(rewards)),
               "stderr": i.log.EvalMetric(name="stderr", value=stdev(rewards) / math.sqrt(len(rewards))
                                          if len(rewards) > 1 else 0.0)} if rewards else {}
    scores = [i.log.EvalScore(name="reward", scorer=f"prefgym/{suite}", scored_samples=len(finished),
                              unscored_samples=len(chosen) - len(finished), metrics=metrics)] if rewards else []
    sampling = _uniform(e.spec.sampling.model_dump() if e.spec.sampling else {} for e, _ in chosen) or {}
    budget = _uniform(e.spec.budget.model_dump() if e.spec.budget else {} for e, _ in chosen) or {}
    agent = chosen[0][0].spec.agent
    users = sorted({e.spec.user_model or "scripted" for e, _ in chosen})
    judges = sorted({e.spec.judge for e, _ in chosen if e.spec.judge})
    descriptor = get_suite(suite)
    model_usage: dict[str, Any] = {}
    role_usage: dict[str, Any] = {}
    for s in samples:
        for total, part in ((model_usage, s.model_usage), (role_usage, s.role_usage)):
            for name, usage in part.items():
                total[name] = total[name] + usage if name in total else usage
    created = min(e.timings.started_at for e in episodes)
    packages = {"prefgym": _version("prefgym"), "inspect_ai": _version("inspect_ai")}
    spec = i.log.EvalSpec(
        eval_id=_short_id(run_id, actor, suite), run_id=run_id, created=_iso(created), task=f"prefgym/{suite}",
        task_id=_short_id(suite), task_version=0, task_display_name=suite, task_description=descriptor.summary or None,
        dataset=i.log.EvalDataset(name=suite, location=str(run.episodes_path), samples=len(samples),
                                  sample_ids=[s.id for s in samples], shuffled=False),
        model=actor, model_generate_config=i.model.GenerateConfig(**{k: v for k, v in sampling.items() if v is not None}),
        config=i.log.EvalConfig(epochs=1, fail_on_error=False, token_limit=budget.get("token_limit"),
                                cost_limit=budget.get("cost_limit_usd")),
        packages={k: v for k, v in packages.items() if v},
        metadata={"prefgym": {"run_dir": str(run.path), "config": run.config(), "git_sha": manifest.get("git_sha"),
                              "versions": manifest.get("versions") or {}}})
    plan = i.log.EvalPlan(name="prefgym", steps=[i.log.EvalPlanStep(
        solver=f"prefgym/{agent}", params={"agent": agent, "user": users, **({"judge": judges} if judges else {})})])
    return i.log.EvalLog(
        status="success", eval=spec, plan=plan,
        results=i.log.EvalResults(total_samples=len(samples), completed_samples=len(finished), scores=scores),
        stats=i.log.EvalStats(started_at=_iso(created), completed_at=_iso(max(e.timings.ended_at for e in episodes)),
                              model_usage=model_usage, role_usage=role_usage),
        samples=samples)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def write_logs(run_dir: str | Path, out: str | Path | None = None) -> list[tuple[Path, int]]:
    """Write one ``.eval`` log per (actor, suite) of the run into ``out`` (default ``RUN/inspect/``);
    each written file with its number of samples, in the order the run first met them."""
    i = _inspect()
    run = RunDir(run_dir).require()
    if not run.has_episodes:
        raise RunDirError(f"{run.path}: no episodes here: nothing to export")
    groups: dict[tuple[str, str], list[Episode]] = {}
    for e in run.episodes():
        groups.setdefault((e.spec.actor, e.spec.suite), []).append(e)
    if not groups:
        raise RunDirError(f"{run.path}: episodes.jsonl holds no complete episode yet")
    folder = Path(out) if out else run.inspect_dir()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--out {folder}: not a directory (--format inspect writes one file per model and suite)")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (actor, suite), episodes in groups.items():
        log = eval_log(run, actor, suite, episodes)
        path = run.inspect_log_path(actor, suite, folder)
        i.log.write_eval_log(log, str(path), format="eval")
        written.append((path, len(log.samples or [])))
    return written

