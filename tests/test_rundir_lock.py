"""One writer per run folder: a second run into a busy folder refuses at once naming the first's
pid and host; after the first is killed with SIGKILL a new run takes the lock and resumes; the
folder holds every episode once. Real processes (a lock is per process), real CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from prefgym.runner import RunDir

# slow enough (0.3 s per answer, one at a time: 12 s or more for its 40 episodes) that the first
# run is still writing when the second has started, even on a loaded machine
ARGS = ["run", "--suite", "donation_advice", "--model", "synthetic/planted:latency_s=0.3", "--limit", "6",
        "--pairs", "5", "--concurrency", "1"]


def cli(*args: str, out: Path) -> subprocess.Popen:
    code = "import sys; from prefgym.cli import app; sys.argv[0] = 'prefgym'; app()"
    env = dict(os.environ, COLUMNS="200", LITELLM_LOCAL_MODEL_COST_MAP="True")
    return subprocess.Popen([sys.executable, "-c", code, *args, "--out", str(out)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def lines(run: Path) -> int:
    path = run / "episodes.jsonl"
    return path.read_text().count("\n") if path.exists() else 0


def test_two_runs_into_one_folder_the_second_refuses_then_a_run_resumes_after_kill_9(tmp_path):
    out = tmp_path / "R"
    first = cli(*ARGS, out=out)
    try:
        wait_for(lambda: lines(out) >= 3)  # the first holds the lock and is writing
        second = cli(*ARGS, "--resume", out=out)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2, err
        assert f"pid {first.pid} on host" in err and len(err.strip().splitlines()) == 1, err
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    done_before = lines(out)
    third = cli(*ARGS, "--resume", out=out)
    stdout, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    episodes = list(RunDir(out).episodes())
    ids = [e.spec.id for e in episodes]
    assert len(ids) == len(set(ids)), "an episode was written twice"
    assert "already done" in stdout and len(ids) >= done_before
    finished = " ".join(stdout.split())
    ran = int(finished.split(" episodes run, ")[0].split()[-1])
    skipped = int(finished.split(" episodes run, ")[1].split()[0])
    assert skipped >= done_before - 1 and ran + skipped == len(ids)  # a torn last line may be rerun, nothing twice


def test_the_lock_is_reentrant_in_one_process_and_exclusive_across_processes(tmp_path):
    run = RunDir(tmp_path / "R")
    with run.lock(), run.lock():  # a study that writes preferences, then episodes
        probe = subprocess.run([sys.executable, "-c", (
            "import sys; from prefgym.runner import RunDir\n"
            "try:\n  RunDir(sys.argv[1]).lock().__enter__()\n"
            "except Exception as e:\n  print(type(e).__name__, e)\n"), str(run.path)], capture_output=True, text=True)
        assert probe.stdout.startswith("RunDirError") and f"pid {os.getpid()}" in probe.stdout, probe
    with run.lock():  # released by the outer block
        pass
