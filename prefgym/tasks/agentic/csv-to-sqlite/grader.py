"""Grader for csv-to-sqlite. Runs in /work after the episode; its checks are reported by prefgym's launcher.

The expected tables and rejects were derived when the task was written, from the same generator
that wrote files/exports (each anomaly was planted on purpose). An instance of the family
(generate.py) brings its own exports and, through grader_kit.params(), its own expected tables and
rejects; schema.sql is the same in every instance. The schema is compared with the pristine
schema.sql embedded here, and its constraints are tested by trying bad rows on an in-memory copy
of the agent's database, never on the file itself.
"""

import csv
import json
import os
import sqlite3

SCHEMA_SQL = r"""-- Schema of the new CRM database, /work/crm.db. Create it with exactly these statements.
-- Dates are ISO 8601 calendar dates (YYYY-MM-DD); money is stored in whole US cents.
PRAGMA foreign_keys = ON;

CREATE TABLE donors (
    donor_id   INTEGER PRIMARY KEY,
    full_name  TEXT    NOT NULL,
    email      TEXT    NOT NULL UNIQUE,
    country    TEXT    NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
    joined_on  TEXT    NOT NULL CHECK (joined_on IS date(joined_on))
);

CREATE TABLE pledges (
    pledge_id     INTEGER PRIMARY KEY,
    donor_id      INTEGER NOT NULL REFERENCES donors (donor_id),
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    frequency     TEXT    NOT NULL CHECK (frequency IN ('once', 'monthly', 'annual')),
    pledged_on    TEXT    NOT NULL CHECK (pledged_on IS date(pledged_on))
);

CREATE TABLE payments (
    payment_id    INTEGER PRIMARY KEY,
    pledge_id     INTEGER NOT NULL REFERENCES pledges (pledge_id),
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    method        TEXT    NOT NULL CHECK (method IN ('card', 'bank', 'cash', 'cheque')),
    paid_on       TEXT    NOT NULL CHECK (paid_on IS date(paid_on))
);
"""

EXPECTED = {
    "donors": [
        [1, "José Moreau", "jose.moreau@example.org", "GB", "2022-08-13"],
        [2, "Zoë Fernández", "zoe.fernandez@example.org", "FR", "2022-04-08"],
        [3, "Søren Ó Briain", "soren.obriain@example.org", "DE", "2019-12-08"],
        [4, "Roux, Amélie", "amelie.roux@example.org", "CA", "2023-08-05"],
        [5, "Björn Silva", "bjorn.silva@example.org", "KE", "2022-06-30"],
        [6, "Ana Nasser", "ana.nasser@example.org", "IN", "2019-08-29"],
        [7, "Liam Mensah", "liam.mensah@example.org", "ES", "2023-03-03"],
        [8, "Chloé Petrov", "chloe.petrov@example.org", "IE", "2019-03-15"],
        [10, "Fatima Iyer", "fatima.iyer@example.org", "US", "2023-06-19"],
        [11, "Ravi Lefèvre", "ravi.lefevre@example.org", "GB", "2022-08-14"],
        [13, "Omar Okafor", "omar.okafor@example.org", "DE", "2021-09-15"],
        [14, "Ines Bennett", "ines.bennett@example.org", "CA", "2021-04-17"],
        [16, "Ngozi Nowak", "ngozi.nowak@example.org", "IN", "2020-08-22"],
        [17, "Yuki Kovacs", "yuki.kovacs@example.org", "ES", "2019-02-26"],
        [18, "Walsh, Élodie", "elodie.walsh@example.org", "IE", "2021-10-21"],
        [19, "Hannah Costa", "hannah.costa@example.org", "NG", "2022-04-15"],
        [20, "Kwame García", "kwame.garcia@example.org", "US", "2020-08-10"],
        [22, "Pádraig Müller", "padraig.muller@example.org", "FR", "2019-11-16"],
        [23, "Marta Liu", "marta.liu@example.org", "DE", "2021-10-04"],
        [24, "Tomás Schmidt", "tomas.schmidt@example.org", "CA", "2024-09-15"],
        [25, "Aisha Lindqvist", "aisha.lindqvist@example.org", "KE", "2021-10-14"],
        [26, "Oskar Jørgensen", "oskar.jorgensen@example.org", "IN", "2020-11-25"],
        [27, "Nina Haddad", "nina.haddad@example.org", "ES", "2019-03-25"],
        [28, "Samuel Tanaka", "samuel.tanaka@example.org", "IE", "2020-09-04"],
        [29, "Léa Ruiz", "lea.ruiz@example.org", "NG", "2023-01-16"],
        [30, "Ivan Álvarez", "ivan.alvarez@example.org", "US", "2023-08-24"],
        [33, "Seán O'Neill", "sean.oneill@example.org", "IE", "2024-07-04"],
    ],
    "pledges": [
        [101, 14, 25000, "annual", "2025-01-07"],
        [102, 16, 10000, "monthly", "2024-03-20"],
        [103, 30, 7525, "annual", "2024-10-22"],
        [105, 4, 500, "once", "2025-04-25"],
        [106, 2, 125000, "annual", "2023-12-19"],
        [107, 11, 25000, "monthly", "2025-04-24"],
        [108, 11, 2000, "annual", "2024-03-20"],
        [110, 26, 7525, "annual", "2023-01-03"],
        [111, 18, 100000, "monthly", "2024-07-16"],
        [112, 16, 1999, "once", "2023-10-31"],
        [114, 20, 10000, "once", "2025-04-09"],
        [115, 10, 7500, "once", "2023-02-12"],
        [116, 7, 10000, "once", "2023-10-22"],
        [118, 18, 500, "once", "2023-11-19"],
        [119, 1, 100000, "once", "2024-02-29"],
        [120, 25, 7525, "annual", "2024-06-15"],
        [122, 17, 125000, "annual", "2023-03-16"],
        [123, 30, 4050, "annual", "2024-07-04"],
        [124, 16, 4050, "monthly", "2023-01-16"],
        [125, 26, 100000, "annual", "2023-03-19"],
        [127, 3, 125000, "annual", "2023-07-14"],
        [128, 27, 25000, "annual", "2023-05-15"],
        [129, 23, 5000, "once", "2023-08-29"],
        [131, 18, 500, "annual", "2023-12-17"],
        [132, 3, 5000, "once", "2023-05-29"],
        [133, 3, 500, "once", "2024-10-26"],
        [135, 29, 125000, "once", "2024-01-11"],
        [136, 27, 1999, "annual", "2024-06-28"],
        [137, 13, 2500, "once", "2024-09-25"],
        [139, 7, 100000, "once", "2023-02-08"],
        [140, 27, 25000, "annual", "2023-09-05"],
        [141, 13, 25000, "annual", "2025-02-05"],
        [142, 28, 100000, "once", "2024-09-29"],
        [143, 6, 10000, "monthly", "2023-07-20"],
        [144, 10, 7525, "annual", "2025-05-06"],
        [145, 18, 125000, "annual", "2024-10-02"],
    ],
    "payments": [
        [5001, 108, 2000, "bank", "2023-10-10"],
        [5002, 110, 333, "card", "2024-11-22"],
        [5004, 127, 333, "card", "2024-12-04"],
        [5005, 110, 10000, "cheque", "2025-03-06"],
        [5006, 122, 2000, "bank", "2025-07-01"],
        [5007, 110, 1000, "cash", "2024-03-23"],
        [5009, 114, 2500, "card", "2024-03-13"],
        [5010, 119, 500, "cash", "2023-03-15"],
        [5011, 120, 333, "bank", "2023-07-08"],
        [5013, 122, 2500, "card", "2023-05-02"],
        [5014, 128, 4050, "card", "2024-09-19"],
        [5015, 116, 2000, "card", "2024-06-21"],
        [5017, 132, 10000, "cheque", "2024-12-05"],
        [5018, 105, 2500, "bank", "2025-09-18"],
        [5019, 106, 500, "card", "2024-02-19"],
        [5021, 132, 7525, "cash", "2024-06-24"],
        [5022, 119, 5000, "bank", "2025-02-05"],
        [5023, 112, 1999, "cheque", "2024-01-19"],
        [5025, 119, 4050, "card", "2024-11-09"],
        [5026, 116, 1999, "cash", "2025-05-23"],
        [5027, 136, 5000, "cash", "2023-08-21"],
        [5029, 115, 1999, "cheque", "2023-07-29"],
        [5030, 110, 4050, "card", "2025-07-04"],
        [5031, 111, 333, "cash", "2023-12-03"],
        [5033, 129, 4050, "cash", "2025-08-14"],
        [5034, 119, 5000, "cheque", "2025-06-15"],
        [5035, 128, 1999, "bank", "2023-02-03"],
        [5036, 107, 10000, "card", "2025-05-09"],
        [5037, 124, 1000, "card", "2023-10-03"],
        [5038, 131, 333, "card", "2025-08-10"],
        [5039, 110, 7525, "bank", "2023-09-05"],
        [5041, 118, 7525, "cheque", "2024-07-26"],
        [5042, 120, 10000, "card", "2023-07-17"],
        [5043, 111, 2500, "bank", "2024-12-31"],
        [5044, 107, 500, "bank", "2024-02-29"],
        [5045, 111, 10000, "cash", "2024-09-07"],
        [5046, 140, 5000, "card", "2023-02-03"],
        [5047, 140, 2000, "card", "2024-03-26"],
        [5048, 107, 2000, "cheque", "2024-12-31"],
        [5049, 125, 2000, "cheque", "2023-11-10"],
        [5050, 137, 500, "cheque", "2023-04-13"],
        [5051, 103, 2500, "card", "2024-04-28"],
        [5052, 111, 125000, "bank", "2024-01-26"],
        [5053, 114, 500, "cheque", "2024-08-31"],
        [5054, 112, 10000, "card", "2024-02-07"],
        [5055, 131, 7525, "cheque", "2023-04-28"],
        [5056, 101, 50, "card", "2025-09-28"],
        [5057, 133, 7525, "cheque", "2023-03-17"],
        [5058, 139, 1999, "cash", "2024-02-24"],
        [5059, 140, 7525, "card", "2023-05-09"],
        [5060, 120, 7525, "card", "2024-09-27"],
        [5061, 132, 1000, "bank", "2024-05-15"],
        [5062, 141, 10000, "cheque", "2024-07-02"],
        [5063, 106, 2000, "card", "2023-02-01"],
        [5064, 105, 2500, "bank", "2024-10-05"],
        [5065, 105, 2000, "cash", "2025-06-25"],
        [5066, 108, 500, "card", "2024-12-03"],
        [5067, 139, 1000, "cash", "2023-05-28"],
        [5068, 103, 333, "card", "2025-05-15"],
        [5069, 143, 7525, "cheque", "2023-10-11"],
        [5070, 133, 2000, "card", "2024-12-06"],
        [5071, 116, 333, "cash", "2025-03-20"],
        [5072, 135, 1000, "card", "2024-12-28"],
        [5073, 116, 1000, "card", "2023-08-16"],
        [5074, 108, 2000, "card", "2023-10-10"],
        [5075, 106, 5000, "card", "2025-08-25"],
        [5076, 123, 1999, "cash", "2024-03-02"],
        [5077, 131, 10000, "card", "2025-06-28"],
        [5078, 102, 5000, "bank", "2025-03-13"],
        [5079, 122, 1999, "bank", "2023-11-29"],
        [5080, 136, 2500, "card", "2023-06-16"],
    ],
}

EXPECTED_REJECTS = [
    ["donors.csv", 10, "bad_value"],
    ["donors.csv", 13, "missing_value"],
    ["donors.csv", 14, "missing_value"],
    ["donors.csv", 17, "bad_date"],
    ["donors.csv", 23, "duplicate_key"],
    ["donors.csv", 24, "bad_date"],
    ["donors.csv", 28, "duplicate_email"],
    ["donors.csv", 32, "bad_date"],
    ["pledges.csv", 5, "bad_amount"],
    ["pledges.csv", 10, "bad_amount"],
    ["pledges.csv", 14, "bad_amount"],
    ["pledges.csv", 18, "bad_value"],
    ["pledges.csv", 22, "bad_date"],
    ["pledges.csv", 27, "missing_value"],
    ["pledges.csv", 31, "unknown_donor"],
    ["pledges.csv", 32, "duplicate_key"],
    ["pledges.csv", 36, "unknown_donor"],
    ["pledges.csv", 37, "bad_amount"],
    ["pledges.csv", 41, "unknown_donor"],
    ["payments.csv", 4, "bad_value"],
    ["payments.csv", 9, "bad_amount"],
    ["payments.csv", 13, "bad_amount"],
    ["payments.csv", 17, "bad_date"],
    ["payments.csv", 21, "bad_date"],
    ["payments.csv", 25, "unknown_pledge"],
    ["payments.csv", 29, "unknown_pledge"],
    ["payments.csv", 33, "missing_value"],
    ["payments.csv", 41, "bad_amount"],
    ["payments.csv", 47, "duplicate_key"],
    ["payments.csv", 52, "bad_amount"],
]

KEYS = {"donors": "donor_id", "pledges": "pledge_id", "payments": "payment_id"}

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own exports, tables and rejects
if INSTANCE:
    EXPECTED = {table: INSTANCE[table] for table in KEYS}
    EXPECTED_REJECTS = INSTANCE["rejects"]


_db = {}


def agent_db():
    """An in-memory copy of /work/crm.db (the file itself is only read)."""
    if "error" in _db:
        raise _db["error"]
    if "conn" not in _db:
        try:
            path = os.path.join(os.getcwd(), "crm.db")
            if not os.path.isfile(path):
                raise FileNotFoundError("crm.db does not exist")
            src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            mem = sqlite3.connect(":memory:")
            src.backup(mem)
            src.close()
            _db["conn"] = mem
        except Exception as exc:
            _db["error"] = exc
            raise
    return _db["conn"]


def pristine():
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA_SQL)
    return conn


def shape(conn):
    out = {}
    for table in KEYS:
        cols = [(r[1], (r[2] or "").upper(), r[3], r[5]) for r in conn.execute(f"PRAGMA table_info({table})")]
        fks = sorted((r[2], r[3], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({table})"))
        uniques = []
        for idx in conn.execute(f"PRAGMA index_list({table})"):
            if idx[2]:
                uniques.append(tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{idx[1]}')")))
        out[table] = {"columns": cols, "foreign_keys": fks, "unique": sorted(uniques)}
    return out


def rows(table):
    conn = agent_db()
    got = conn.execute(f"SELECT * FROM {table} ORDER BY {KEYS[table]}").fetchall()
    return [list(r) for r in got]


def compare_rows(table):
    got, expected = rows(table), EXPECTED[table]
    if got == expected:
        return True, f"{len(got)} rows as expected"
    got_set = {json.dumps(r, ensure_ascii=False) for r in got}
    exp_set = {json.dumps(r, ensure_ascii=False) for r in expected}
    missing = sorted(exp_set - got_set)[:3]
    extra = sorted(got_set - exp_set)[:3]
    return False, f"{len(got)} rows (expected {len(expected)}); missing e.g. {missing}; unexpected e.g. {extra}"


@check("schema_as_specified", weight=2.0)
def _():
    conn = agent_db()
    want, got = shape(pristine()), shape(conn)
    if got != want:
        diffs = [t for t in KEYS if got.get(t) != want[t]]
        return False, f"tables differ from schema.sql: {diffs}: {[got.get(t) for t in diffs][:1]}"
    # the constraints must reject bad rows: try them on a scratch copy
    scratch = sqlite3.connect(":memory:")
    conn.backup(scratch)
    scratch.execute("PRAGMA foreign_keys = ON")
    scratch.execute("DELETE FROM payments")
    scratch.execute("DELETE FROM pledges")
    scratch.execute("DELETE FROM donors")
    scratch.execute("INSERT INTO donors VALUES (1, 'A B', 'a@b.org', 'US', '2024-01-01')")
    scratch.execute("INSERT INTO pledges VALUES (1, 1, 100, 'once', '2024-01-02')")
    scratch.execute("INSERT INTO payments VALUES (1, 1, 100, 'card', '2024-01-03')")
    bad = [
        "INSERT INTO donors VALUES (2, 'C D', 'c@d.org', 'USA', '2024-01-01')",
        "INSERT INTO donors VALUES (2, 'C D', 'c@d.org', 'us', '2024-01-01')",
        "INSERT INTO donors VALUES (2, 'C D', 'c@d.org', 'US', '01/02/2024')",
        "INSERT INTO donors VALUES (2, NULL, 'c@d.org', 'US', '2024-01-01')",
        "INSERT INTO donors VALUES (2, 'C D', 'a@b.org', 'US', '2024-01-01')",
        "INSERT INTO pledges VALUES (2, 1, 0, 'once', '2024-01-02')",
        "INSERT INTO pledges VALUES (2, 1, 100, 'weekly', '2024-01-02')",
        "INSERT INTO pledges VALUES (2, 7, 100, 'once', '2024-01-02')",
        "INSERT INTO payments VALUES (2, 1, -5, 'card', '2024-01-03')",
        "INSERT INTO payments VALUES (2, 1, 100, 'check', '2024-01-03')",
        "INSERT INTO payments VALUES (2, 9, 100, 'card', '2024-01-03')",
        "INSERT INTO payments VALUES (2, 1, 100, 'card', NULL)",
    ]
    accepted = []
    for stmt in bad:
        try:
            scratch.execute(stmt)
            accepted.append(stmt)
        except sqlite3.IntegrityError:
            pass
    scratch.close()
    if accepted:
        return False, f"constraints missing: {accepted[:3]}"
    return True, "tables, columns, keys and constraints as in schema.sql"


@check("donors_imported", weight=2.0)
def _():
    return compare_rows("donors")


@check("pledges_imported", weight=2.0)
def _():
    return compare_rows("pledges")


@check("payments_imported", weight=2.0)
def _():
    return compare_rows("payments")


def read_rejects():
    with open(os.path.join(os.getcwd(), "rejects.csv"), newline="", encoding="utf-8-sig") as f:
        table = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    if not table:
        raise ValueError("rejects.csv is empty")
    if [c.strip().lower() for c in table[0]] != ["file", "line", "reason"]:
        raise ValueError(f"unexpected header {table[0]}")
    out = []
    for r in table[1:]:
        if len(r) != 3:
            raise ValueError(f"row with {len(r)} fields: {r}")
        out.append((os.path.basename(r[0].strip()), int(r[1].strip()), r[2].strip()))
    return out


@check("rejected_rows_identified")
def _():
    got = {(f, n) for f, n, _ in read_rejects()}
    want = {(f, n) for f, n, _ in EXPECTED_REJECTS}
    return got == want, f"missing {sorted(want - got)[:6]}; unexpected {sorted(got - want)[:6]}"


@check("reject_reasons", weight=2.0)
def _():
    got = read_rejects()
    want = {tuple(r) for r in EXPECTED_REJECTS}
    if len(got) != len(set(got)):
        return False, "duplicate rows in rejects.csv"
    got = set(got)
    return got == want, f"wrong or missing {sorted(want - got)[:5]}; unexpected {sorted(got - want)[:5]}"
