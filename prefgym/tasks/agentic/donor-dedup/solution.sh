#!/usr/bin/env bash
# Reference solution for donor-dedup.
set -euo pipefail
python3 - <<'PY'
import csv
import json
from decimal import Decimal, InvalidOperation

with open("donations.csv", newline="") as f:
    reader = csv.DictReader(f)
    header = reader.fieldnames
    rows = list(reader)

seen = set()
kept = []
for r in rows:
    email = (r["email"] or "").strip().lower()
    raw = (r["amount"] or "").replace("$", "").replace(",", "").replace(" ", "").strip()
    if not email or "@" not in email or not raw:
        continue
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        continue
    if not amount.is_finite() or amount <= 0:
        continue
    date = (r["date"] or "").strip()
    key = (email, amount, date)
    if key in seen:
        continue
    seen.add(key)
    kept.append({"donor_name": (r["donor_name"] or "").strip(), "email": email,
                 "amount": amount.quantize(Decimal("0.01")), "date": date})

with open("clean_donations.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for k in kept:
        w.writerow([k["donor_name"], k["email"], f"{k['amount']:.2f}", k["date"]])

largest = max(kept, key=lambda k: k["amount"])
summary = {
    "total": float(sum(k["amount"] for k in kept)),
    "unique_donors": len({k["email"] for k in kept}),
    "largest_gift": {"email": largest["email"], "amount": float(largest["amount"])},
}
with open("summary.json", "w") as f:
    json.dump(summary, f, indent=2)
print(json.dumps(summary))
PY
