"""Instance N of donor-sql: its own donors and gifts, with the traps of the shipped one.

Each instance has 12 to 16 donors and about three gifts each, dated from mid-2024 to early 2026:
gifts on 31 December with a time of day (they count for that year), on 1 January 2026 (they do
not), zero-amount gifts, and two donors whose 2025 totals tie inside the top five (broken by name).
The expected top five is the reference query run on the instance's own database, so grader and
oracle agree by construction; the agent sees only the database.
"""

import os
import sqlite3
import tempfile

FIRST = ["Ada", "Bruno", "Celia", "Dev", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemi", "Luca",
         "Maya", "Niko", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Yara"]
LAST = ["Abbott", "Brandt", "Castro", "Dube", "Eriksen", "Fischer", "Gomez", "Haddad", "Ivanova", "Jensen",
        "Kowalski", "Lind", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Sato", "Tanaka"]
REGIONS = ["North", "South", "East", "West"]
CAMPAIGNS = ["Spring Gala", "Summer Run", "Autumn Drive", "Winter Appeal", "New Year Pledge"]
REFERENCE = """SELECT d.name, d.region, printf('%.2f', SUM(g.amount_cents) / 100.0)
FROM gifts AS g JOIN donors AS d ON d.id = g.donor_id
WHERE g.gift_date >= '2025-01-01' AND g.gift_date < '2026-01-01'
GROUP BY d.id, d.name, d.region ORDER BY SUM(g.amount_cents) DESC, d.name ASC LIMIT 5"""


def _date(rng, year):
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(rng):
    names = rng.sample([f"{f} {last}" for f in FIRST for last in LAST], rng.randint(12, 16))
    donors = [(i + 1, name, rng.choice(REGIONS)) for i, name in enumerate(names)]
    gifts = []

    def gift(donor, cents, date):
        gifts.append((len(gifts) + 1, donor, cents, date, rng.choice(CAMPAIGNS)))

    for donor, _name, _region in donors:
        for _ in range(rng.randint(1, 4)):
            gift(donor, rng.randint(20, 3000) * 100 + rng.choice([0, 0, 25, 50, 40, 99]), _date(rng, 2025))
    traps = rng.sample([d[0] for d in donors], 6)
    gift(traps[0], rng.randint(1000, 4000) * 100, "2025-12-31 18:30:00")  # counts for 2025
    gift(traps[1], rng.randint(2000, 9000) * 100, "2026-01-01 00:05:00")  # does not
    gift(traps[2], rng.randint(2000, 9000) * 100, "2024-12-31 23:15:00")  # does not
    gift(traps[3], 0, _date(rng, 2025))
    gift(traps[4], rng.randint(500, 3000) * 100, _date(rng, 2024))
    gift(traps[5], rng.randint(500, 3000) * 100, "2025-01-01")
    build = _build_sql(donors, gifts)
    top = _query(build)
    tie_a, tie_b = top[1][0], top[2][0]  # make the second and third tie, so the name decides
    total_a = sum(c for _i, d, c, day, _c in gifts if _name_of(donors, d) == tie_a and day[:4] == "2025")
    total_b = sum(c for _i, d, c, day, _c in gifts if _name_of(donors, d) == tie_b and day[:4] == "2025")
    low = tie_a if total_a < total_b else tie_b
    gift(next(d for d, n, _r in donors if n == low), abs(total_a - total_b), _date(rng, 2025))
    build = _build_sql(donors, gifts)
    expected = [list(r) for r in _query(build)]
    return {"donors.db": _database(build)}, {"build_sql": build, "expected": expected}


def _name_of(donors, donor_id):
    return next(n for d, n, _r in donors if d == donor_id)


def _build_sql(donors, gifts):
    def q(text):
        return "'" + text.replace("'", "''") + "'"

    lines = ["CREATE TABLE donors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);",
             "CREATE TABLE gifts (id INTEGER PRIMARY KEY, donor_id INTEGER NOT NULL REFERENCES donors(id), "
             "amount_cents INTEGER NOT NULL, gift_date TEXT NOT NULL, campaign TEXT);"]
    lines += [f"INSERT INTO donors (id, name, region) VALUES ({i}, {q(n)}, {q(r)});" for i, n, r in donors]
    lines += [f"INSERT INTO gifts (id, donor_id, amount_cents, gift_date, campaign) VALUES ({i}, {d}, {c}, {q(day)}, {q(cp)});"
              for i, d, c, day, cp in gifts]
    return "\n".join(lines) + "\n"


def _query(build):
    conn = sqlite3.connect(":memory:")
    conn.executescript(build)
    return conn.execute(REFERENCE).fetchall()


def _database(build):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "donors.db")
        conn = sqlite3.connect(path)
        conn.executescript(build)
        conn.commit()
        conn.close()
        with open(path, "rb") as f:
            return f.read()
