"""Instance N of volunteer-shifts: its own shifts and volunteers, built around a planted valid plan.

A plan is drawn first (10 to 13 shifts over the fair day, each with 2 to 4 volunteers, nobody
overlapping or over their maximum), then the inputs are made to fit it: every volunteer is
available around their planted shifts (some in UTC, "Z"; some windows ending exactly when a
shift does), shifts ask for skills their planted crew has, adults-only shifts get no minors;
then distractors: extra volunteers and windows, skills, minors. So a valid plan exists, as the
opening promises, and any valid plan passes: the grader checks the rules, with this instance's
shifts and volunteers as its pristine inputs.
"""

import json
from datetime import datetime, timedelta, timezone

BST = timezone(timedelta(hours=1))
DAY = datetime(2025, 6, 14, tzinfo=BST)
SKILLS = ["driving", "first_aid", "safeguarding", "spanish", "food_hygiene"]
NAMES = ["Course setup", "Registration", "Water station", "First aid post", "Kids zone", "Food stall",
         "Bag drop", "Finish line", "Stewarding", "Clean-up", "Info desk", "Parking", "Stage crew"]
PEOPLE = ["Amara", "Ben", "Carla", "Dev", "Esme", "Femi", "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lara", "Milo",
          "Nia", "Otto", "Pia", "Raj", "Sian", "Theo", "Uma", "Vik", "Wren", "Xan", "Yas", "Zed", "Ada", "Bo", "Cy"]


def _iso(t, utc):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if utc else t.isoformat()


def generate(rng):
    shifts = []
    for i in range(rng.randint(10, 13)):
        start = DAY + timedelta(hours=rng.randint(6, 18), minutes=rng.choice([0, 0, 30]))
        end = start + timedelta(hours=rng.choice([2, 3, 3, 4]))
        shifts.append({"id": f"S{i + 1:02d}", "name": NAMES[i % len(NAMES)], "t0": start, "t1": end,
                       "needed": rng.randint(2, 4), "adults_only": rng.random() < 0.25})
    people = [{"id": f"V{i + 1:02d}", "name": f"{PEOPLE[i % len(PEOPLE)]} {chr(65 + i % 26)}.", "max": rng.randint(1, 3),
               "minor": rng.random() < 0.2, "shifts": []} for i in range(rng.randint(24, 28))]
    for s in sorted(shifts, key=lambda s: s["t0"]):
        free = [p for p in people if len(p["shifts"]) < p["max"] and not (s["adults_only"] and p["minor"])
                and all(not (s["t0"] < o["t1"] and o["t0"] < s["t1"]) for o in p["shifts"])]
        while len(free) < s["needed"]:  # a new volunteer for this shift
            p = {"id": f"V{len(people) + 1:02d}", "name": f"Extra {len(people) + 1}", "max": 1, "minor": False, "shifts": []}
            people.append(p)
            free.append(p)
        crew = rng.sample(free, s["needed"])
        for p in crew:
            p["shifts"].append(s)
        s["crew"] = crew
    skills = {p["id"]: set(rng.sample(SKILLS, rng.choice([0, 0, 1, 1, 2]))) for p in people}
    for s in shifts:  # ask only for what the planted crew can give
        s["min_skills"] = {}
        for skill in rng.sample(SKILLS, rng.choice([0, 1, 1, 2])):
            k = rng.randint(1, min(2, s["needed"]))
            for p in s["crew"][:k]:
                skills[p["id"]].add(skill)
            s["min_skills"][skill] = k
    volunteers = []
    for p in people:
        windows = []
        for s in sorted(p["shifts"], key=lambda s: s["t0"]):
            before = timedelta(minutes=rng.choice([0, 0, 30, 60]))
            after = timedelta(minutes=rng.choice([0, 30, 60]))
            windows.append((s["t0"] - before, s["t1"] + after))
        if not windows or rng.random() < 0.4:  # somewhere they could help but need not
            start = DAY + timedelta(hours=rng.randint(6, 19))
            windows.append((start, start + timedelta(hours=rng.randint(2, 4))))
        merged = []
        for a, b in sorted(windows):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        utc = rng.random() < 0.3
        volunteers.append({"id": p["id"], "name": p["name"], "skills": sorted(skills[p["id"]]),
                           "available": [[_iso(a, utc), _iso(b, utc)] for a, b in merged],
                           "max_shifts": p["max"], "minor": p["minor"]})
    shift_rows = [{"id": s["id"], "name": s["name"], "start": s["t0"].isoformat(), "end": s["t1"].isoformat(),
                   "needed": s["needed"], "min_skills": s["min_skills"], "adults_only": s["adults_only"]} for s in shifts]
    files = {"shifts.json": json.dumps({"event": "Riverside 10K & Summer Fair", "shifts": shift_rows}, indent=2),
             "volunteers.json": json.dumps({"volunteers": volunteers}, indent=2)}
    params = {"shifts": [[s["id"], s["start"], s["end"], s["needed"], s["min_skills"], s["adults_only"]] for s in shift_rows],
              "volunteers": [[v["id"], v["skills"], [tuple(w) for w in v["available"]], v["max_shifts"], v["minor"]]
                             for v in volunteers]}
    return files, params
