"""How fast ``prefgym view`` opens a large run: indexing, the episode list, a filtered and sorted
list, and one episode page, against a 2 s budget for the list page.

A synthetic run directory of N episodes (default 20,000) is written from one realistic record of a
tool-using episode (system and user messages, three tool calls with their outputs, a grade, model
calls; a few KB), varied in id, suite, task, entity, reward and termination. The server is started
in this process on a free port and timed over plain HTTP, as a browser would ask.

    .venv/bin/python benchmarks/viewer.py [--n 20000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from prefgym.viewer import serve

BUDGET_S = 2.0
ENTITIES = ["oxfam", "kiva", "give-directly", "against-malaria-foundation", "evidence-action", "malaria-consortium",
            "helen-keller-intl", "new-incentives", "care-international", "heifer-international", "partners-in-health",
            "doctors-without-borders"]
SUITES = {"agentic": ["donor-sql", "donor-dedup", "fix-receipts", "grant-report"], "boolq": [f"boolq-{i:03d}" for i in range(40)],
          "refusal": ["refusal-torn"], "donation_advice": ["advice-torn"]}
REASONS = ["agent_submitted"] * 17 + ["max_turns", "user_ended", "infra_error"]


def template() -> dict:
    """One agentic episode as prefgym writes it."""
    command = ("cat > query.sql <<'SQL'\nSELECT d.name, d.region, printf('%.2f', SUM(g.amount_cents) / 100.0)\n"
               "FROM gifts g JOIN donors d ON d.id = g.donor_id\nWHERE g.gift_date >= '2025-01-01'\n"
               "GROUP BY d.id ORDER BY 3 DESC, d.name LIMIT 5;\nSQL\nsqlite3 -header -csv donors.db < query.sql")
    out = "name,region,total_usd\n" + "".join(f"\"Donor {i}\",North,{6000 - i * 250}.50\n" for i in range(12))
    msgs = [{"role": "system", "content": "You are a capable assistant working in a Linux sandbox. Your working "
             "directory is /work. Use the tools to do the work, then call submit."},
            {"role": "user", "content": "I'm helping {entity} prepare thank-you letters for our biggest supporters. " * 4}]
    executions = []
    for i, (tool, args) in enumerate([("bash", {"command": "ls -la /work && cat /work/schema.md"}),
                                      ("bash", {"command": command}), ("submit", {"answer": "done"})]):
        msgs.append({"role": "assistant", "content": "Let me look." if i == 0 else None, "tool_calls": [
            {"id": f"call_{i}", "type": "function", "function": {"name": tool, "arguments": json.dumps(args)}}],
            "tool_call_id": None, "name": None})
        msgs.append({"role": "tool", "content": "submitted" if tool == "submit" else f"exit code: 0\n{out}",
                     "tool_calls": None, "tool_call_id": f"call_{i}", "name": tool})
        executions.append({"tool_call_id": f"call_{i}", "tool": tool, "arguments": args, "error": None,
                           "result": None if tool == "submit" else {"exit_code": 0, "stdout": out, "stderr": "",
                                                                    "timed_out": False, "truncated": False, "duration_s": 0.08},
                           "duration_s": 0.1})
    checks = [{"name": f"check_{i}", "passed": i % 3 != 0, "weight": 1.0, "detail": f"rows={list(range(8))}"} for i in range(6)]
    return {"schema_version": 1, "id": "", "spec": {}, "reward": 0.0, "termination": {"reason": "", "detail": ""},
            "turns": 3, "messages": msgs, "executions": executions, "grade": {"score": 0.0, "checks": checks, "error": None},
            "measurements": {"answer": "done"},
            "calls": [{"key": "ab" * 32, "model": "synthetic/planted", "sample": 1000, "cost_usd": None, "latency_s": 0.04,
                       "usage": {"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340}, "attempts": 1,
                       "source": "provider", "role": "agent"}] * 3,
            "timings": {"started_at": 1.8e9, "ended_at": 1.8e9 + 4, "duration_s": 4.0, "reset_s": 2.7, "grade_s": 0.9}}


def write_run(root: Path, n: int) -> int:
    rng = random.Random(0)
    base = template()
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps({"config": {"name": "viewer-bench", "models": ["synthetic/planted"]}}))
    with open(root / "episodes.jsonl", "w") as f:
        for i in range(n):
            suite = rng.choice(list(SUITES))
            entity = rng.choice(ENTITIES)
            ep = dict(base, id=f"{i:016x}", reward=rng.choice([0.0, 0.25, 0.5, 1.0, 1.0]),
                      spec={"suite": suite, "task": rng.choice(SUITES[suite]), "entity": entity, "entity_b": None,
                            "condition": "default", "agent": "synthetic/planted", "seed": i % 5, "user": "scripted",
                            "judge": None},
                      termination={"reason": rng.choice(REASONS), "detail": ""})
            f.write(json.dumps(ep, ensure_ascii=False) + "\n")
    return os.path.getsize(root / "episodes.jsonl")


def fetch(base: str, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection(base.split("//", 1)[1], timeout=60)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return time.perf_counter() - started, resp.status, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "run"
        started = time.perf_counter()
        size = write_run(root, args.n)
        print(f"wrote {args.n} episodes, {size / 1e6:.1f} MB ({size / args.n / 1e3:.1f} KB each) "
              f"in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        server = serve(root, "127.0.0.1", 0)
        index_s = time.perf_counter() - started
        threading.Thread(target=server.serve_forever, daemon=True).start()
        assert len(server.index) == args.n, len(server.index)
        try:
            cases = [("list page, first response", "/episodes"),
                     ("filtered + sorted list", "/episodes?suite=agentic&entity=oxfam&reward_min=0.5&sort=reward&desc=1&page=2"),
                     ("sorted by task, last page", "/episodes?sort=task&page=400"),
                     ("episode page", f"/episode/{args.n // 2:016x}"),
                     ("run page", "/")]
            print(f"\n{'':32} {'first s':>8} {'median s':>9}  {'status':>6} {'KB':>6}")
            print(f"{'index (startup)':32} {index_s:8.3f}")
            results = {}
            for name, path in cases:
                first, status, nbytes = fetch(server.url, path)
                again = statistics.median(fetch(server.url, path)[0] for _ in range(5))
                results[name] = first
                print(f"{name:32} {first:8.3f} {again:9.3f}  {status:6d} {nbytes / 1e3:6.1f}")
            first = results["list page, first response"]
            print(f"\nlist page: {first:.3f} s of a {BUDGET_S:.0f} s budget (ratio {first / BUDGET_S:.3f}); "
                  f"cold start (index + list page): {index_s + first:.3f} s (ratio {(index_s + first) / BUDGET_S:.3f})")
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
