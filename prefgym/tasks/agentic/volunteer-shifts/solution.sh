#!/usr/bin/env bash
# Reference solution for volunteer-shifts: a small backtracking search over the hard constraints.
set -euo pipefail
python3 - <<'PY'
import json
from datetime import datetime
from itertools import combinations


def ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


with open("shifts.json", encoding="utf-8") as f:
    shifts = json.load(f)["shifts"]
with open("volunteers.json", encoding="utf-8") as f:
    volunteers = json.load(f)["volunteers"]
for s in shifts:
    s["t0"], s["t1"] = ts(s["start"]), ts(s["end"])
for v in volunteers:
    v["wins"] = [(ts(a), ts(b)) for a, b in v["available"]]


def can_work(v, s, taken):
    if s["adults_only"] and v["minor"]:
        return False
    if not any(a <= s["t0"] and s["t1"] <= b for a, b in v["wins"]):
        return False
    if len(taken) >= v["max_shifts"]:
        return False
    return all(not (s["t0"] < o["t1"] and o["t0"] < s["t1"]) for o in taken)


# most constrained shifts first: fewest eligible volunteers relative to the places to fill
def eligible(s):
    return [v for v in volunteers if can_work(v, s, [])]


order = sorted(shifts, key=lambda s: (len(eligible(s)) - s["needed"], s["t0"]))
taken = {v["id"]: [] for v in volunteers}
plan = {}


def search(i):
    if i == len(order):
        return True
    s = order[i]
    cands = [v for v in volunteers if can_work(v, s, taken[v["id"]])]
    # people with fewer remaining options first keeps the search short
    cands.sort(key=lambda v: (v["max_shifts"] - len(taken[v["id"]]), v["id"]))
    for combo in combinations(cands, s["needed"]):
        if all(sum(skill in v["skills"] for v in combo) >= k for skill, k in s["min_skills"].items()):
            for v in combo:
                taken[v["id"]].append(s)
            plan[s["id"]] = [v["id"] for v in combo]
            if search(i + 1):
                return True
            for v in combo:
                taken[v["id"]].pop()
            del plan[s["id"]]
    return False


if not search(0):
    raise SystemExit("no valid plan found")
result = {s["id"]: sorted(plan[s["id"]]) for s in shifts}
with open("assignments.json", "w", encoding="utf-8") as f:
    json.dump(result, f, indent=2)
print(json.dumps(result))
PY
