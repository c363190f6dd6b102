"""Grader for donor-dedup. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Expected values are hard-coded from the pristine donations.csv, so edits to the input file by the
agent change nothing here. An instance of the family (generate.py) brings its own through
grader_kit.params().
"""

import csv
import json
import os
import re
from decimal import Decimal, InvalidOperation

HEADER = ["donor_name", "email", "amount", "date"]

# (normalised email, amount with two decimals, date) of every kept gift, in original order.
EXPECTED_ROWS = [
    ("maria.santos@example.org", "50.00", "2025-01-05"),
    ("james.okafor@example.com", "1250.00", "2025-01-07"),
    ("priya.raman@example.net", "75.00", "2025-01-09"),
    ("liam.byrne@example.com", "200.00", "2025-01-12"),
    ("chen.wei@example.org", "2500.00", "2025-01-15"),
    ("noah.fischer@example.de", "35.50", "2025-01-20"),
    ("aisha.bello@example.com", "100.00", "2025-01-22"),
    ("priya.raman@example.net", "75.00", "2025-02-09"),
    ("elena.petrova@example.com", "12500.00", "2025-02-14"),
    ("grace.kim@example.org", "20.00", "2025-02-20"),
    ("olivia.brown@example.com", "310.25", "2025-02-25"),
    ("hannah.weber@example.de", "60.00", "2025-03-01"),
    ("kwame.mensah@example.com", "5000.00", "2025-03-03"),
    ("yuki.tanaka@example.jp", "150.00", "2025-03-08"),
    ("grace.kim@example.org", "20.00", "2025-03-20"),
    ("omar.haddad@example.com", "1000.50", "2025-03-22"),
    ("lucas.martin@example.fr", "80.00", "2025-04-02"),
    ("aisha.bello@example.com", "100.00", "2025-04-22"),
    ("zara.ahmed@example.com", "999.99", "2025-04-28"),
    ("sara.lindqvist@example.se", "42.75", "2025-05-01"),
    ("hannah.weber@example.de", "60.00", "2025-05-03"),
    ("maria.santos@example.org", "50.00", "2025-05-05"),
    ("ravi.shah@example.in", "250.00", "2025-05-09"),
    ("chloe.dubois@example.fr", "18.40", "2025-05-15"),
]
EXPECTED_TOTAL = Decimal("24947.39")
EXPECTED_UNIQUE = 19
EXPECTED_LARGEST = ("elena.petrova@example.com", Decimal("12500.00"))
# Normalised emails that appear only on invalid rows of the input.
INVALID_ONLY_EMAILS = {
    "fatima.noor@example.com",
    "sofia.rossi@example.it",
    "tom.hughes@example.co.uk",
    "diego.alvarez@example.mx",
    "isabel.costa@example.pt",
    "ben.carter@example.com",
    "peter.novak@example.cz",
    "mark.doyle@example.com",
    "jack.lee.example.com",
}
PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own export and expectations
if INSTANCE:
    EXPECTED_ROWS = [tuple(r) for r in INSTANCE["rows"]]
    EXPECTED_TOTAL, EXPECTED_UNIQUE = Decimal(INSTANCE["total"]), INSTANCE["unique"]
    EXPECTED_LARGEST = (INSTANCE["largest"][0], Decimal(INSTANCE["largest"][1]))
    INVALID_ONLY_EMAILS = set(INSTANCE["invalid_only"])


def read_clean():
    with open(os.path.join(os.getcwd(), "clean_donations.csv"), newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise ValueError("clean_donations.csv is empty")
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    if not body:
        raise ValueError("clean_donations.csv has no data rows")
    return header, body


def row_key(header, row):
    idx = {h.strip(): i for i, h in enumerate(header)}
    email = row[idx["email"]].strip().lower()
    amount = Decimal(row[idx["amount"]].strip().replace("$", "").replace(",", "")).quantize(Decimal("0.01"))
    return (email, f"{amount:.2f}", row[idx["date"]].strip())


def read_summary():
    with open(os.path.join(os.getcwd(), "summary.json"), encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError("summary.json is not an object")
    return data


def to_dec(v):
    if isinstance(v, bool):
        raise ValueError("boolean is not a number")
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    if isinstance(v, str):
        return Decimal(v.strip().replace("$", "").replace(",", ""))
    raise ValueError(f"not a number: {v!r}")


@check("clean_header")
def _():
    header, _body = read_clean()
    return header == HEADER, f"header={header}"


@check("clean_amounts_plain")
def _():
    header, body = read_clean()
    i = header.index("amount")
    bad = [r[i] for r in body if not (len(r) > i and PLAIN_NUMBER.match(r[i]) and Decimal(r[i]) > 0)]
    return not bad, f"non-plain or non-positive amounts: {bad[:5]}"


@check("clean_emails_normalised")
def _():
    header, body = read_clean()
    i = header.index("email")
    bad = [r[i] for r in body if not (len(r) > i and r[i] == r[i].strip().lower() and "@" in r[i])]
    return not bad, f"emails not normalised: {bad[:5]}"


@check("clean_invalid_dropped")
def _():
    header, body = read_clean()
    i = header.index("email")
    j = header.index("amount")
    bad = []
    for r in body:
        email = r[i].strip().lower()
        if not email or "@" not in email or email in INVALID_ONLY_EMAILS:
            bad.append(r)
            continue
        try:
            amt = Decimal(r[j].strip().replace("$", "").replace(",", ""))
            if not amt.is_finite() or amt <= 0:
                bad.append(r)
        except (InvalidOperation, ValueError):
            bad.append(r)
    if len(body) < len(EXPECTED_ROWS) // 2:
        return False, f"only {len(body)} rows kept"
    return not bad, f"invalid rows kept: {bad[:5]}"


@check("clean_no_duplicates")
def _():
    header, body = read_clean()
    keys = [row_key(header, r) for r in body]
    dups = sorted({k for k in keys if keys.count(k) > 1})
    missing = sorted(set(EXPECTED_ROWS) - set(keys))
    return (not dups and not missing), f"duplicates={dups[:5]} missing={missing[:5]}"


@check("clean_rows_match", weight=2.0)
def _():
    header, body = read_clean()
    keys = [row_key(header, r) for r in body]
    if keys == EXPECTED_ROWS:
        return True, f"{len(keys)} rows match"
    extra = [k for k in keys if k not in EXPECTED_ROWS]
    missing = [k for k in EXPECTED_ROWS if k not in keys]
    order = "" if sorted(keys) != sorted(EXPECTED_ROWS) else " (right rows, wrong order)"
    return False, f"{len(keys)} rows vs {len(EXPECTED_ROWS)} expected{order}; extra={extra[:4]} missing={missing[:4]}"


@check("summary_total")
def _():
    total = to_dec(read_summary()["total"])
    return abs(total - EXPECTED_TOTAL) <= Decimal("0.005"), f"total={total} expected={EXPECTED_TOTAL}"


@check("summary_unique_donors")
def _():
    v = read_summary()["unique_donors"]
    ok = not isinstance(v, bool) and to_dec(v) == EXPECTED_UNIQUE
    return ok, f"unique_donors={v!r} expected={EXPECTED_UNIQUE}"


@check("summary_largest_gift")
def _():
    g = read_summary()["largest_gift"]
    email = str(g["email"]).strip().lower()
    amount = to_dec(g["amount"])
    ok = email == EXPECTED_LARGEST[0] and abs(amount - EXPECTED_LARGEST[1]) <= Decimal("0.005")
    return ok, f"largest_gift={g!r}"
