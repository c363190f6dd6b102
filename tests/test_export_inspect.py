"""``prefgym export RUN --format inspect``: every log read back by Inspect's own reader says what
the run directory says, sample by sample, message by message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prefgym.runner.rundir import RunDir
from prefgym.types import Episode, Termination, TerminationReason

PREFGYM = [str(Path(sys.executable).with_name("prefgym"))]
MODELS = ("synthetic/planted", "synthetic/null")


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(PREFGYM + list(args), capture_output=True, text=True, env=env, timeout=300)


def make_run(out: Path, *args: str) -> Path:
    proc = cli("run", *args, "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def chat_run(tmp_path_factory) -> Path:
    """Two chat suites (no sandbox) by two synthetic models; then, by hand through RunDir, an infra
    error that a later attempt of its spec finished, and a spec that only ever failed."""
    run = make_run(tmp_path_factory.mktemp("chat") / "run", "--suite", "boolq", "--suite", "donation_advice",
                   "--items", "2", "--pairs", "2", "--limit", "3", *(a for m in MODELS for a in ("--model", m)))
    rundir = RunDir(run)
    first = next(rundir.episodes())
    crashed = first.model_copy(update={"id": "f" * 32, "termination": Termination(
        reason=TerminationReason.INFRA_ERROR, detail="docker: connection reset")})
    only_failed = crashed.model_copy(update={"id": "e" * 32, "spec": first.spec.model_copy(update={"seed": 99})})
    rundir.append(crashed)
    rundir.append(only_failed)
    return run


@pytest.fixture(scope="module")
def agentic_run(tmp_path_factory, docker_ready) -> Path:
    """One agentic task in a real sandbox: tool calls with arguments, and their results."""
    return make_run(tmp_path_factory.mktemp("agentic") / "run", "--suite", "agentic", "--tasks", "donor-sql",
                    "--limit", "2", "--model", "synthetic/planted")


def export_and_read(run: Path) -> dict[tuple[str, str], object]:
    from inspect_ai.log import read_eval_log

    proc = cli("export", str(run), "--format", "inspect")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    logs = {}
    for line in proc.stdout.splitlines():
        path, count = line.removeprefix("wrote ").rsplit(" (", 1)
        log = read_eval_log(path)
        assert Path(path).parent == run / "inspect" and count == f"{len(log.samples)} samples)"
        logs[(log.eval.model, log.eval.task.removeprefix("prefgym/"))] = log
    return logs


def by_group(run: Path) -> dict[tuple[str, str], dict[str, list[Episode]]]:
    """(actor, suite) → spec id → every attempt, in the order the run wrote them."""
    out: dict[tuple[str, str], dict[str, list[Episode]]] = {}
    for e in RunDir(run).episodes():
        out.setdefault((e.spec.actor, e.spec.suite), {}).setdefault(e.spec.id, []).append(e)
    return out


def check_messages(sample, episode: Episode) -> None:
    assert [m.role for m in sample.messages] == [m.role for m in episode.messages]
    for got, want in zip(sample.messages, episode.messages):
        assert got.text == (want.content or "")
        if want.role == "assistant":
            calls = [(c.id, c.function, c.arguments) for c in got.tool_calls or []]
            assert calls == [(c.id, c.function.name, json.loads(c.function.arguments)) for c in want.tool_calls or []]
        if want.role == "tool":
            assert (got.tool_call_id, got.function) == (want.tool_call_id, want.name)


def check_logs(run: Path, logs: dict) -> int:
    """Every (actor, suite) of the run has its log, and each log says what the episodes say.
    Returns the number of tool results compared."""
    groups = by_group(run)
    assert set(logs) == set(groups)
    tool_results = 0
    for key, specs in groups.items():
        log = logs[key]
        assert log.status == "success" and log.eval.task == f"prefgym/{key[1]}" and log.eval.model == key[0]
        assert len(log.samples) == len(specs) == log.eval.dataset.samples == log.results.total_samples
        assert sorted(s.id for s in log.samples) == sorted(specs) and {s.epoch for s in log.samples} == {1}
        finished, usage_in, usage_out = [], 0, 0
        for s in log.samples:
            tries = specs[s.id]
            done = [e for e in tries if e.termination.reason != TerminationReason.INFRA_ERROR]
            episode = done[-1] if done else tries[-1]
            check_messages(s, episode)
            tool_results += sum(m.role == "tool" for m in s.messages)
            assert s.metadata["measurements"] == episode.measurements
            assert {k: s.metadata[k] for k in episode.spec.model_dump(mode="json")} == episode.spec.model_dump(mode="json")
            assert s.metadata["termination"] == episode.termination.reason.value
            assert s.metadata["episode_id"] == episode.id and s.uuid == episode.id
            assert len(s.error_retries or []) == len(tries) - 1 if done else s.error_retries is None
            if done:
                finished.append(episode)
                assert s.error is None and s.scores["reward"].value == episode.reward
                assert s.scores["reward"].metadata == episode.measurements
            else:
                assert s.scores is None and s.error.message == episode.termination.detail
            prompt = sum(c["usage"]["prompt_tokens"] for c in episode.calls)
            completion = sum(c["usage"]["completion_tokens"] for c in episode.calls)
            assert sum(u.input_tokens for u in s.model_usage.values()) == prompt
            assert sum(u.output_tokens for u in s.model_usage.values()) == completion
            assert sum(u.total_tokens for u in s.role_usage.values()) == prompt + completion
            usage_in, usage_out = usage_in + prompt, usage_out + completion
        assert sum(u.input_tokens for u in log.stats.model_usage.values()) == usage_in > 0
        assert sum(u.output_tokens for u in log.stats.model_usage.values()) == usage_out
        assert log.results.completed_samples == len(finished)
        mean = log.results.scores[0].metrics["mean"].value
        assert mean == pytest.approx(sum(e.reward for e in finished) / len(finished))
    return tool_results


def test_chat_runs_export_one_log_per_model_and_suite_that_inspect_reads_back(chat_run):
    logs = export_and_read(chat_run)
    assert set(logs) == {(m, s) for m in MODELS for s in ("boolq", "donation_advice")}
    check_logs(chat_run, logs)
    samples = [s for log in logs.values() for s in log.samples]
    assert sum(s.error is not None for s in samples) == 1  # the spec that only failed: a sample, with its error
    assert sum(bool(s.error_retries) for s in samples) == 1  # the failure a later attempt finished: a retry
    assert {s.metadata["measurements"].get("outcome") for s in samples} >= {"correct"}

    listed = subprocess.run([str(Path(sys.executable).with_name("inspect")), "log", "list", "--json",
                             "--log-dir", str(chat_run / "inspect")], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert sorted(e["task"] for e in json.loads(listed.stdout)) == sorted(f"prefgym/{s}" for _, s in logs)


def test_an_agentic_runs_tool_calls_and_results_survive_the_export(agentic_run):
    logs = export_and_read(agentic_run)
    assert check_logs(agentic_run, logs) >= 4  # every call's result, submit's included
    (log,) = logs.values()
    calls = [c.function for s in log.samples for m in s.messages if m.role == "assistant" for c in m.tool_calls or []]
    assert "bash" in calls and "submit" in calls
    assert all(s.metadata["grade"]["score"] == s.scores["reward"].value for s in log.samples)
    again = export_and_read(agentic_run)  # a second export replaces the file: same names, same ids
    assert sorted((agentic_run / "inspect").iterdir()) == [agentic_run / "inspect/agentic_synthetic_planted.eval"]
    assert again[("synthetic/planted", "agentic")].eval.eval_id == log.eval.eval_id


def test_a_run_without_episodes_is_one_clear_line(tmp_path):
    RunDir(tmp_path).start({"test": 1})
    proc = cli("export", str(tmp_path), "--format", "inspect")
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    assert proc.stderr == f"error: {tmp_path}: no episodes here: nothing to export\n"
    assert not (tmp_path / "inspect").exists()


def test_without_inspect_installed_the_error_says_how_to_install_it(chat_run, monkeypatch):
    from prefgym.analysis.inspect_log import INSTALL, write_logs
    from prefgym.errors import ConfigError

    monkeypatch.setitem(sys.modules, "inspect_ai", None)  # import inspect_ai now raises ImportError
    with pytest.raises(ConfigError, match="inspect-ai is not installed") as caught:
        write_logs(chat_run)
    assert str(caught.value) == INSTALL
