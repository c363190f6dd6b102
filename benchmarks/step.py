"""One gym step's own cost against the physical limit: docker-py's ``exec_run`` on the same container.

In episodes of a benchmark task (bash and submit, no grader, a high turn limit), every step is a
bash tool call of ``echo hi``. Three kinds of episode take turns, so that each number is measured
in the same conditions as the limit it is compared with (a fresh container's first commands run
while the warm pool starts the next container, on 2 cores):

  gym episodes      env.step (through gymnasium's wrappers, as a user gets it) on odd steps and
                    env.unwrapped.step (the episode core alone) on even ones
  sandbox episodes  DockerSandbox.exec("echo hi") awaited on prefgym's loop, and the same through
                    prefgym.aio.run_sync (the thread hop the sync gym API pays), alternating
  limit episodes    docker-py container.exec_run(["bash", "-c", "echo hi"], user="1000"): the limit

"step 1" is steps 1–10 of an episode, "step 100" steps 96–105: the sandbox and limit episodes play
the steps in between through the core, so the history is as long. Prints medians and p90s in
milliseconds, the ratio env.step / exec_run at both points, and where a step's time goes.

    .venv/bin/python benchmarks/step.py [--episodes 12] [--steps 110] [--pool-size 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import gymnasium as gym

import prefgym  # noqa: F401  (registers the env ids)
from prefgym.aio import run_sync
from prefgym.sandbox.docker import engine

TASK = """suite: agentic
title: echo, for the step benchmark
system_prompt: Run commands.
user: {opening: "Please run some commands for {entity_name}."}
tools: [bash, submit]
limits: {max_turns: 100000}
"""
ACTION = {"role": "assistant", "content": None,
          "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "bash", "arguments": '{"command": "echo hi"}'}}]}
EARLY, LATE = range(1, 11), range(96, 106)


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def row(name: str, samples: list[float]) -> float:
    med, p90 = stats(samples)
    print(f"{name:34} {med * 1e3:9.3f} {p90 * 1e3:9.3f} {len(samples):7d}")
    return med


async def _timed_exec(sandbox) -> float:
    t = time.perf_counter()
    assert (await sandbox.exec("echo hi")).stdout == "hi\n"
    return time.perf_counter() - t


def _measure(env, kind: str, steps: int, times: dict[str, dict[str, list[float]]]) -> int:
    env.reset(seed=0)
    core = env.unwrapped.core
    container = engine.client().containers.get(core.sandbox.container_id)
    for step in range(1, steps + 1):
        when = "early" if step in EARLY else "late" if step in LATE else None
        if when is None:
            obs, *_ = env.unwrapped.step(ACTION)
            assert obs["messages"][0]["content"] == "exit code: 0\nhi", obs
            continue
        t0 = time.perf_counter()
        if kind == "gym":
            key = "env.step" if step % 2 else "unwrapped.step"
            obs, *_ = (env.step if step % 2 else env.unwrapped.step)(ACTION)
            spent = time.perf_counter() - t0
            assert obs["messages"][0]["content"] == "exit code: 0\nhi", obs
        elif kind == "sandbox":
            if step % 2:
                key = "run_sync(exec)"
                assert run_sync(core.sandbox.exec("echo hi")).stdout == "hi\n"
                spent = time.perf_counter() - t0
            else:
                key, spent = "sandbox.exec", run_sync(_timed_exec(core.sandbox))
        else:
            key = "exec_run"
            _, out = container.exec_run(["bash", "-c", "echo hi"], user="1000")
            spent = time.perf_counter() - t0
            assert out == b"hi\n"
        times[key][when].append(spent)
    return len(core.messages)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--episodes", type=int, default=12)
    ap.add_argument("--steps", type=int, default=110)
    ap.add_argument("--pool-size", type=int, default=1, help="the env's warm pool (0: a cold start per reset, "
                    "and no container starting in the background during an episode's first steps)")
    args = ap.parse_args()
    keys = ("exec_run", "env.step", "unwrapped.step", "run_sync(exec)", "sandbox.exec")
    times: dict[str, dict[str, list[float]]] = {k: {"early": [], "late": []} for k in keys}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bench-echo").mkdir()
        (Path(tmp) / "bench-echo" / "task.yaml").write_text(TASK)
        env = gym.make("prefgym/Agentic-v0", task="bench-echo", tasks_dir=tmp, run_id="bench-step",
                       pool_size=args.pool_size)
        try:
            for e in range(args.episodes):
                history = _measure(env, ("gym", "sandbox", "limit")[e % 3], args.steps, times)
        finally:
            env.close()

    print(f"{'':34} {'median ms':>9} {'p90 ms':>9} {'samples':>7}")
    medians: dict[str, dict[str, float]] = {"early": {}, "late": {}}
    for when, label in (("early", "step 1"), ("late", "step 100")):
        for k in keys:
            medians[when][k] = row(f"{k} at {label}", times[k][when])
    print()
    for when, label in (("early", "step 1"), ("late", "step 100")):
        m = medians[when]
        print(f"env.step / exec_run at {label:8}: {m['env.step'] / m['exec_run']:.3f}   (goal ≤ 0.05; "
              f"unwrapped.step {m['unwrapped.step'] / m['exec_run']:.3f}, sandbox.exec {m['sandbox.exec'] / m['exec_run']:.3f})")
    for when, label in (("early", "step 1"), ("late", "step 100")):
        m = medians[when]
        print(f"where a step goes at {label:8}: sandbox exec {m['sandbox.exec'] * 1e3:.2f} ms, thread hop "
              f"{(m['run_sync(exec)'] - m['sandbox.exec']) * 1e3:.2f} ms, core "
              f"{(m['unwrapped.step'] - m['run_sync(exec)']) * 1e3:.2f} ms, wrappers "
              f"{(m['env.step'] - m['unwrapped.step']) * 1e3:.2f} ms")
    print(json.dumps({"messages_at_end": history, "episodes": args.episodes, "steps": args.steps,
                      "pool_size": args.pool_size}))


if __name__ == "__main__":
    main()
