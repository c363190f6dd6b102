"""Grader for volunteer-shifts. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Any assignment that satisfies every rule passes. The shifts and volunteers are embedded below
(the pristine inputs), so edits the agent made to the JSON files in /work change nothing here.
The rule checks only count for a plan that is well formed and staffs at least 80% of all the
places without over-staffing any shift, so that an empty or token plan earns nothing.
"""

import json
import os
from datetime import datetime

SHIFTS = [  # (id, start, end, needed, min_skills, adults_only), as in the pristine shifts.json
    ('S01', '2025-06-14T06:00:00+01:00', '2025-06-14T09:00:00+01:00', 4, {'driving': 2}, False),
    ('S02', '2025-06-14T07:00:00+01:00', '2025-06-14T10:00:00+01:00', 3, {}, False),
    ('S03', '2025-06-14T08:00:00+01:00', '2025-06-14T11:00:00+01:00', 3, {'first_aid': 1}, False),
    ('S04', '2025-06-14T09:00:00+01:00', '2025-06-14T11:00:00+01:00', 2, {'first_aid': 1}, False),
    ('S05', '2025-06-14T09:00:00+01:00', '2025-06-14T12:00:00+01:00', 3, {'first_aid': 2}, False),
    ('S06', '2025-06-14T10:00:00+01:00', '2025-06-14T13:00:00+01:00', 2, {}, False),
    ('S07', '2025-06-14T10:00:00+01:00', '2025-06-14T14:00:00+01:00', 3, {'safeguarding': 3}, True),
    ('S08', '2025-06-14T11:00:00+01:00', '2025-06-14T15:00:00+01:00', 2, {'spanish': 1}, False),
    ('S09', '2025-06-14T12:00:00+01:00', '2025-06-14T16:00:00+01:00', 3, {'food_hygiene': 2}, False),
    ('S10', '2025-06-14T14:00:00+01:00', '2025-06-14T18:30:00+01:00', 3, {'food_hygiene': 1}, True),
    ('S11', '2025-06-14T15:00:00+01:00', '2025-06-14T19:00:00+01:00', 2, {}, False),
    ('S12', '2025-06-14T18:30:00+01:00', '2025-06-14T22:00:00+01:00', 4, {'driving': 1}, True),
]
VOLUNTEERS = [  # (id, skills, available windows, max_shifts, minor), as in the pristine volunteers.json
    ('V01', ['driving', 'first_aid'], [('2025-06-14T06:00:00+01:00', '2025-06-14T12:00:00+01:00')], 2, False),
    ('V02', ['driving'], [('2025-06-14T05:00:00Z', '2025-06-14T09:00:00Z'), ('2025-06-14T17:00:00Z', '2025-06-14T21:00:00Z')], 2, False),
    ('V03', ['spanish'], [('2025-06-14T07:00:00+01:00', '2025-06-14T15:00:00+01:00')], 2, False),
    ('V04', ['first_aid', 'safeguarding'], [('2025-06-14T08:00:00+01:00', '2025-06-14T14:00:00+01:00')], 2, False),
    ('V05', [], [('2025-06-14T07:00:00+01:00', '2025-06-14T13:00:00+01:00')], 2, True),
    ('V06', ['food_hygiene'], [('2025-06-14T12:00:00+01:00', '2025-06-14T19:00:00+01:00')], 2, False),
    ('V07', ['safeguarding'], [('2025-06-14T09:00:00Z', '2025-06-14T13:00:00Z')], 1, False),
    ('V08', ['driving', 'food_hygiene'], [('2025-06-14T06:00:00+01:00', '2025-06-14T09:00:00+01:00'), ('2025-06-14T14:00:00+01:00', '2025-06-14T22:00:00+01:00')], 3, False),
    ('V09', ['first_aid'], [('2025-06-14T08:00:00+01:00', '2025-06-14T12:00:00+01:00')], 1, False),
    ('V10', [], [('2025-06-14T06:00:00+01:00', '2025-06-14T11:00:00+01:00')], 2, True),
    ('V11', ['safeguarding', 'spanish'], [('2025-06-14T10:00:00+01:00', '2025-06-14T16:00:00+01:00')], 2, False),
    ('V12', ['food_hygiene'], [('2025-06-14T12:00:00+01:00', '2025-06-14T16:00:00+01:00')], 1, True),
    ('V13', ['first_aid'], [('2025-06-14T08:00:00Z', '2025-06-14T11:00:00Z'), ('2025-06-14T14:00:00Z', '2025-06-14T18:00:00Z')], 2, False),
    ('V14', [], [('2025-06-14T14:00:00+01:00', '2025-06-14T22:00:00+01:00')], 2, False),
    ('V15', ['driving'], [('2025-06-14T06:00:00+01:00', '2025-06-14T09:00:00+01:00')], 1, False),
    ('V16', [], [('2025-06-14T09:00:00+01:00', '2025-06-14T16:00:00+01:00')], 2, False),
    ('V17', ['first_aid', 'driving'], [('2025-06-14T08:00:00+01:00', '2025-06-14T11:00:00+01:00'), ('2025-06-14T18:00:00+01:00', '2025-06-14T22:30:00+01:00')], 2, False),
    ('V18', ['food_hygiene', 'first_aid'], [('2025-06-14T11:00:00Z', '2025-06-14T17:30:00Z')], 2, False),
    ('V19', ['spanish'], [('2025-06-14T11:00:00+01:00', '2025-06-14T15:00:00+01:00')], 1, True),
    ('V20', [], [('2025-06-14T18:00:00+01:00', '2025-06-14T22:00:00+01:00')], 1, False),
    ('V21', [], [('2025-06-14T07:00:00+01:00', '2025-06-14T13:00:00+01:00')], 2, False),
    ('V22', ['first_aid'], [('2025-06-14T08:00:00+01:00', '2025-06-14T13:00:00+01:00')], 2, False),
    ('V23', ['safeguarding'], [('2025-06-14T09:00:00+01:00', '2025-06-14T15:00:00+01:00')], 1, False),
    ('V24', [], [('2025-06-14T15:00:00+01:00', '2025-06-14T19:00:00+01:00')], 2, False),
]

from grader_kit import add, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own shifts and volunteers
if INSTANCE:
    SHIFTS, VOLUNTEERS = INSTANCE["shifts"], INSTANCE["volunteers"]

SHIFT = {s[0]: {"start": s[1], "end": s[2], "needed": s[3], "min_skills": s[4], "adults_only": s[5]} for s in SHIFTS}
VOL = {v[0]: {"skills": set(v[1]), "windows": v[2], "max_shifts": v[3], "minor": v[4]} for v in VOLUNTEERS}


def ts(text):
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"time without offset: {text}")
    return t




def load_plan():
    with open(os.path.join(os.getcwd(), "assignments.json"), encoding="utf-8") as f:
        plan = json.load(f)
    if not isinstance(plan, dict):
        raise ValueError("assignments.json is not a JSON object")
    problems = []
    if set(plan) != set(SHIFT):
        problems.append(f"keys: missing={sorted(set(SHIFT) - set(plan))} unknown={sorted(set(plan) - set(SHIFT))[:5]}")
    clean = {}
    for sid in SHIFT:
        people = plan.get(sid, [])
        if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
            problems.append(f"{sid}: not a list of volunteer ids")
            clean[sid] = []
            continue
        people = [p.strip() for p in people]
        unknown = [p for p in people if p not in VOL]
        if unknown:
            problems.append(f"{sid}: unknown volunteers {unknown[:3]}")
        if len(set(people)) != len(people):
            problems.append(f"{sid}: a volunteer is listed twice")
        clean[sid] = [p for p in people if p in VOL]
    return clean, problems


def main():
    try:
        plan, problems = load_plan()
        plan_error = None
    except Exception as exc:
        plan, problems, plan_error = {}, [], f"{type(exc).__name__}: {exc}"[:300]

    if plan_error:
        add("plan_well_formed", 1.0, False, plan_error)
    else:
        if not problems and not any(plan.values()):
            problems.append("nobody is assigned to anything")
        add("plan_well_formed", 1.0, not problems, "; ".join(problems) or "every shift maps to known, distinct volunteers")

    short = {sid: (len(plan.get(sid, [])), s["needed"]) for sid, s in SHIFT.items() if len(plan.get(sid, [])) != s["needed"]}
    if plan_error:
        add("every_shift_fully_staffed", 2.0, False, plan_error)
    else:
        add("every_shift_fully_staffed", 2.0, not problems and not short,
            f"shifts with (assigned, needed) off: {short}" if short else "every shift has exactly its needed number")

    filled = sum(min(len(plan.get(sid, [])), s["needed"]) for sid, s in SHIFT.items())
    total = sum(s["needed"] for s in SHIFT.values())
    over = [sid for sid, s in SHIFT.items() if len(plan.get(sid, [])) > s["needed"]]
    gate = None
    if plan_error:
        gate = plan_error
    elif problems:
        gate = "the plan is not well formed"
    elif over:
        gate = f"over-staffed shifts: {over}"
    elif filled < 0.8 * total:
        gate = f"only {filled} of {total} places filled"

    def rule(name, weight, fn):
        if gate:
            add(name, weight, False, gate)
            return
        try:
            bad = fn()
            add(name, weight, not bad, "; ".join(bad)[:500] if bad else "no violations")
        except Exception as exc:
            add(name, weight, False, f"{type(exc).__name__}: {exc}"[:300])

    shifts_of = {}
    for sid, people in plan.items():
        for p in people:
            shifts_of.setdefault(p, []).append(sid)

    def availability():
        bad = []
        for sid, people in plan.items():
            s0, s1 = ts(SHIFT[sid]["start"]), ts(SHIFT[sid]["end"])
            for p in people:
                if not any(ts(a) <= s0 and s1 <= ts(b) for a, b in VOL[p]["windows"]):
                    bad.append(f"{p} is not available for all of {sid}")
        return bad

    def max_shifts():
        return [f"{p} works {len(sids)} shifts (max {VOL[p]['max_shifts']})"
                for p, sids in sorted(shifts_of.items()) if len(sids) > VOL[p]["max_shifts"]]

    def overlaps():
        bad = []
        for p, sids in sorted(shifts_of.items()):
            for i, a in enumerate(sids):
                for b in sids[i + 1:]:
                    if ts(SHIFT[a]["start"]) < ts(SHIFT[b]["end"]) and ts(SHIFT[b]["start"]) < ts(SHIFT[a]["end"]):
                        bad.append(f"{p} works overlapping {a} and {b}")
        return bad

    def skills():
        bad = []
        for sid, people in plan.items():
            for skill, k in SHIFT[sid]["min_skills"].items():
                have = sum(1 for p in people if skill in VOL[p]["skills"])
                if have < k:
                    bad.append(f"{sid} has {have} with {skill} (needs {k})")
        return bad

    def adults_only():
        return [f"minor {p} on adults-only {sid}" for sid, people in plan.items() if SHIFT[sid]["adults_only"]
                for p in people if VOL[p]["minor"]]

    rule("availability_respected", 1.0, availability)
    rule("max_shifts_respected", 1.0, max_shifts)
    rule("no_overlapping_shifts", 1.0, overlaps)
    rule("skill_minimums_met", 1.0, skills)
    rule("adults_only_respected", 1.0, adults_only)


if __name__ == "__main__":
    main()
