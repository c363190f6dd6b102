#!/usr/bin/env bash
# Reference solution for validate-grants: write validate.py, then run it on the visible file.
set -euo pipefail
cat > validate.py <<'PY'
#!/usr/bin/env python3
"""Validate a grant-applications CSV file; print one FILE:LINE: MESSAGE line per error."""
import csv
import re
import sys
from datetime import date
from decimal import Decimal

COLUMNS = ["application_id", "organisation", "contact_email", "amount_requested", "currency",
           "start_date", "end_date", "category", "previous_grant_id"]
REQUIRED = COLUMNS[:-1]
ID_RE = re.compile(r"GA-[0-9]{4}")
AMOUNT_RE = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CURRENCIES = {"USD", "EUR", "GBP"}
CATEGORIES = {"education", "health", "environment", "arts", "community"}


def valid_email(v):
    if v.count("@") != 1 or any(c.isspace() for c in v):
        return False
    local, domain = v.split("@")
    return bool(local) and "." in domain and not domain.startswith(".") and not domain.endswith(".")


def parse_date(v):
    if not DATE_RE.fullmatch(v):
        return None
    try:
        return date(int(v[0:4]), int(v[5:7]), int(v[8:10]))
    except ValueError:
        return None


def validate(path, rows):
    """rows: (line number, list of raw fields), header first. Yields error messages as (line, message)."""
    if not rows:
        return
    header_line, header = rows[0]
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        for c in missing:
            yield header_line, f"missing column {c}"
        return
    index = {c: names.index(c) for c in COLUMNS}
    first_seen = {}
    for line, fields in rows[1:]:
        if len(fields) != len(names):
            yield line, f"expected {len(names)} fields, got {len(fields)}"
            continue
        v = {c: fields[index[c]].strip() for c in COLUMNS}
        for c in REQUIRED:
            if not v[c]:
                yield line, f"missing {c}"
        aid = v["application_id"]
        if aid:
            if not ID_RE.fullmatch(aid):
                yield line, f'invalid application_id "{aid}"'
            elif aid in first_seen:
                yield line, f'duplicate application_id "{aid}" (first seen on line {first_seen[aid]})'
            else:
                first_seen[aid] = line
        if v["contact_email"] and not valid_email(v["contact_email"]):
            yield line, f'invalid contact_email "{v["contact_email"]}"'
        amount = None
        if v["amount_requested"]:
            if AMOUNT_RE.fullmatch(v["amount_requested"]):
                amount = Decimal(v["amount_requested"])
                if amount < 500 or amount > 50000:
                    yield line, f'amount_requested out of range "{v["amount_requested"]}"'
            else:
                yield line, f'invalid amount_requested "{v["amount_requested"]}"'
        if v["currency"] and v["currency"] not in CURRENCIES:
            yield line, f'invalid currency "{v["currency"]}"'
        dates = {}
        for c in ("start_date", "end_date"):
            if v[c]:
                dates[c] = parse_date(v[c])
                if dates[c] is None:
                    yield line, f'invalid {c} "{v[c]}"'
        start, end = dates.get("start_date"), dates.get("end_date")
        if start and end:
            if end <= start:
                yield line, "end_date must be after start_date"
            elif (end - start).days > 730:
                yield line, "project longer than 730 days"
        if v["category"] and v["category"] not in CATEGORIES:
            yield line, f'invalid category "{v["category"]}"'
        if v["previous_grant_id"] and not ID_RE.fullmatch(v["previous_grant_id"]):
            yield line, f'invalid previous_grant_id "{v["previous_grant_id"]}"'
        if amount is not None and amount > 20000 and not v["previous_grant_id"]:
            yield line, "previous_grant_id required above 20000"


def main(argv):
    if len(argv) != 2:
        print("usage: python3 validate.py FILE.csv", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            rows = []
            for fields in reader:
                if fields:  # a completely empty line
                    rows.append((reader.line_num, fields))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        print(f"validate.py: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    errors = list(validate(path, rows))
    for line, message in errors:
        print(f"{path}:{line}: {message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
PY
status=0
python3 validate.py grants/applications_2025.csv || status=$?
echo "exit status: $status"
test "$status" -eq 1
