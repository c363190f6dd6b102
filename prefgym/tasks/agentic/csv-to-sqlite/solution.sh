#!/usr/bin/env bash
# Reference solution for csv-to-sqlite.
set -euo pipefail
rm -f crm.db rejects.csv
python3 - <<'PY'
import csv
import re
import sqlite3
from datetime import date
from decimal import Decimal, InvalidOperation

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})


class Reject(Exception):
    pass


def parse_date(s):
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
            y, mo, d = m.groups()
        elif m := re.fullmatch(r"(\d{4})/(\d{2})/(\d{2})", s):
            y, mo, d = m.groups()
        elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s):
            d, mo, y = m.groups()
        elif m := re.fullmatch(r"([A-Za-z]+) (\d{1,2}), (\d{4})", s):
            name, d, y = m.groups()
            mo = MONTHS[name.lower()]
        else:
            raise ValueError(s)
        return date(int(y), int(mo), int(d)).isoformat()
    except (ValueError, KeyError):
        raise Reject("bad_date")


def parse_amount(s):
    t = s.replace("$", "").replace("USD", "").replace(",", "").replace(" ", "")
    if not re.fullmatch(r"\d*\.?\d*", t) or not re.search(r"\d", t):
        raise Reject("bad_amount")
    try:
        v = Decimal(t)
    except InvalidOperation:
        raise Reject("bad_amount")
    if v <= 0 or v.as_tuple().exponent < -2:
        raise Reject("bad_amount")
    return int(v * 100)


def parse_id(s):
    if not re.fullmatch(r"\d+", s):
        raise Reject("bad_value")
    return int(s)


def one_of(*allowed):
    def check(s):
        s = s.lower()
        if s not in allowed:
            raise Reject("bad_value")
        return s
    return check


def country(s):
    s = s.upper()
    if not re.fullmatch(r"[A-Z]{2}", s):
        raise Reject("bad_value")
    return s


SPECS = {
    "donors.csv": ("cp1252", "donors", [parse_id, str, str.lower, country, parse_date]),
    "pledges.csv": ("utf-8-sig", "pledges", [parse_id, parse_id, parse_amount,
                                              one_of("once", "monthly", "annual"), parse_date]),
    "payments.csv": ("utf-8", "payments", [parse_id, parse_id, parse_amount,
                                            one_of("card", "bank", "cash", "cheque"), parse_date]),
}

db = sqlite3.connect("crm.db")
db.executescript(open("schema.sql", encoding="utf-8").read())
db.execute("PRAGMA foreign_keys = ON")
imported = {"donors": set(), "pledges": set()}
emails = set()
rejects = []
for fname, (enc, table, parsers) in SPECS.items():
    with open(f"exports/{fname}", encoding=enc, newline="") as f:
        lines = f.read().splitlines()
    header = next(csv.reader([lines[0]]))
    keys = set()
    for lineno, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        raw = [c.strip() for c in next(csv.reader([text]))]
        try:
            if len(raw) != len(header) or any(c == "" for c in raw):
                raise Reject("missing_value")
            values = [p(c) for p, c in zip(parsers, raw)]
            if values[0] in keys:
                raise Reject("duplicate_key")
            if table == "donors" and values[2] in emails:
                raise Reject("duplicate_email")
            if table == "pledges" and values[1] not in imported["donors"]:
                raise Reject("unknown_donor")
            if table == "payments" and values[1] not in imported["pledges"]:
                raise Reject("unknown_pledge")
        except Reject as r:
            rejects.append((fname, lineno, str(r)))
            continue
        db.execute(f"INSERT INTO {table} ({', '.join(header).replace('amount,', 'amount_cents,')}) "
                   f"VALUES ({', '.join('?' * len(values))})", values)
        keys.add(values[0])
        if table in imported:
            imported[table].add(values[0])
        if table == "donors":
            emails.add(values[2])
db.commit()
print("foreign key problems:", db.execute("PRAGMA foreign_key_check").fetchall())
for t in ("donors", "pledges", "payments"):
    print(t, db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
db.close()
with open("rejects.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["file", "line", "reason"])
    w.writerows(rejects)
print(len(rejects), "rejected rows")
PY
