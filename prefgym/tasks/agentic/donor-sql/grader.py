"""Grader for donor-sql. Runs in /work after the episode; its checks are reported by prefgym's launcher.

The pristine database is rebuilt from BUILD_SQL below (the same script that made files/donors.db),
so nothing the agent did to /work/donors.db affects the checks of query.sql. An instance of the
family (generate.py) brings its own BUILD_SQL and EXPECTED through grader_kit.params().
"""

import csv
import os
import shutil
import sqlite3
import tempfile
import time

BUILD_SQL = r"""
CREATE TABLE donors (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    region TEXT NOT NULL
);
CREATE TABLE gifts (
    id           INTEGER PRIMARY KEY,
    donor_id     INTEGER NOT NULL REFERENCES donors(id),
    amount_cents INTEGER NOT NULL,
    gift_date    TEXT NOT NULL,
    campaign     TEXT
);
INSERT INTO donors (id, name, region) VALUES
    (1, 'Harriet Cole', 'North'),
    (2, 'Aaron Blake', 'South'),
    (3, 'Diana Reyes', 'East'),
    (4, 'Marcus Webb', 'West'),
    (5, 'Nora Quinn', 'North'),
    (6, 'Samuel Ortiz', 'South'),
    (7, 'Victor Hale', 'East'),
    (8, 'Bella Ford', 'West'),
    (9, 'Yusuf Kaya', 'North'),
    (10, 'Chloe Park', 'South'),
    (11, 'Ethan Moore', 'East'),
    (12, 'Lina Haddad', 'West'),
    (13, 'Omar Said', 'North'),
    (14, 'Grace Liu', 'East');
INSERT INTO gifts (id, donor_id, amount_cents, gift_date, campaign) VALUES
    (1, 1, 300000, '2024-12-31', 'Winter Appeal 2024'),
    (2, 1, 420000, '2025-02-14', 'Spring Gala'),
    (3, 1, 180050, '2025-09-30', 'Autumn Drive'),
    (4, 2, 80000, '2025-05-01', 'Spring Gala'),
    (5, 2, 240000, '2025-12-31 18:30:00', 'Winter Appeal 2025'),
    (6, 3, 250000, '2025-03-03', 'Spring Gala'),
    (7, 3, 125025, '2025-06-18', 'Summer Run'),
    (8, 3, 100000, '2025-11-11', 'Autumn Drive'),
    (9, 4, 300000, '2025-01-20', 'New Year Pledge'),
    (10, 4, 175025, '2025-10-05', 'Autumn Drive'),
    (11, 5, 87540, '2025-04-12', 'Spring Gala'),
    (12, 5, 100000, '2025-08-08', 'Summer Run'),
    (13, 6, 50000, '2025-02-02', 'Spring Gala'),
    (14, 6, 137540, '2025-07-07', 'Summer Run'),
    (15, 6, 99999, '2024-11-30', 'Winter Appeal 2024'),
    (16, 7, 1500000, '2024-06-01', 'Capital Campaign'),
    (17, 7, 500000, '2024-12-31 23:15:00', 'Winter Appeal 2024'),
    (18, 7, 10000, '2025-03-15', 'Spring Gala'),
    (19, 8, 150000, '2025-01-01', 'New Year Pledge'),
    (20, 8, 80000, '2026-01-01', 'New Year Pledge 2026'),
    (21, 9, 87539, '2025-05-20', 'Spring Gala'),
    (22, 9, 100000, '2025-12-01', 'Winter Appeal 2025'),
    (23, 10, 45000, '2025-03-30', 'Spring Gala'),
    (24, 10, 50000, '2025-10-10', 'Autumn Drive'),
    (25, 12, 90000, '2024-12-31', 'Winter Appeal 2024'),
    (26, 12, 120000, '2025-06-30', 'Summer Run'),
    (27, 13, 30000, '2025-07-19', 'Summer Run'),
    (28, 14, 62500, '2025-01-15', 'New Year Pledge'),
    (29, 14, 62500, '2025-04-15', 'Spring Gala'),
    (30, 14, 62500, '2025-12-15', 'Winter Appeal 2025'),
    (31, 1, 0, '2025-11-20', 'Autumn Drive'),
    (32, 13, 15000, '2026-01-02 09:00:00', 'New Year Pledge 2026'),
    (33, 9, 25000, '2024-12-31 12:00:00', 'Winter Appeal 2024'),
    (34, 10, 20000, '2024-12-30', 'Winter Appeal 2024'),
    (35, 4, 50000, '2024-12-31 17:45:00', 'Winter Appeal 2024'),
    (36, 2, 30000, '2024-12-31', 'Winter Appeal 2024');
"""

HEADER = ["name", "region", "total_usd"]
EXPECTED = [
    ("Harriet Cole", "North", "6000.50"),
    ("Diana Reyes", "East", "4750.25"),
    ("Marcus Webb", "West", "4750.25"),
    ("Aaron Blake", "South", "3200.00"),
    ("Nora Quinn", "North", "1875.40"),
]

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own database and top five
if INSTANCE:
    BUILD_SQL, EXPECTED = INSTANCE["build_sql"], [tuple(row) for row in INSTANCE["expected"]]


def read_csv():
    with open(os.path.join(os.getcwd(), "top_donors.csv"), newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    if not rows:
        raise ValueError("top_donors.csv is empty")
    return rows[0], rows[1:]


def body_rows():
    header, body = read_csv()
    if [h.strip().lower() for h in header] != HEADER:
        raise ValueError(f"unexpected header {header}")
    return [[c.strip() for c in r] for r in body]


_query_cache = {}


def run_query():
    """Run query.sql against a fresh copy of the pristine database; return the last result set."""
    if "error" in _query_cache:
        raise _query_cache["error"]
    if "rows" in _query_cache:
        return _query_cache["rows"]
    try:
        _query_cache["rows"] = _run_query()
    except Exception as exc:
        _query_cache["error"] = exc
        raise
    return _query_cache["rows"]


def _run_query():
    with open(os.path.join(os.getcwd(), "query.sql"), encoding="utf-8-sig") as f:
        text = f.read()
    # sqlite3 CLI dot-commands (.mode csv, .headers on, .output ...) are not SQL: drop them.
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(".")]
    tmp = tempfile.mkdtemp(prefix="prefgym-donor-sql-")
    conn = sqlite3.connect(os.path.join(tmp, "donors.db"))
    try:
        conn.executescript(BUILD_SQL)
        conn.commit()
        # the agent's SQL runs in the grader (as the trusted user): no ATTACH, so it writes no file
        conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH,
                                                                                  sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK)
        deadline = time.monotonic() + 10
        conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
        statements, buf = [], ""
        for ch in "\n".join(lines) + "\n":
            buf += ch
            if ch == ";" and sqlite3.complete_statement(buf):
                statements.append(buf)
                buf = ""
        if buf.strip():
            statements.append(buf)
        result = None
        for stmt in statements:
            if not stmt.strip().strip(";").strip():
                continue
            cur = conn.execute(stmt)
            if cur.description is not None:
                result = cur.fetchall()
        if result is None:
            raise ValueError("query.sql returned no result set")
        return result
    finally:
        conn.close()
        shutil.rmtree(tmp, ignore_errors=True)


def same_rows(got, expected):
    if len(got) != len(expected):
        return False
    for g, e in zip(got, expected):
        if len(g) < 3:
            return False
        if str(g[0]).strip() != e[0] or str(g[1]).strip() != e[1]:
            return False
        if abs(float(str(g[2]).strip().replace("$", "").replace(",", "")) - float(e[2])) > 0.005:
            return False
    return True


@check("csv_header")
def _():
    header, _body = read_csv()
    return [h.strip() for h in header] == HEADER, f"header={header}"


@check("csv_top5_names_in_order")
def _():
    names = [r[0] for r in body_rows()]
    return names == [e[0] for e in EXPECTED], f"names={names}"


@check("csv_regions")
def _():
    got = [(r[0], r[1]) for r in body_rows()]
    return got == [(e[0], e[1]) for e in EXPECTED], f"name/region={got}"


@check("csv_totals_two_decimals")
def _():
    totals = [r[2] for r in body_rows()]
    return totals == [e[2] for e in EXPECTED], f"totals={totals} expected={[e[2] for e in EXPECTED]}"


@check("query_sql_runs")
def _():
    rows = run_query()
    return len(rows) > 0, f"{len(rows)} rows"


@check("query_sql_matches", weight=2.0)
def _():
    rows = run_query()
    return same_rows(rows, EXPECTED), f"rows={[tuple(r) for r in rows[:7]]}"
