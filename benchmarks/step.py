"""One gym step's own cost against the physical limit: docker-py's ``exec_run`` on the same container.

In one episode of a benchmark task (bash and submit, no grader, a high turn limit), every step is a
bash tool call of ``echo hi``. Side by side, interleaved so that machine noise hits all of them:

  exec_run        docker-py ``container.exec_run(["bash", "-c", "echo hi"], user="1000")``: the limit
  sandbox.exec    ``DockerSandbox.exec("echo hi")`` awaited on prefgym's loop (the channel and driver)
  run_sync(exec)  the same through ``prefgym.aio.run_sync`` (a thread hop, as the sync gym API pays)
  unwrapped.step  ``env.unwrapped.step(action)``: the episode core (validation, the tool call, records)
  env.step        ``env.step(action)`` through gymnasium's wrappers, as a user gets it

"step 1" is steps 1–10 of each episode, "step 100" steps 96–105 (the cost must not grow with the
history). Prints medians and p90s in milliseconds, the ratio env.step / exec_run at both points, and
where the step's time goes beyond the sandbox exec.

    .venv/bin/python benchmarks/step.py [--episodes 8] [--steps 110]
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


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def row(name: str, samples: list[float]) -> float:
    med, p90 = stats(samples)
    print(f"{name:34} {med * 1e3:9.3f} {p90 * 1e3:9.3f} {len(samples):7d}")
    return med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--episodes", type=int, default=8)
    ap.add_argument("--steps", type=int, default=110)
    args = ap.parse_args()
    early, late = range(1, 11), range(96, 106)
    times: dict[str, dict[str, list[float]]] = {k: {"early": [], "late": []} for k in
                                                 ("env.step", "unwrapped.step", "run_sync(exec)", "sandbox.exec")}
    exec_run: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bench-echo").mkdir()
        (Path(tmp) / "bench-echo" / "task.yaml").write_text(TASK)
        env = gym.make("prefgym/Agentic-v0", task="bench-echo", tasks_dir=tmp, run_id="bench-step")
        try:
            for _ in range(args.episodes):
                env.reset(seed=0)
                core = env.unwrapped.core
                container = engine.client().containers.get(core.sandbox.container_id)
                for step in range(1, args.steps + 1):
                    when = "early" if step in early else "late" if step in late else None
                    t0 = time.perf_counter()
                    if when is None or step % 2:
                        obs, *_ = env.step(ACTION)
                        key = "env.step"
                    else:
                        obs, *_ = env.unwrapped.step(ACTION)
                        key = "unwrapped.step"
                    spent = time.perf_counter() - t0
                    assert obs["messages"][0]["content"] == "exit code: 0\nhi", obs
                    if when is None:
                        continue
                    times[key][when].append(spent)
                    t0 = time.perf_counter()
                    assert run_sync(core.sandbox.exec("echo hi")).stdout == "hi\n"
                    times["run_sync(exec)"][when].append(time.perf_counter() - t0)

                    async def timed_exec() -> float:
                        t = time.perf_counter()
                        assert (await core.sandbox.exec("echo hi")).stdout == "hi\n"
                        return time.perf_counter() - t

                    times["sandbox.exec"][when].append(run_sync(timed_exec()))
                    if step % 5 == 0:
                        t0 = time.perf_counter()
                        _, out = container.exec_run(["bash", "-c", "echo hi"], user="1000")
                        exec_run.append(time.perf_counter() - t0)
                        assert out == b"hi\n"
                history = len(core.messages)
        finally:
            env.close()

    print(f"{'':34} {'median ms':>9} {'p90 ms':>9} {'samples':>7}")
    limit = row("exec_run (docker-py, the limit)", exec_run)
    medians: dict[str, dict[str, float]] = {}
    for when, label in (("early", "step 1"), ("late", "step 100")):
        medians[when] = {k: row(f"{k} at {label}", v[when]) for k, v in times.items()}
    print()
    for when, label in (("early", "step 1"), ("late", "step 100")):
        m = medians[when]
        print(f"env.step / exec_run at {label:8}: {m['env.step'] / limit:.3f}   (goal ≤ 0.05; "
              f"unwrapped.step {m['unwrapped.step'] / limit:.3f}, sandbox.exec {m['sandbox.exec'] / limit:.3f})")
    for when, label in (("early", "step 1"), ("late", "step 100")):
        m = medians[when]
        print(f"where a step goes at {label:8}: sandbox exec {m['sandbox.exec'] * 1e3:.2f} ms, thread hop "
              f"{(m['run_sync(exec)'] - m['sandbox.exec']) * 1e3:.2f} ms, core "
              f"{(m['unwrapped.step'] - m['run_sync(exec)']) * 1e3:.2f} ms, wrappers "
              f"{(m['env.step'] - m['unwrapped.step']) * 1e3:.2f} ms")
    print(json.dumps({"messages_at_end": history, "episodes": args.episodes, "steps": args.steps}))


if __name__ == "__main__":
    main()
